#!/bin/bash
{{! The fetcher (/usr/local/sbin/webcluster-fetch-secrets): writes the secrets file; when it already }}
{{! existed and a value changed, restarts the services that read it. The secrets lines (per secret: }}
{{! fetch it, refuse an empty value, append NAME=value) come from private/secrets-fetcher.ts. }}
# Reads the app secrets with the instance role and writes them where only root and the app user can read.
set -euo pipefail
umask 077
tmp=$(mktemp)
fetch() {
{{! A secret another host fills (the app secret, the database user) may take a while on a first deploy. }}
  for _ in $(seq 1 180); do
    if aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text 2>/dev/null; then return 0; fi
    sleep 10
  done
  echo "secret $1 not readable after 30 minutes" >&2; return 1
}
{{secrets}}
{{! systemd reads EnvironmentFile= as root before dropping privileges, so root-only is enough. }}
if [ -f {{secretsFile}} ] && cmp -s "$tmp" {{secretsFile}}; then rm -f "$tmp"; exit 0; fi
changed=$([ -f {{secretsFile}} ] && echo yes || echo no)
install -m 0600 -o root -g root "$tmp" {{secretsFile}}
rm -f "$tmp"
{{#restart}}
if [ "$changed" = yes ]; then systemctl try-restart {{services}}; fi
{{/restart}}
