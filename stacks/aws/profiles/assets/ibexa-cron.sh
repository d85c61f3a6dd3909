#!/bin/bash
# The only Ibexa cron runner of the cluster (admin host): ibexa:cron:run once a minute.
set -uo pipefail
exec >>/var/log/webcluster/scheduler.log 2>&1
cd {{appDir}}
while true; do
  /usr/bin/php bin/console {{consoleOptions}} ibexa:cron:run --quiet || echo "ibexa:cron:run failed at $(date -Is)"
  sleep 60
done
