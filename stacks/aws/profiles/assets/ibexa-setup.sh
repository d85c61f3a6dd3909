#!/bin/bash
# Ibexa setup of a release on the admin host, rendered by webcluster. Idempotent: it runs at every boot.
# A fresh database needs `php bin/console ibexa:install` once by hand (it is not idempotent) and then
# `php bin/console ibexa:reindex` once the Solr core exists.
set -euo pipefail
exec >>/var/log/webcluster/setup.log 2>&1
cd {{appDir}}
console() { /usr/bin/php bin/console {{consoleOptions}} "$@"; }
echo "setup started $(date -Is)"
# The DFS metadata database exists (the database-user step creates it and grants it to the app user).
console dbal:run-sql --connection=dfs "$(cat /etc/webcluster/ibexa-dfs-schema.sql)"
# Schema changes of the release.
console doctrine:migrations:migrate --allow-no-migration
# cache:clear leaves the Redis persistence cache alone; entries of the old release must go.
console cache:pool:clear cache.redis
console cache:warmup
# Solr builds its core from the ibexa/solr package of this release.
if [ -n "${SOLR_CONFIG_SOURCE_URI:-}" ]; then
  tar -czf - -C vendor/ibexa/solr . | aws s3 cp --only-show-errors - "$SOLR_CONFIG_SOURCE_URI"
fi
echo "setup done $(date -Is)"
