#!/bin/sh
# As the upstream image's entrypoint: flags and Traefik subcommands go to traefik, anything else runs as is.
set -e
case "$1" in
  -*) set -- traefik "$@" ;;
  healthcheck | version) set -- traefik "$@" ;;
esac
exec "$@"
