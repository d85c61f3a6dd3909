# shellcheck shell=sh
# Plain S3 requests signed by curl (--aws-sigv4, curl >= 7.87 for signed bodies), for any S3 server: used by the MinIO
# backup (against the stack's MinIO) and by the uploader (against the backup target).
#
# s3_use ENDPOINT REGION KEY_ID SECRET: the server and credentials of the following requests. The
# credentials go into a curl config file (mode 0600), never onto a command line.
s3_use() {
  S3_ENDPOINT=${1%/}
  S3_REGION=$2
  mkdir -p "$STATE_DIR"
  S3_CURLRC="$STATE_DIR/curlrc-$(printf '%s' "$S3_ENDPOINT" | cksum | cut -d' ' -f1)"
  (
    umask 077
    printf 'user = %s\n' "$(quoted "$3:$4")" >"$S3_CURLRC"
  )
  # Per process: a restore and a backup (or two passes) must not read each other's answers.
  S3_OUT="$STATE_DIR/s3-answer.$$"
}

# s3 METHOD PATH [FILE]: one signed request; prints the HTTP status and keeps the answer in $S3_OUT
# (GET: FILE receives the body; PUT: FILE is the body). PATH is URL-encoded already.
s3() {
  s_body=/dev/null
  s_out=$S3_OUT
  if [ "$1" = PUT ] && [ $# -ge 3 ]; then s_body=$3; fi
  if [ "$1" = GET ] && [ $# -ge 3 ]; then s_out=$3; fi
  s_hash=$(sha256sum <"$s_body" | cut -d' ' -f1)
  set -- "$1" "$2"
  # A body is streamed from its file (its length known, as S3 requires); an empty PUT sends
  # Content-Length: 0. curl signs with the payload hash given in x-amz-content-sha256.
  if [ "$s_body" != /dev/null ]; then
    set -- "$@" --upload-file "$s_body"
  elif [ "$1" = PUT ]; then
    set -- "$@" -X PUT --data-binary ''
  else
    set -- "$@" -X "$1"
  fi
  s_url="$S3_ENDPOINT$2"
  shift 2
  curl -sS -K "$S3_CURLRC" -o "$s_out" -w '%{http_code}' --aws-sigv4 "aws:amz:$S3_REGION:s3" \
    -H "x-amz-content-sha256: $s_hash" "$@" "$s_url" || echo 000
}

# s3_expect WHAT STATUS ALLOWED...: fails, with the server's answer, unless STATUS is one of ALLOWED.
s3_expect() {
  e_what=$1 e_status=$2
  shift 2
  for ok in "$@"; do [ "$e_status" = "$ok" ] && return 0; done
  log "$e_what failed: HTTP $e_status $(head -c 500 "$S3_OUT" 2>/dev/null || true)"
  return 1
}

# urlencode TEXT: TEXT percent-encoded for a URL, '/' kept (an object key in a path) unless $2 is 'all'.
urlencode() {
  printf '%s' "$1" | od -An -v -tx1 | LC_ALL=C awk -v all="${2:-}" '
    BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02x", i)] = i }
    { for (i = 1; i <= NF; i++) {
        c = hex[$i]
        if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 95 || c == 126 || (c == 47 && all != "all"))
          printf "%c", c
        else
          printf "%%%s", toupper($i)
      } }'
}

# xml_values TAG: the text of every <TAG> element of the answer in $S3_OUT, one a line, entities decoded.
xml_values() {
  tr '<' '\n' <"$S3_OUT" | sed -n "s/^$1>//p" | sed "s/&lt;/</g; s/&gt;/>/g; s/&quot;/\"/g; s/&apos;/'/g; s/&#39;/'/g; s/&#34;/\"/g; s/&amp;/\\&/g"
}

# s3_keys BUCKET PREFIX: every key of BUCKET under PREFIX, one a line (ListObjectsV2, all pages).
s3_keys() {
  k_token=
  while :; do
    k_query="list-type=2&prefix=$(urlencode "$2" all)"
    [ -z "$k_token" ] || k_query="$k_query&continuation-token=$(urlencode "$k_token" all)"
    s3_expect "listing $1/$2" "$(s3 GET "/$1?$k_query")" 200 || return 1
    xml_values Key
    if [ "$(xml_values IsTruncated)" != true ]; then return 0; fi
    k_token=$(xml_values NextContinuationToken)
    [ -n "$k_token" ] || return 0
  done
}
