#!/bin/bash
# Health check of the MariaDB stand-in: the flags of the upstream image's healthcheck.sh that
# webcluster uses (--connect, --innodb_initialized), through the health-check user.
set -eu
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -f "$cnf" ] || exit 1
for flag in "$@"; do
  case "$flag" in
    --connect) mariadb --defaults-extra-file="$cnf" -e 'SELECT 1' >/dev/null ;;
    --innodb_initialized)
      [ "$(mariadb --defaults-extra-file="$cnf" -Nse "SELECT 1 FROM information_schema.ENGINES WHERE engine='InnoDB' AND support IN ('YES','DEFAULT')")" = 1 ] ;;
    *) echo "healthcheck.sh: unsupported flag $flag" >&2; exit 1 ;;
  esac
done
