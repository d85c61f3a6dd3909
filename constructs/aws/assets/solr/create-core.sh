#!/bin/bash
{{! Creates the core once (runs as solr): from the config set source the app publishes (section }}
{{! configSet; prepareCommand builds the configuration from it) or from Solr's _default config set. }}
# Creates the Solr core {{core}} once; later boots find it on the data volume.
set -euo pipefail
core={{core}}
home={{solrVar}}/data
[ -f "$home/$core/core.properties" ] && exit 0
until curl -fsS -o /dev/null '{{base}}/admin/info/system'; do sleep 5; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{{#configSet}}
echo "waiting for {{sourceUri}} (uploaded by the app's setup step)"
until aws s3 cp --only-show-errors '{{sourceUri}}' "$work/source.tar.gz" 2>/dev/null; do sleep 30; done
mkdir "$work/source"
tar -xzf "$work/source.tar.gz" -C "$work/source"
export CONFIG_SET_DIR="$work/configset"
(cd "$work/source" && {{prepareCommand}})
conf="$CONFIG_SET_DIR/conf"
{{/configSet}}
{{#defaultConfigSet}}
conf=/opt/solr/server/solr/configsets/_default/conf
{{/defaultConfigSet}}
instance="$home/$core"
rm -rf "$instance"
mkdir -p "$instance"
cp -r "$conf" "$instance/conf"
curl -fsS -o /dev/null '{{base}}/admin/cores?action=CREATE&name={{core}}&instanceDir={{core}}'
