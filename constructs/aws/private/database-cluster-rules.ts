/**
 * The validation rules of a DatabaseCluster's props, in priority order (the first failed one is thrown).
 */
import { Token } from '../../core/cdktf';
import type { ValidationRule } from '../../core/validation-error';
import { instanceTypeAllowed, instanceTypeProblem } from '../instance-types';
import { ALLOWED_RETENTION_DAYS } from '../log-shipping';
import { PARAMETER_GROUP_FAMILY } from './database-parameters';

/** Longest reader suffix (`-reader-15`) an instance identifier gets on top of the cluster's. */
const MAX_CLUSTER_ID_LENGTH = 63 - '-reader-15'.length;

/** The props with their defaults applied, and what is derived from them. */
export interface DatabaseClusterInput {
  readonly databaseName: string;
  readonly masterUsername: string;
  /** The instance class given, if any (the default is valid). */
  readonly instanceClass: string | undefined;
  readonly minorVersionUpgrades: string;
  readonly appUsername: string;
  /** The app user's databases, `databaseName` first. */
  readonly appDatabases: readonly string[];
  readonly readers: number;
  readonly backupRetentionDays: number;
  /** `props.parameters`. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  /** Zones of the network. */
  readonly availabilityZones: readonly string[];
  /** The cluster identifier, from the network's name prefix and the construct id. */
  readonly clusterId: string;
}

/** The rules the input must pass. */
export function databaseClusterRules(input: DatabaseClusterInput): ValidationRule[] {
  const { databaseName, masterUsername, instanceClass, minorVersionUpgrades: upgrades, appUsername, appDatabases, readers, clusterId } = input;
  const { backupRetentionDays: retention, parameters: extra, logRetentionDays: logRetention, availabilityZones: azs } = input;
  const badNames = Object.keys(extra).filter((k) => !/^[a-z][a-z0-9_.-]*$/i.test(k));
  const emptyValues = Object.keys(extra).filter((k) => !Token.isUnresolved(extra[k]) && extra[k].trim() === '');
  const secureTransport = extra.require_secure_transport;
  const badAppDatabase = appDatabases.find((d) => !Token.isUnresolved(d) && !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(d));
  return [
    {
      failed: !Token.isUnresolved(databaseName) && !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(databaseName),
      message: () =>
        `databaseName: got '${databaseName}'; allowed: 1 to 64 letters, digits or underscores, starting with a letter; fix: use e.g. 'app'`,
    },
    {
      failed:
        !Token.isUnresolved(masterUsername) &&
        (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(masterUsername) || masterUsername.toLowerCase() === 'rdsadmin'),
      message: () =>
        `masterUsername: got '${masterUsername}'; allowed: a MySQL identifier of 1 to 16 letters, digits or underscores, starting with a letter, not 'rdsadmin'; fix: use e.g. 'admin_user'`,
    },
    {
      failed: extra.collation_server !== undefined && !Token.isUnresolved(extra.collation_server) && !/^[A-Za-z0-9_]+$/.test(extra.collation_server),
      message: () => `parameters.collation_server: got '${extra.collation_server}'; allowed: a MySQL collation name such as utf8mb4_unicode_ci; fix: use a collation of the utf8mb4 character set`,
    },
    {
      failed: instanceClass !== undefined && !Token.isUnresolved(instanceClass) && instanceTypeProblem(instanceClass, 'rds') !== undefined,
      message: () =>
        `instanceClass: got '${instanceClass}' (${instanceTypeProblem(String(instanceClass), 'rds')}); allowed: ${instanceTypeAllowed('rds')}; fix: use a class Aurora MySQL offers, e.g. db.r7g.large`,
    },
    {
      failed: !['automatic', 'terraform'].includes(upgrades),
      message: () => `minorVersionUpgrades: got '${upgrades}'; allowed: 'automatic' or 'terraform'; fix: use 'automatic' unless you upgrade through Terraform`,
    },
    {
      failed:
        !Token.isUnresolved(appUsername) &&
        (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(appUsername) || appUsername === masterUsername || appUsername.toLowerCase().startsWith('rds')),
      message: () =>
        `appUser.username: got '${appUsername}'; allowed: 1 to 32 letters, digits or underscores, starting with a letter, not the master user, not starting with 'rds'; fix: use e.g. 'app_user'`,
    },
    {
      failed: badAppDatabase !== undefined,
      message: () => `appUser.databases: got '${badAppDatabase}'; allowed: 1 to 64 letters, digits or underscores, starting with a letter; fix: use e.g. 'app_dfs'`,
    },
    {
      failed: !Token.isUnresolved(readers) && (!Number.isInteger(readers) || readers < 1 || readers > 15),
      message: () =>
        `readers: got ${readers}; allowed: an integer from 1 to 15; fix: keep at least one reader as failover target, at most 15 (Aurora's limit)`,
    },
    {
      failed: !Token.isUnresolved(retention) && (!Number.isInteger(retention) || retention < 7 || retention > 35),
      message: () => `backupRetentionDays: got ${retention}; allowed: an integer from 7 to 35; fix: keep at least a week of backups`,
    },
    {
      failed: badNames.length > 0,
      message: () =>
        `parameters: got invalid name(s) [${badNames.join(', ')}]; allowed: MySQL parameter names (letters, digits, '_', '.', '-'); fix: use the names of the ${PARAMETER_GROUP_FAMILY} parameter group`,
    },
    {
      failed: emptyValues.length > 0,
      message: () => `parameters: got empty value(s) for [${emptyValues.join(', ')}]; allowed: non-empty values; fix: set a value or drop the entry`,
    },
    {
      failed:
        secureTransport !== undefined && !Token.isUnresolved(secureTransport) && !['ON', '1'].includes(secureTransport.toUpperCase()),
      message: () =>
        `parameters.require_secure_transport: got '${secureTransport}'; allowed: 'ON'; fix: remove the entry, clients must use TLS`,
    },
    {
      failed: !Token.isUnresolved(logRetention) && !ALLOWED_RETENTION_DAYS.includes(logRetention),
      message: () =>
        `logRetentionDays: got ${logRetention}; allowed: ${ALLOWED_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention periods); fix: pick the nearest allowed value, e.g. 365`,
    },
    {
      failed: azs.length < 2,
      message: () =>
        `network.availabilityZones: got ${azs.length} zone(s) [${azs.join(', ')}]; allowed: at least 2 zones; fix: use a network over two or more zones so readers sit apart from the writer`,
    },
    {
      failed:
        !Token.isUnresolved(clusterId) &&
        (clusterId.length > MAX_CLUSTER_ID_LENGTH || !/^[a-z][a-z0-9-]*$/.test(clusterId) || clusterId.includes('--') || clusterId.endsWith('-')),
      message: () =>
        `cluster identifier: got '${clusterId}' (from network.namePrefix and construct id); allowed: up to ${MAX_CLUSTER_ID_LENGTH} lowercase letters, digits and single hyphens, starting with a letter; fix: use a shorter namePrefix or a construct id of letters and digits`,
    },
  ];
}
