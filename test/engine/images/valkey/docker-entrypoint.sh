#!/bin/sh
# Entrypoint of the Valkey stand-in (Debian's Redis 7.0): like the upstream image, flags alone start
# the server, which runs as an unprivileged user with protected mode off (the upstream build's default).
set -eu
if [ "${1#-}" != "$1" ]; then set -- valkey-server "$@"; fi
if [ "$1" = valkey-server ]; then
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
  fi
  shift
  exec valkey-server --protected-mode no "$@"
fi
exec "$@"
