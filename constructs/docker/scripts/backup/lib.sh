# shellcheck shell=sh
# Shared by webcluster-backup, webcluster-restore and webcluster-upload (the DataBackup construct puts
# them into the backup containers). POSIX sh: runs under dash, busybox ash and bash.
#
# Environment:
#   BACKUP_DIR            where complete backups are written (the host path, or the spool of an S3 target)
#   BACKUP_UNITS          what the job backs up, space-separated (e.g. 'db', 'redis-sessions redis-queue')
#   BACKUP_EXT            file name extension of one backup (e.g. 'sql.gz')
#   BACKUP_KEEP           backups kept per unit
#   BACKUP_INTERVAL_HOURS hours between backups
#   BACKUP_AT             optional UTC time HH:MM the schedule is anchored at (24 / interval runs a day)

WEBCLUSTER_LIB=${WEBCLUSTER_LIB:-/usr/local/lib/webcluster-backup}
BACKUP_DIR=${BACKUP_DIR:-/backups}
STATE_DIR=${STATE_DIR:-/tmp/webcluster-backup}

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# secret NAME: the value of $NAME, or the content of the file named by $NAME_FILE (Swarm secrets).
secret() {
  eval "secret_file=\${${1}_FILE:-}"
  if [ -n "$secret_file" ]; then
    cat "$secret_file"
  else
    eval "printf '%s' \"\${${1}:-}\""
  fi
}

# quoted VALUE: VALUE in double quotes with backslashes and double quotes escaped (option files).
quoted() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# stamp: the current UTC time as it appears in backup names, YYYYmmddTHHMMSSZ.
stamp() { date -u +%Y%m%dT%H%M%SZ; }

# epoch_of STAMP: seconds since 1970 of a YYYYmmddTHHMMSSZ stamp (shell arithmetic: no date -d,
# which busybox and GNU date spell differently).
epoch_of() {
  e_y=$(printf '%s' "$1" | cut -c1-4)
  e_m=$(printf '%s' "$1" | cut -c5-6)
  e_d=$(printf '%s' "$1" | cut -c7-8)
  e_hh=$(printf '%s' "$1" | cut -c10-11)
  e_mm=$(printf '%s' "$1" | cut -c12-13)
  e_ss=$(printf '%s' "$1" | cut -c14-15)
  # Leading zeros would make the shell read octal.
  e_m=${e_m#0} e_d=${e_d#0} e_hh=${e_hh#0} e_mm=${e_mm#0} e_ss=${e_ss#0}
  # Days from the civil date (H. Hinnant's algorithm), then seconds.
  e_y=$((e_y - (e_m <= 2)))
  e_era=$((e_y / 400))
  e_yoe=$((e_y - e_era * 400))
  e_doy=$(((153 * (e_m + (e_m > 2 ? -3 : 9)) + 2) / 5 + e_d - 1))
  e_doe=$((e_yoe * 365 + e_yoe / 4 - e_yoe / 100 + e_doy))
  echo $(((e_era * 146097 + e_doe - 719468) * 86400 + e_hh * 3600 + e_mm * 60 + e_ss))
}

# slot_after T: the first scheduled time after T: T + interval, or with BACKUP_AT the next of the
# day's slots (BACKUP_AT and every interval after it, UTC).
slot_after() {
  INTERVAL_SEC=$((${BACKUP_INTERVAL_HOURS:?} * 3600))
  if [ -z "${BACKUP_AT:-}" ]; then
    echo $(($1 + INTERVAL_SEC))
    return
  fi
  s_h=$(printf '%s' "$BACKUP_AT" | cut -d: -f1)
  s_m=$(printf '%s' "$BACKUP_AT" | cut -d: -f2)
  s_origin=$(((${s_h#0} + 0) * 3600 + (${s_m#0} + 0) * 60))
  s_k=$((($1 - s_origin) / INTERVAL_SEC))
  s_next=$((s_origin + s_k * INTERVAL_SEC))
  while [ "$s_next" -le "$1" ]; do s_next=$((s_next + INTERVAL_SEC)); done
  echo "$s_next"
}

# lock / unlock: one backup or restore at a time in the job (the loop, 'now' and webcluster-restore
# share the container); a lock whose process is gone is taken over. The lock records when it was taken.
lock() {
  mkdir -p "$STATE_DIR"
  while ! mkdir "$STATE_DIR/lock" 2>/dev/null; do
    l_pid=$(cat "$STATE_DIR/lock/pid" 2>/dev/null || true)
    if [ -n "$l_pid" ] && ! kill -0 "$l_pid" 2>/dev/null; then
      rm -rf "$STATE_DIR/lock"
      continue
    fi
    sleep 2
  done
  echo $$ >"$STATE_DIR/lock/pid"
  date +%s >"$STATE_DIR/lock/since"
}
unlock() { rm -rf "$STATE_DIR/lock"; }

# busy_since: when the running backup or restore took the lock (epoch), or nothing when none runs.
busy_since() {
  b_pid=$(cat "$STATE_DIR/lock/pid" 2>/dev/null || true)
  if [ -n "$b_pid" ] && kill -0 "$b_pid" 2>/dev/null; then cat "$STATE_DIR/lock/since" 2>/dev/null || true; fi
}

# in_units UNIT: whether UNIT is one of BACKUP_UNITS.
in_units() {
  for known in $BACKUP_UNITS; do
    [ "$known" = "$1" ] && return 0
  done
  return 1
}

# backups UNIT: the unit's complete backups in BACKUP_DIR, oldest first (the stamp sorts by time).
backups() {
  ext_re=$(printf '%s' "${BACKUP_EXT:?}" | sed 's/\./\\./g')
  find "$BACKUP_DIR" -maxdepth 1 -type f -name "$1-*" | sed 's#.*/##' | grep -E "^$1-[0-9]{8}T[0-9]{6}Z\\.$ext_re\$" | sort || true
}

# unit_of NAME: the unit a backup file name belongs to (fails for a name that is not a backup of ours).
unit_of() {
  u_name=${1##*/}
  u_unit=$(printf '%s' "$u_name" | sed -n "s/^\\([a-z][a-z0-9-]*\\)-[0-9]\\{8\\}T[0-9]\\{6\\}Z\\..*\$/\\1/p")
  [ -n "$u_unit" ] && in_units "$u_unit" || return 1
  case "$u_name" in *".$BACKUP_EXT") ;; *) return 1 ;; esac
  echo "$u_unit"
}
