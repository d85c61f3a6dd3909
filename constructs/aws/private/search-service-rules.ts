/**
 * The checks of a SearchService's resolved settings (one rule per property, ValidationError messages
 * naming the value, what is allowed and the fix).
 */
import type { Construct } from 'constructs';
import { validate } from '../../core/validation-error';
import { instanceTypeAllowed, instanceTypeProblem } from '../instance-types';
import type { IAwsNetwork } from '../network';

/** The settings, defaults applied. */
export interface SearchServiceSettings {
  readonly network: IAwsNetwork;
  readonly solrVersion: string;
  readonly coreName: string;
  /** The config set's prepare command, with a config set. */
  readonly prepareCommand?: string;
  readonly port: number;
  readonly instanceType: string;
  readonly heap: string;
  readonly dataGiB: number;
  readonly rootGiB: number;
  readonly zoneIndex: number;
}

/** Throws a ValidationError on `scope` for the first bad setting. */
export function validateSearchService(scope: Construct, settings: SearchServiceSettings): void {
  const { network: net, solrVersion, coreName, prepareCommand, port, instanceType, heap, dataGiB, rootGiB, zoneIndex } = settings;
  const major = Number(solrVersion.split('.')[0]);
  validate(scope, [
    {
      failed: !/^\d+\.\d+\.\d+$/.test(solrVersion) || (major !== 8 && major !== 9),
      message: () => `solrVersion: got '${solrVersion}'; allowed: a Solr 8.x or 9.x release such as 9.7.0; fix: use a version listed on archive.apache.org/dist/solr`,
    },
    {
      failed: !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(coreName),
      message: () => `coreName: got '${coreName}'; allowed: letters, digits, '_' and '-', starting with a letter; fix: use e.g. 'collection1'`,
    },
    {
      failed: prepareCommand !== undefined && (prepareCommand.trim() === '' || /\$\{|%\{/.test(prepareCommand)),
      message: () =>
        `configSet.prepareCommand: got '${prepareCommand}'; allowed: a non-empty shell command without '\${' or '%{' (Terraform template syntax); fix: write $VAR instead of \${VAR}`,
    },
    {
      failed: !Number.isInteger(port) || port < 1024 || port > 65535,
      message: () => `port: got ${port}; allowed: 1024 to 65535 (Solr runs unprivileged); fix: use 8983`,
    },
    {
      failed: instanceTypeProblem(instanceType, 'ec2') !== undefined,
      message: () =>
        `instanceType: got '${instanceType}' (${instanceTypeProblem(instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${net.region}, e.g. m7i.large`,
    },
    {
      failed: !/^[1-9]\d*[mg]$/.test(heap),
      message: () => `heapSize: got '${heap}'; allowed: a size in m or g such as 2g; fix: use e.g. '2g'`,
    },
    {
      failed: !Number.isInteger(dataGiB) || dataGiB < 1 || dataGiB > 16384,
      message: () => `dataVolumeSizeGiB: got ${dataGiB}; allowed: 1 to 16384; fix: pick a value in range`,
    },
    {
      failed: !Number.isInteger(rootGiB) || rootGiB < 8 || rootGiB > 16384,
      message: () => `rootVolumeSizeGiB: got ${rootGiB}; allowed: 8 to 16384; fix: pick a value in range`,
    },
    {
      failed: !Number.isInteger(zoneIndex) || zoneIndex < 0 || zoneIndex >= net.appSubnetIds.length,
      message: () => `zoneIndex: got ${zoneIndex}; allowed: 0 to ${net.appSubnetIds.length - 1}; fix: pick one of the network's zones`,
    },
  ]);
}
