/**
 * What runs on a SearchService host: its cloud-config with the Solr install script, the Solr unit and
 * the core creation (files under `constructs/aws/assets/solr/`).
 */
import { awsAsset } from './assets';
import { writeFile } from './cloud-config';
import { renderServiceHostConfig } from './service-host';

/** Where the data volume is mounted (Solr home, logs and index). */
const SOLR_VAR = '/var/solr';
/** Device name of the data volume (Amazon Linux links the NVMe device to it). */
export const SOLR_DATA_DEVICE = '/dev/sdf';

/** What the Solr host's first boot needs. */
export interface SolrHostOptions {
  readonly region: string;
  readonly solrVersion: string;
  readonly coreName: string;
  readonly port: number;
  /** `SOLR_HEAP`, e.g. `2g`. */
  readonly heap: string;
  /** `s3://` URI of the config set source, with a config set. */
  readonly configSourceUri?: string;
  /** Shell command that builds the configuration from the source, with a config set. */
  readonly prepareCommand?: string;
}

/** The Apache archive URL of a release (Solr moved out of the Lucene tree with 9.0). */
function releaseUrl(version: string): string {
  return Number(version.split('.')[0]) >= 9
    ? `https://archive.apache.org/dist/solr/solr/${version}/solr-${version}.tgz`
    : `https://archive.apache.org/dist/lucene/solr/${version}/solr-${version}.tgz`;
}

/** Creates the core once, from the published source or from `_default` (runs as solr). */
function coreScript(o: SolrHostOptions): string {
  const fromSource = o.configSourceUri !== undefined && o.prepareCommand !== undefined;
  return awsAsset(
    'solr/create-core.sh',
    {
      core: o.coreName,
      solrVar: SOLR_VAR,
      base: `http://127.0.0.1:${o.port}/solr`,
      sourceUri: o.configSourceUri ?? '',
      prepareCommand: o.prepareCommand ?? '',
    },
    { configSet: fromSource, defaultConfigSet: !fromSource },
  );
}

/** The cloud-config of the Solr host. */
export function solrHostConfig(o: SolrHostOptions): string {
  return renderServiceHostConfig({
    region: o.region,
    packages: ['java-17-amazon-corretto-headless', 'xfsprogs'],
    files: [
      writeFile(
        '/usr/local/sbin/webcluster-install-solr',
        '0750',
        awsAsset('solr/install.sh', { version: o.solrVersion, url: releaseUrl(o.solrVersion), solrVar: SOLR_VAR, dataDevice: SOLR_DATA_DEVICE }),
      ),
      writeFile('/etc/systemd/system/solr.service', '0644', awsAsset('solr/solr.service', { solrVar: SOLR_VAR, heap: o.heap, port: String(o.port) })),
      writeFile('/usr/local/bin/webcluster-solr-core', '0755', coreScript(o)),
      writeFile('/etc/systemd/system/webcluster-solr-core.service', '0644', awsAsset('solr/webcluster-solr-core.service', { core: o.coreName, region: o.region })),
    ],
    commands: [
      '/usr/local/sbin/webcluster-install-solr',
      'systemctl daemon-reload',
      'systemctl enable --now solr.service',
      // Waits for the config set source, possibly long: do not hold up cloud-init.
      'systemctl enable webcluster-solr-core.service',
      'systemctl start --no-block webcluster-solr-core.service',
    ],
  });
}
