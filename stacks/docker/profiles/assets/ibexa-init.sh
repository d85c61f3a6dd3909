set -e
console() { php bin/console {{consoleOptions}} "$@"; }
# The DFS volume starts out owned by root; the web server runs as www-data.
chown www-data:www-data "$DFS_NFS_PATH" || echo "cannot chown $DFS_NFS_PATH: make it writable for the web server user in the image"
# Solr builds its core from the ibexa/solr package of this image; .ready comes last.
if [ -n "$SOLR_CONFIG_SOURCE_DIR" ]; then
  rm -rf "$SOLR_CONFIG_SOURCE_DIR"/* "$SOLR_CONFIG_SOURCE_DIR/$SOLR_CONFIG_SOURCE_READY_FILE"
  cp -R vendor/ibexa/solr/. "$SOLR_CONFIG_SOURCE_DIR"/
  touch "$SOLR_CONFIG_SOURCE_DIR/$SOLR_CONFIG_SOURCE_READY_FILE"
fi
# The DFS metadata database exists (MariaDB init file); its table may not.
console dbal:run-sql --connection=dfs "{{dfsSchemaSql}}"
console doctrine:migrations:migrate --allow-no-migration
console cache:pool:clear cache.redis
