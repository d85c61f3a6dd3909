# shellcheck shell=sh
# Store module of webcluster-backup for Valkey (runs in the Valkey image). One unit per durable data
# class, 'redis-<class>', named like the instance's alias on the backend network: an RDB snapshot
# taken from the running server (valkey-cli --rdb), gzip-compressed.
#
# A restore does not touch the server's files: with appendonly yes the server loads its AOF at start,
# never a dump.rdb put next to it. Instead the snapshot is loaded into a temporary server in this
# container, the live instance is emptied (FLUSHALL) and every key is copied over with MIGRATE ... COPY
# REPLACE (values and TTLs as they are), so the live server writes the restored data to its own AOF;
# BGREWRITEAOF then compacts it. Key counts are compared per database at the end.

REDIS_PORT=6379
RESTORE_PORT=6380

store_dump() {
  d_rdb="$STATE_DIR/$1.rdb"
  rm -f "$d_rdb"
  valkey-cli -h "$1" -p "$REDIS_PORT" --rdb "$d_rdb" >&2 || return 1
  [ "$(head -c 5 "$d_rdb")" = REDIS ] || {
    log "$1: the snapshot is not an RDB file"
    return 1
  }
  gzip -c "$d_rdb" >"$2" || return 1
  rm -f "$d_rdb"
}

# keyspace PORT HOST: 'db keys' for every database holding keys.
keyspace() {
  valkey-cli -h "$2" -p "$1" info keyspace | tr -d '\r' | sed -n 's/^db\([0-9]*\):keys=\([0-9]*\),.*/\1 \2/p'
}

store_restore() {
  r_dir="$STATE_DIR/restore-$1"
  rm -rf "$r_dir"
  mkdir -p "$r_dir"
  gzip -dc "$2" >"$r_dir/dump.rdb" || return 1
  valkey-server --port "$RESTORE_PORT" --bind 127.0.0.1 --dir "$r_dir" --dbfilename dump.rdb \
    --appendonly no --save "" --daemonize yes --pidfile "$r_dir/server.pid" --logfile "$r_dir/server.log" || return 1
  r_status=0
  restore_keys "$1" "$r_dir" || r_status=1
  valkey-cli -p "$RESTORE_PORT" shutdown nosave >/dev/null 2>&1 || true
  [ "$r_status" = 0 ] || cat "$r_dir/server.log" >&2
  rm -rf "$r_dir"
  return "$r_status"
}

# restore_keys UNIT DIR: from the temporary server into the live one.
restore_keys() {
  r_tries=0
  until [ "$(valkey-cli -p "$RESTORE_PORT" ping 2>/dev/null)" = PONG ]; do
    r_tries=$((r_tries + 1))
    [ "$r_tries" -lt 300 ] || {
      log "the temporary server did not load the snapshot"
      return 1
    }
    sleep 1
  done
  keyspace "$RESTORE_PORT" 127.0.0.1 >"$2/expected"
  log "$1: snapshot loaded: $(tr '\n' ' ' <"$2/expected")(database keys)"
  [ "$(valkey-cli -h "$1" -p "$REDIS_PORT" flushall)" = OK ] || return 1
  while read -r db keys; do
    # Keys one per line, quoted for the command line (a key with a line break is not supported: the
    # count check below would fail).
    valkey-cli -p "$RESTORE_PORT" -n "$db" --scan |
      sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/' |
      awk -v host="$1" -v port="$REDIS_PORT" -v db="$db" '
        { batch = batch " " $0; n++ }
        n == 100 { print "MIGRATE " host " " port " \"\" " db " 60000 COPY REPLACE KEYS" batch; batch = ""; n = 0 }
        END { if (n > 0) print "MIGRATE " host " " port " \"\" " db " 60000 COPY REPLACE KEYS" batch }' |
      valkey-cli -p "$RESTORE_PORT" -n "$db" >"$2/migrate-$db" || return 1
    if grep -v -x -e OK -e NOKEY "$2/migrate-$db" >&2; then return 1; fi
    r_live=$(valkey-cli -h "$1" -p "$REDIS_PORT" -n "$db" dbsize)
    [ "$r_live" = "$keys" ] || {
      log "$1: database $db has $r_live keys after the restore, the snapshot $keys"
      return 1
    }
  done <"$2/expected"
  valkey-cli -h "$1" -p "$REDIS_PORT" bgrewriteaof >/dev/null
}
