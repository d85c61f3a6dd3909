#!/bin/bash
{{! Member 1: initiates the replica set by the stable names once each resolves and answers, then }}
{{! creates or updates the users. Run by webcluster-mongo-rs-init.service until it succeeds. }}
# Member 1: initiates the replica set once every member's name resolves and answers, then creates or updates the users. Idempotent.
set -euo pipefail
export AWS_DEFAULT_REGION={{region}}
secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; }
ping() { mongosh --quiet --host "$1" --eval "quit(db.adminCommand({ping: 1}).ok ? 0 : 1)" >/dev/null 2>&1; }
names="{{memberNames}}"
members="{{memberHosts}}"
for n in $names; do
  for _ in $(seq 1 180); do if getent hosts "$n" >/dev/null && ping "$n:{{port}}"; then break; fi; sleep 10; done
  getent hosts "$n" >/dev/null || { echo "member $n does not resolve" >&2; exit 1; }
  ping "$n:{{port}}" || { echo "member $n does not answer" >&2; exit 1; }
done
export MONGO_MEMBERS="$members"
export MONGO_RS={{replicaSetName}}
mongosh --quiet --host 127.0.0.1 --eval '
  if (!db.hello().setName) {
    const hosts = process.env.MONGO_MEMBERS.split(" ");
    rs.initiate({_id: process.env.MONGO_RS, members: hosts.map((host, i) => ({_id: i, host: host, priority: i === 0 ? 2 : 1}))});
  }
'
for _ in $(seq 1 150); do if mongosh --quiet --host 127.0.0.1 --eval "quit(db.hello().primary ? 0 : 1)" >/dev/null 2>&1; then break; fi; sleep 2; done
MONGO_ADMIN_PW=$(secret '{{adminSecretArn}}' | jq -r .password)
MONGO_APP_PW=$(secret '{{appSecretArn}}' | jq -r .password)
export MONGO_ADMIN_PW MONGO_APP_PW
# The first user is created through the localhost exception (only while no user exists, on the primary).
mongosh --quiet --host 127.0.0.1 --eval '
  if (db.hello().isWritablePrimary) {
    try { db.getSiblingDB("admin").createUser({user: "{{adminUser}}", pwd: process.env.MONGO_ADMIN_PW, roles: ["root"]}); }
    catch (e) { if (e.codeName !== "Unauthorized" && e.codeName !== "Location51003") print("admin user: " + e.message); }
  }
'
mongosh --quiet "mongodb://$(echo "$members" | tr ' ' ',')/admin?replicaSet={{replicaSetName}}" --eval '
  const admin = db.getSiblingDB("admin");
  admin.auth("{{adminUser}}", process.env.MONGO_ADMIN_PW);
  const roles = [{{roles}}];
  if (admin.getUser("{{appUsername}}")) admin.updateUser("{{appUsername}}", {pwd: process.env.MONGO_APP_PW, roles: roles});
  else admin.createUser({user: "{{appUsername}}", pwd: process.env.MONGO_APP_PW, roles: roles});
'
