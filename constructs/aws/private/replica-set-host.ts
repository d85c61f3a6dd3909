/**
 * What runs on the MongoDB replica set members of a DocumentDatabase: the first-boot cloud-config,
 * the member scripts (files under `constructs/aws/assets/mongodb/`) and the SSM Command document that
 * re-applies the member setup on live members.
 */
import { awsAsset } from './assets';
import { renderCloudConfigDocument, writeFile } from './cloud-config';
import { GENERATE_SECRET_FUNCTION } from './user-data';

/** MongoDB port. */
export const MONGO_PORT = 27017;
/** Device name of the data volume (the NVMe device of Nitro instances is found by volume id). */
export const DATA_DEVICE = '/dev/sdf';
/** Where the data volume is mounted (the `mongodb-org` package's dbPath). */
const DATA_DIR = '/var/lib/mongo';
/** Key file of internal (member-to-member) authentication. */
const KEY_FILE = '/etc/mongod.key';
/** Name of the administrative (root) user. */
export const ADMIN_USER = 'admin';
/** The idempotent member setup script, written by user data and rewritten by the setup document. */
const SETUP_SCRIPT = '/usr/local/sbin/webcluster-mongo-setup';
/** Instance tag the setup association targets (value: the replica set's name prefix). */
export const REPLICA_SET_TAG = 'webcluster:replica-set';
/** Instance tag holding the member's stable name (read through instance metadata). */
export const MEMBER_NAME_TAG = 'webcluster:member-name';
/** Instance tag holding the member's data volume id (read through instance metadata). */
export const DATA_VOLUME_TAG = 'webcluster:data-volume';

/** What the members' scripts need; the same for every member (a member reads its own name and volume from its tags). */
export interface ReplicaSetSpec {
  readonly region: string;
  readonly mongoVersion: string;
  readonly replicaSetName: string;
  /** Stable names of all members, member 1 first. */
  readonly memberNames: readonly string[];
  readonly keyFileSecretArn: string;
  readonly adminSecretArn: string;
  readonly appSecretArn: string;
  readonly appUsername: string;
  readonly appDatabases: readonly string[];
  readonly logCommands: readonly string[];
}

/** The idempotent setup of a member (`assets/mongodb/member-setup.sh` with `mongod.conf`). */
export function memberSetupScript(spec: ReplicaSetSpec): string {
  const mongodConf = awsAsset('mongodb/mongod.conf', { dataDir: DATA_DIR, port: String(MONGO_PORT), replicaSetName: spec.replicaSetName, keyFile: KEY_FILE });
  return awsAsset('mongodb/member-setup.sh', {
    region: spec.region,
    memberNameTag: MEMBER_NAME_TAG,
    dataVolumeTag: DATA_VOLUME_TAG,
    dataDevice: DATA_DEVICE,
    dataDir: DATA_DIR,
    keyFileSecretArn: spec.keyFileSecretArn,
    keyFile: KEY_FILE,
    mongodConf: mongodConf.replace(/\n$/, ''),
  });
}

/** Member 1's first boot: generates every secret once (`assets/mongodb/generate-secrets.sh`). */
function generateSecretsScript(spec: ReplicaSetSpec): string {
  return awsAsset('mongodb/generate-secrets.sh', {
    region: spec.region,
    generateFunction: GENERATE_SECRET_FUNCTION,
    keyFileSecretArn: spec.keyFileSecretArn,
    adminSecretArn: spec.adminSecretArn,
    appSecretArn: spec.appSecretArn,
    adminUser: ADMIN_USER,
    appUsername: spec.appUsername,
  });
}

/** Member 1: initiates the replica set and creates or updates the users (`assets/mongodb/rs-init.sh`). */
function replicaSetInitScript(spec: ReplicaSetSpec): string {
  const roles = [...spec.appDatabases.map((d) => `{role: "readWrite", db: "${d}"}`), '{role: "read", db: "local"}'].join(', ');
  return awsAsset('mongodb/rs-init.sh', {
    region: spec.region,
    memberNames: spec.memberNames.join(' '),
    memberHosts: spec.memberNames.map((n) => `${n}:${MONGO_PORT}`).join(' '),
    port: String(MONGO_PORT),
    replicaSetName: spec.replicaSetName,
    adminSecretArn: spec.adminSecretArn,
    appSecretArn: spec.appSecretArn,
    adminUser: ADMIN_USER,
    appUsername: spec.appUsername,
    roles,
  });
}

/**
 * The cloud-config of one member (the first-boot bootstrap; later changes arrive through the setup
 * document). Scripts avoid the `${` and `%{` sequences: Terraform would read them as interpolation
 * in the user-data local.
 */
export function memberCloudConfig(spec: ReplicaSetSpec, first: boolean): string {
  const files = [
    writeFile(`/etc/yum.repos.d/mongodb-org-${spec.mongoVersion}.repo`, '0644', awsAsset('mongodb/mongodb-org.repo', { mongoVersion: spec.mongoVersion })),
    writeFile(SETUP_SCRIPT, '0750', memberSetupScript(spec)),
    ...(first
      ? [
          writeFile('/usr/local/sbin/webcluster-mongo-secrets', '0750', generateSecretsScript(spec)),
          writeFile('/usr/local/sbin/webcluster-mongo-rs-init', '0750', replicaSetInitScript(spec)),
          writeFile('/etc/systemd/system/webcluster-mongo-rs-init.service', '0644', awsAsset('mongodb/webcluster-mongo-rs-init.service')),
        ]
      : []),
  ];
  return renderCloudConfigDocument({
    packages: ['jq', 'openssl', 'xfsprogs', 'mongodb-org'],
    files,
    runcmd: [
      `export AWS_DEFAULT_REGION=${spec.region}`,
      ...spec.logCommands,
      ...(first ? ['/usr/local/sbin/webcluster-mongo-secrets'] : []),
      SETUP_SCRIPT,
      ...(first ? ['systemctl daemon-reload', 'systemctl enable webcluster-mongo-rs-init.service', 'systemctl start --no-block webcluster-mongo-rs-init.service'] : []),
    ],
  });
}

/**
 * The SSM Command document (schema 2.2, one `aws:runShellScript` step) that re-applies the member
 * setup: it waits for cloud-init (on a new member the association may arrive during its first
 * boot), installs the current setup script and runs it.
 */
export function setupDocumentContent(spec: ReplicaSetSpec, prefix: string): string {
  const delimiter = 'WEBCLUSTER_MONGO_SETUP';
  // Compact, keys in sorted order: the form most likely to read back unchanged (no plan diff).
  return JSON.stringify({
    description: `Applies the MongoDB member setup of ${prefix} (data volume, key file, mongod.conf; mongod restarted only on a change)`,
    mainSteps: [
      {
        action: 'aws:runShellScript',
        inputs: {
          runCommand: [
            'cloud-init status --wait >/dev/null 2>&1 || true',
            `cat > ${SETUP_SCRIPT}.new <<'${delimiter}'`,
            ...memberSetupScript(spec).replace(/\n$/, '').split('\n'),
            delimiter,
            `chmod 0750 ${SETUP_SCRIPT}.new`,
            `mv -f ${SETUP_SCRIPT}.new ${SETUP_SCRIPT}`,
            SETUP_SCRIPT,
          ],
          // A first boot may wait up to 30 minutes each for the secrets and the member's name.
          timeoutSeconds: '7200',
        },
        name: 'memberSetup',
      },
    ],
    schemaVersion: '2.2',
  });
}
