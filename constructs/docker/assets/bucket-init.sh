{{! The bucket set-up task's script, run as `sh -c` (rendered by bucketInitScript in shared-storage.ts). }}
{{! Lines {{! }} are dropped; {{buckets}} becomes one line per line of the buckets' requests. }}
set -eu
out=$(mktemp)
# s3 METHOD PATH [BODY]: one signed request; prints the HTTP status, keeps the answer in $out.
s3() {
  if [ $# -ge 3 ]; then body=$3; else body=; fi
  hash=$(printf %s "$body" | sha256sum | cut -d" " -f1)
  curl -sS -o "$out" -w "%{http_code}" -X "$1" --data-binary "$body" \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: $hash" "$S3_ENDPOINT$2"
}
# expect WHAT STATUS ALLOWED...: fails with the answer unless STATUS is one of ALLOWED.
expect() {
  what=$1 status=$2
  shift 2
  for ok in "$@"; do [ "$status" = "$ok" ] && return 0; done
  echo "$what failed: HTTP $status" >&2
  cat "$out" >&2
  exit 1
}
# create BUCKET: creates it unless it exists and is ours.
create() {
  status=$(s3 PUT "/$1")
  if [ "$status" = 409 ] && grep -q BucketAlreadyOwnedByYou "$out"; then status=200; fi
  expect "creating bucket $1" "$status" 200
}
{{buckets}}
echo "buckets ready: {{bucketNames}}"
