#!/bin/bash
# Entrypoint of the MariaDB stand-in: the interface of the upstream image's entrypoint that
# webcluster uses (MARIADB_* variables, *_FILE secrets, /docker-entrypoint-initdb.d, dropping root).
set -euo pipefail

# file_env VAR: VAR from VAR_FILE when that is set (secrets mounted as files).
file_env() {
  local var=$1 file_var="${1}_FILE"
  if [ -n "${!file_var:-}" ]; then
    export "$var"="$(cat "${!file_var}")"
  fi
}

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ]; then exec "$@"; fi

datadir=/var/lib/mysql
if [ "$(id -u)" = 0 ]; then
  chown -R mysql:mysql "$datadir" /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$0" "$@"
fi

sql_escape() { printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g"; }

if [ ! -d "$datadir/mysql" ]; then
  file_env MARIADB_ROOT_PASSWORD
  file_env MARIADB_PASSWORD
  : "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD (or _FILE) is required to initialise the database}"
  echo "[standin] initialising $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  "$@" --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  for _ in $(seq 1 60); do
    mariadb --protocol=socket --socket=/run/mysqld/init.sock -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 1
  done
  hc_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(sql_escape "$MARIADB_ROOT_PASSWORD")';"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$(sql_escape "$MARIADB_ROOT_PASSWORD")'; GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "CREATE USER 'healthcheck'@'localhost' IDENTIFIED BY '$hc_password'; GRANT USAGE ON *.* TO 'healthcheck'@'localhost';"
    if [ -n "${MARIADB_DATABASE:-}" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"; fi
    if [ -n "${MARIADB_USER:-}" ]; then
      echo "CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$(sql_escape "${MARIADB_PASSWORD:?MARIADB_PASSWORD is required with MARIADB_USER}")';"
      if [ -n "${MARIADB_DATABASE:-}" ]; then echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --protocol=socket --socket=/run/mysqld/init.sock -uroot
  printf '[client]\nuser=healthcheck\npassword=%s\nprotocol=socket\nsocket=/run/mysqld/mysqld.sock\n' "$hc_password" >"$datadir/.my-healthcheck.cnf"
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "[standin] running $f"; mariadb --protocol=socket --socket=/run/mysqld/init.sock -uroot -p"$MARIADB_ROOT_PASSWORD" "${MARIADB_DATABASE:-mysql}" <"$f" ;;
      *) ;;
    esac
  done
  kill "$pid"
  wait "$pid" || true
  echo "[standin] initialised"
fi
exec "$@"
