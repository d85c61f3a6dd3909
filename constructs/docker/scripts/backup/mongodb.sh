# shellcheck shell=sh
# Store module of webcluster-backup for the document database (MongoDB replica set), run in the mongo
# image (mongodump and mongorestore are there). One unit, 'mongodb': every database, dumped with
# the oplog written during the dump (--oplog: a consistent point in time) into one gzip-compressed
# archive. A restore drops and restores each collection of the archive and replays that oplog; the
# admin database (users, which the replica set's init task manages) and config are left as they are.
#
# Environment: MONGO_MEMBERS (host:port,...), MONGO_REPLICA_SET, MONGO_ROOT_PASSWORD (or _FILE).

# client_config: a mongodump/mongorestore config file with the root password (never on a command line).
client_config() {
  c_file="$STATE_DIR/mongo-tools.yaml"
  [ -s "$c_file" ] || echo "password: $(quoted "$(secret MONGO_ROOT_PASSWORD)")" >"$c_file"
  echo "$c_file"
}

mongo_uri() { echo "mongodb://root@${MONGO_MEMBERS:?}/?replicaSet=${MONGO_REPLICA_SET:?}&authSource=admin"; }

store_dump() {
  mongodump --config="$(client_config)" --uri="$(mongo_uri)" --oplog --gzip --archive="$2" --quiet
}

store_restore() {
  mongorestore --config="$(client_config)" --uri="$(mongo_uri)" --gzip --archive="$2" --drop --oplogReplay \
    --nsExclude='admin.*' --nsExclude='config.*'
}
