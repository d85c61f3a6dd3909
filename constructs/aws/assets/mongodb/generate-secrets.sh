#!/bin/bash
{{! Member 1's first boot: generates every secret once (the other members wait for them). }}
# Member 1 generates every secret once; the others wait for them.
set -euo pipefail
export AWS_DEFAULT_REGION={{region}}
{{! generate <secret-arn> <value>: assets/app-host/generate-secret.sh }}
{{generateFunction}}
generate '{{keyFileSecretArn}}' "$(openssl rand -base64 756)"
generate '{{adminSecretArn}}' "$(jq -cn --arg p "$(openssl rand -hex 32)" '{username: "{{adminUser}}", password: $p}')"
generate '{{appSecretArn}}' "$(jq -cn --arg p "$(openssl rand -hex 32)" '{username: "{{appUsername}}", password: $p}')"
