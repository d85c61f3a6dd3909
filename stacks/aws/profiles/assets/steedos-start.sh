#!/bin/bash
# Starts Steedos: web (app hosts) or cron (the scheduled jobs, admin host only), with the shared
# secrets derived from STEEDOS_TENANT_TOKEN_SECRET so that every host computes the same values.
set -euo pipefail
derive() { printf "%s" "$1:$STEEDOS_TENANT_TOKEN_SECRET" | sha256sum | cut -c1-48; }
export B6_JWT_SECRET="$(derive b6-jwt-secret)"
export STEEDOS_ENCRYPTION_PASSWORD="$(derive steedos-encryption-password)"
export STEEDOS_ENCRYPTION_SALT="$(derive steedos-encryption-salt)"
if [ "$1" = cron ]; then export STEEDOS_CRON=true; fi
exec /usr/local/bin/webcluster-node {{appDir}}/node_modules/.bin/steedos start >> "{{logDir}}/steedos-$1.log" 2>&1
