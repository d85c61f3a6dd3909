#!/bin/bash
{{! Installs the release, creates the solr user and mounts the data volume (run as root by }}
{{! cloud-init, idempotent). }}
# Installs Solr from the Apache archive and puts its home on the data volume.
set -euo pipefail
if [ ! -x /opt/solr-{{version}}/bin/solr ]; then
  curl -fsSL --retry 5 -o /tmp/solr.tgz '{{url}}'
  curl -fsSL --retry 5 -o /tmp/solr.tgz.sha512 '{{url}}.sha512'
  echo "$(cut -d " " -f 1 /tmp/solr.tgz.sha512)  /tmp/solr.tgz" | sha512sum -c -
  tar -xzf /tmp/solr.tgz -C /opt
  rm -f /tmp/solr.tgz /tmp/solr.tgz.sha512
fi
ln -sfn /opt/solr-{{version}} /opt/solr
id -u solr >/dev/null 2>&1 || useradd --system --home-dir {{solrVar}} --shell /sbin/nologin solr
# The data volume is attached after the instance starts: wait for it, format it once.
for _ in $(seq 1 120); do [ -e {{dataDevice}} ] && break; sleep 5; done
blkid {{dataDevice}} >/dev/null || mkfs.xfs {{dataDevice}}
install -d {{solrVar}}
grep -qs ' {{solrVar}} ' /etc/fstab || echo "UUID=$(blkid -s UUID -o value {{dataDevice}}) {{solrVar}} xfs defaults,nofail 0 2" >> /etc/fstab
mountpoint -q {{solrVar}} || mount {{solrVar}}
chown solr:solr {{solrVar}}
install -d -o solr -g solr {{solrVar}}/data {{solrVar}}/logs
[ -f {{solrVar}}/data/solr.xml ] || install -o solr -g solr -m 0644 /opt/solr/server/solr/solr.xml {{solrVar}}/data/solr.xml
