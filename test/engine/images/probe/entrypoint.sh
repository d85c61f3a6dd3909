#!/bin/sh
# No command: the web server (app and admin containers); otherwise the command the stack gave.
set -e
if [ "$#" -eq 0 ]; then set -- probe web; fi
exec "$@"
