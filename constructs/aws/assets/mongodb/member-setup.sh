#!/bin/bash
{{! The idempotent setup of a replica set member, the same for every member: run by cloud-init at its }}
{{! first boot and by the SSM setup document on a live member, so it changes nothing that is already }}
{{! right (mongod restarts only when mongod.conf or the key file changed). A member reads its own }}
{{! name and data volume from its instance tags. No dollar-brace or percent-brace sequences: Terraform }}
{{! would read them as interpolation in the user-data local and the document. }}
# Prepares this MongoDB replica set member: data volume, key file, mongod.conf, mongod. Safe to re-run on a live member.
set -euo pipefail
export AWS_DEFAULT_REGION={{region}}
# One run at a time (cloud-init at first boot, the SSM association afterwards).
exec 9>/run/webcluster-mongo-setup.lock
flock 9
{{! imds <path>: an instance metadata value (IMDSv2), failing on a missing one. }}
imds() { local t; t=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300"); curl -fsS -H "X-aws-ec2-metadata-token: $t" "http://169.254.169.254/latest/meta-data/$1"; }
{{! healthy: the local mongod is PRIMARY or SECONDARY (hello needs no authentication). }}
healthy() { mongosh --quiet --host 127.0.0.1 --eval "quit(db.hello().isWritablePrimary || db.hello().secondary ? 0 : 1)" >/dev/null 2>&1; }
secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text 2>/dev/null; }
wait_secret() { for _ in $(seq 1 180); do if secret "$1"; then return 0; fi; sleep 10; done; echo "secret $1 not readable after 30 minutes" >&2; return 1; }
name=$(imds tags/instance/{{memberNameTag}})
ip=$(imds local-ipv4)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The data volume: attached by Terraform after the instance started, so wait for it.
vol=$(imds tags/instance/{{dataVolumeTag}} | tr -d '-')
dev=""
for _ in $(seq 1 120); do for c in "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$vol" {{dataDevice}} /dev/xvdf; do if [ -b "$c" ]; then dev="$c"; break 2; fi; done; sleep 5; done
if [ -z "$dev" ]; then echo "data volume not attached after 10 minutes" >&2; exit 1; fi
blkid "$dev" >/dev/null 2>&1 || mkfs.xfs -L mongo-data "$dev"
uuid=$(blkid -s UUID -o value "$dev")
install -d {{dataDir}}
grep -q "UUID=$uuid" /etc/fstab || echo "UUID=$uuid {{dataDir}} xfs defaults,noatime,nofail 0 2" >> /etc/fstab
mountpoint -q {{dataDir}} || mount {{dataDir}}
# A reattached volume may come from an instance where mongod had another uid.
find {{dataDir}} -xdev \( ! -user mongod -o ! -group mongod \) -exec chown -h mongod:mongod {} +
changed=0
# Key file of internal authentication (0400, owned by mongod).
(umask 077; wait_secret '{{keyFileSecretArn}}' > "$work/key")
if ! cmp -s "$work/key" {{keyFile}}; then install -m 0400 -o mongod -g mongod "$work/key" {{keyFile}}; changed=1; fi
chown mongod:mongod {{keyFile}}; chmod 0400 {{keyFile}}
{{! mongod.conf: assets/mongodb/mongod.conf; $ip in it is expanded by this here-document. }}
cat > "$work/mongod.conf" <<EOF
{{mongodConf}}
EOF
if ! cmp -s "$work/mongod.conf" /etc/mongod.conf; then install -m 0644 "$work/mongod.conf" /etc/mongod.conf; changed=1; fi
# The replica set configuration names this member by its stable name: it must point here before mongod starts.
resolved=""
for _ in $(seq 1 180); do resolved=$(getent ahostsv4 "$name" | awk 'NR == 1 {print $1}' || true); if [ "$resolved" = "$ip" ]; then break; fi; sleep 10; done
if [ "$resolved" != "$ip" ]; then echo "$name resolves to '$resolved', not to $ip, after 30 minutes" >&2; exit 1; fi
if [ "$changed" = 0 ]; then systemctl enable --now mongod; exit 0; fi
# Changed: restart, and let a member of the set become PRIMARY or SECONDARY again before the next member restarts.
member=0
if systemctl is-active --quiet mongod && mongosh --quiet --host 127.0.0.1 --eval "quit(db.hello().setName ? 0 : 1)" >/dev/null 2>&1; then member=1; fi
systemctl enable mongod
systemctl restart mongod
if [ "$member" = 1 ]; then
  for _ in $(seq 1 120); do if healthy; then exit 0; fi; sleep 5; done
  echo "mongod is not PRIMARY or SECONDARY 10 minutes after its restart" >&2
  exit 1
fi
