{{! Shell function generate <secret-arn> <value>: stores value only when the secret has no version }}
{{! yet. Any other outcome (throttling, IAM not yet propagated, network) is retried and never leads }}
{{! to a new value, which would break every node still using the old one. A fragment without a }}
{{! shebang, put into the scripts that generate secrets (no final line break). }}
generate() {
  local versions=""
{{! The JMESPath literal `{}` is single-quoted on purpose. }}
{{! shellcheck disable=SC2016 }}
  for _ in $(seq 1 30); do versions=$(aws secretsmanager describe-secret --secret-id "$1" --query 'length(keys(VersionIdsToStages || `{}`))' --output text 2>/dev/null) && break; sleep 10; done
  [ -n "$versions" ] || { echo "cannot describe secret $1" >&2; return 1; }
  if [ "$versions" = "0" ]; then aws secretsmanager put-secret-value --secret-id "$1" --secret-string "$2" >/dev/null; fi
}
