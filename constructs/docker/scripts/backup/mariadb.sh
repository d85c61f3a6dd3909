# shellcheck shell=sh
# Store module of webcluster-backup for MariaDB (runs in the MariaDB image). One unit, 'db': the
# application's databases, dumped consistently in one transaction (InnoDB) with their routines,
# events and triggers, gzip-compressed. A restore drops and recreates those databases.
#
# Environment: DB_HOST, DB_DATABASES (space-separated), MARIADB_ROOT_PASSWORD or MARIADB_ROOT_PASSWORD_FILE.

# client_options: an option file with the root credentials (the password never on a command line).
client_options() {
  c_file="$STATE_DIR/client.cnf"
  if [ ! -s "$c_file" ]; then
    {
      echo '[client]'
      echo 'user=root'
      echo "password=$(quoted "$(secret MARIADB_ROOT_PASSWORD)")"
      echo "host=${DB_HOST:?}"
    } >"$c_file"
  fi
  echo "$c_file"
}

store_dump() {
  d_options=$(client_options)
  rm -f "$2.failed"
  # shellcheck disable=SC2086 # DB_DATABASES is a list of validated names.
  {
    mariadb-dump --defaults-extra-file="$d_options" --single-transaction --routines --events --triggers \
      --add-drop-database --databases ${DB_DATABASES:?} || echo failed >"$2.failed"
  } | gzip -c >"$2" || return 1
  if [ -e "$2.failed" ]; then
    rm -f "$2.failed"
    return 1
  fi
  # mariadb-dump writes this line last: a dump without it was cut short.
  gzip -dc "$2" | tail -n 1 | grep -q '^-- Dump completed' || {
    log "the dump of $1 is incomplete"
    return 1
  }
}

store_restore() {
  gzip -t "$2" || return 1
  gzip -dc "$2" | mariadb --defaults-extra-file="$(client_options)"
}
