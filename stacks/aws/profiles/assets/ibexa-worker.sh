#!/bin/bash
# Ibexa Messenger worker (background tasks); restarted by systemd when its time or memory limit ends it.
exec >>/var/log/webcluster/worker.log 2>&1
cd {{appDir}}
exec /usr/bin/php bin/console {{consoleOptions}} {{workerArgs}}
