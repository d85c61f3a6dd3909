# shellcheck shell=sh
# Store module of webcluster-backup for the shared storage (MinIO, or any S3 server), run in the S3
# client image (curl and a shell). One unit, 'minio': every object of the stack's buckets, fetched
# over the S3 API into <bucket>/<key> and packed into a gzip-compressed tar. An S3-level copy is
# independent of MinIO's on-disk format, so it restores into another MinIO version or another S3
# server. A restore puts every object of the archive back (creating missing buckets); objects that
# were created after the backup stay.
#
# Environment: S3_SOURCE_ENDPOINT, S3_SOURCE_REGION, S3_BUCKETS (space-separated),
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or their _FILE variants).
# shellcheck source=s3.sh
. "$WEBCLUSTER_LIB/s3.sh"

source_server() { s3_use "${S3_SOURCE_ENDPOINT:?}" "${S3_SOURCE_REGION:?}" "$(secret AWS_ACCESS_KEY_ID)" "$(secret AWS_SECRET_ACCESS_KEY)"; }

store_dump() {
  source_server
  d_stage="$STATE_DIR/stage"
  rm -rf "$d_stage"
  d_count=0
  for bucket in ${S3_BUCKETS:?}; do
    mkdir -p "$d_stage/$bucket"
    s3_keys "$bucket" "" >"$STATE_DIR/keys" || return 1
    while IFS= read -r key; do
      case "/$key/" in
        */../* | */./* | *//*)
          log "skipping $bucket/$key: an empty, '.' or '..' segment cannot be a file name"
          continue
          ;;
      esac
      mkdir -p "$(dirname "$d_stage/$bucket/$key")"
      s3_expect "fetching $bucket/$key" "$(s3 GET "/$bucket/$(urlencode "$key")" "$d_stage/$bucket/$key")" 200 || return 1
      d_count=$((d_count + 1))
    done <"$STATE_DIR/keys"
  done
  tar -czf "$2" -C "$d_stage" . || return 1
  rm -rf "$d_stage"
  log "$1: $d_count objects"
}

store_restore() {
  source_server
  r_stage="$STATE_DIR/restore"
  rm -rf "$r_stage"
  mkdir -p "$r_stage"
  tar -xzf "$2" -C "$r_stage" || return 1
  r_count=0
  for dir in "$r_stage"/*/; do
    [ -d "$dir" ] || continue
    bucket=$(basename "$dir")
    r_status=$(s3 PUT "/$bucket")
    if [ "$r_status" = 409 ] && grep -q BucketAlreadyOwnedByYou "$S3_OUT"; then r_status=200; fi
    s3_expect "creating bucket $bucket" "$r_status" 200 || return 1
    (cd "$dir" && find . -type f | sed 's#^\./##') >"$STATE_DIR/files"
    while IFS= read -r key; do
      s3_expect "putting $bucket/$key" "$(s3 PUT "/$bucket/$(urlencode "$key")" "$dir$key")" 200 || return 1
      r_count=$((r_count + 1))
    done <"$STATE_DIR/files"
  done
  rm -rf "$r_stage"
  log "$1: $r_count objects put back"
}
