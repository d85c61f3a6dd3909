#!/bin/bash
{{! Points node-<n>.<zone> at this instance (n from the instance's tag), retrying while Route 53 settles. }}
# Points this cache node's stable name at its private address, so the app can purge every node by name.
set -euo pipefail
token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" http://169.254.169.254/latest/api/token)
imds() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"; }
node=$(imds tags/instance/{{nodeTag}})
address=$(imds local-ipv4)
name="node-$node.{{zoneName}}"
batch=$(printf '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"%s","Type":"A","TTL":30,"ResourceRecords":[{"Value":"%s"}]}}]}' "$name" "$address")
for _ in $(seq 1 30); do
  if aws route53 change-resource-record-sets --hosted-zone-id '{{zoneId}}' --change-batch "$batch" >/dev/null; then exit 0; fi
  sleep 10
done
echo "could not register $name" >&2
exit 1
