/**
 * The checks of a DocumentDatabase's resolved settings (one rule per property, ValidationError
 * messages naming the value, what is allowed and the fix) and its zone warning.
 */
import type { Construct } from 'constructs';
import { Annotations, Token } from '../../core/cdktf';
import { validate } from '../../core/validation-error';
import { instanceTypeAllowed, instanceTypeProblem } from '../instance-types';
import type { IAwsNetwork } from '../network';
import { ADMIN_USER } from './replica-set-host';

/** The settings, defaults applied. */
export interface DocumentDatabaseSettings {
  /** Construct id (names the SSM document). */
  readonly id: string;
  readonly network: IAwsNetwork;
  readonly count: number;
  readonly rsName: string;
  readonly version: string;
  readonly databases: readonly string[];
  readonly appUser: string;
  readonly instanceType: string;
  readonly sizeGiB: number;
  readonly iops: number;
  readonly retention: number;
  readonly zoneName: string;
  /** Another DocumentDatabase of the stack has the same zone name (network). */
  readonly zoneTaken: boolean;
  readonly documentName: string;
}

/** Throws a ValidationError on `scope` for the first bad setting; warns when the network has fewer than 3 zones. */
export function validateDocumentDatabase(scope: Construct, settings: DocumentDatabaseSettings): void {
  const { id, network: net, count, rsName, version, databases, appUser, instanceType, sizeGiB, iops, retention, zoneName, zoneTaken, documentName } = settings;
  const badDatabases = databases.filter((d) => !/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(d) || ['admin', 'local', 'config'].includes(d));
  validate(scope, [
    {
      failed: ![3, 5, 7].includes(count),
      message: () => `members: got ${count}; allowed: 3, 5 or 7; fix: use 3 members (one per zone) unless you need more`,
    },
    {
      failed: !/^[A-Za-z0-9_-]{1,64}$/.test(rsName),
      message: () => `replicaSetName: got '${rsName}'; allowed: 1-64 letters, digits, '_' or '-'; fix: use e.g. 'rs0'`,
    },
    {
      failed: !['7.0', '8.0'].includes(version),
      message: () => `mongoVersion: got '${version}'; allowed: '7.0' or '8.0' (series with Amazon Linux 2023 packages); fix: use '7.0'`,
    },
    {
      failed: databases.length === 0 || badDatabases.length > 0,
      message: () =>
        `appDatabases: got [${databases.join(', ')}]; allowed: one or more names of letters, digits, '_' or '-', not admin, local or config; fix: list the app's databases, e.g. ['steedos']`,
    },
    {
      failed: !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(appUser) || appUser === ADMIN_USER,
      message: () => `appUsername: got '${appUser}'; allowed: letters, digits and '_', starting with a letter, not '${ADMIN_USER}'; fix: use e.g. 'app'`,
    },
    {
      failed: instanceTypeProblem(instanceType, 'ec2') !== undefined,
      message: () =>
        `instanceType: got '${instanceType}' (${instanceTypeProblem(instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${net.region}, e.g. r7i.large`,
    },
    {
      failed: !Number.isInteger(sizeGiB) || sizeGiB < 10 || sizeGiB > 16384,
      message: () => `dataVolumeSizeGiB: got ${sizeGiB}; allowed: 10 to 16384; fix: pick a value in range`,
    },
    {
      failed: !Number.isInteger(iops) || iops < 3000 || iops > 16000,
      message: () => `dataVolumeIops: got ${iops}; allowed: 3000 to 16000 (gp3); fix: pick a value in range`,
    },
    {
      failed: !Number.isInteger(retention) || retention < 1 || retention > 365,
      message: () => `snapshotRetentionDays: got ${retention}; allowed: 1 to 365; fix: keep at least one day of snapshots`,
    },
    {
      failed: !Token.isUnresolved(net.namePrefix) && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(net.namePrefix),
      message: () =>
        `network.namePrefix: got '${net.namePrefix}'; allowed: a DNS label of lowercase letters, digits and '-' (it names the zone ${zoneName}); fix: use e.g. 'steedos-prod'`,
    },
    {
      failed: zoneTaken,
      message: () =>
        `network: got a second DocumentDatabase on network '${net.namePrefix}'; allowed: one per network (Route 53 refuses a second private zone ${zoneName} on the same VPC); fix: put the databases into one replica set (appDatabases) or use another network`,
    },
    {
      failed: !Token.isUnresolved(documentName) && !/^[a-zA-Z0-9_.-]{3,128}$/.test(documentName),
      message: () =>
        `id: got '${id}' (SSM document name '${documentName}'); allowed: letters, digits, '_', '.' and '-', 128 characters in all; fix: use a construct id such as 'DocumentDatabase'`,
    },
  ]);
  const azs = net.availabilityZones;
  if (azs.length < 3) {
    Annotations.of(scope).addWarning(
      `DocumentDatabase: ${count} members over ${azs.length} zone(s); losing the zone with most members loses the majority (use a network over 3 zones)`,
    );
  }
}
