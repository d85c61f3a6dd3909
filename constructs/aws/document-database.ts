/**
 * DocumentDatabase (AWS): a self-managed MongoDB replica set on EC2 instances, one per zone, with
 * the oplog that Meteor apps such as Steedos tail (Amazon DocumentDB has none).
 */
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { Construct } from 'constructs';
import { Annotations, TerraformStack, Token } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { Endpoint, IDocumentDatabase } from '../core/roles';
import { validate } from '../core/validation-error';
import { base64UserData, encryptedRootVolume, imageIdFromParameter, IMDSV2_ONLY } from './private/hardened-host';
import { GENERATE_SECRET_FUNCTION } from './private/user-data';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import type { IEncryptionKey } from './encryption-key';
import { IGrantable, InstanceRole } from './instance-role';
import type { LogShipping } from './log-shipping';
import type { IAwsNetwork } from './network';
import { assumeRolePolicy, fitNamePrefix, IAM_ROLE_NAME_PREFIX_MAX, secretAccess } from './private/iam';
import { SecurityGroup } from './security-group';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';

/** Properties of a {@link DocumentDatabase}. */
export interface DocumentDatabaseProps {
  /** Network; the members go into its private app subnets, one zone each (round robin). */
  readonly network: IAwsNetwork;
  /**
   * Replica set members: 3, 5 or 7 (an odd number keeps a majority when one zone fails).
   * @default 3
   */
  readonly members?: number;
  /**
   * Name of the replica set (`replication.replSetName`).
   * @default 'rs0'
   */
  readonly replicaSetName?: string;
  /**
   * MongoDB release series of the official `mongodb-org` repository for Amazon Linux 2023.
   * @default '7.0'
   */
  readonly mongoVersion?: '7.0' | '8.0';
  /**
   * Databases the application user may read and write (it may also read `local`, the oplog).
   * @default ['app']
   */
  readonly appDatabases?: string[];
  /**
   * Name of the application user.
   * @default 'app'
   */
  readonly appUsername?: string;
  /**
   * EC2 instance type of every member.
   * @default 'r7i.large'
   */
  readonly instanceType?: string;
  /**
   * Size of each member's data volume (gp3, encrypted) in GiB, 10 to 16384.
   * @default 100
   */
  readonly dataVolumeSizeGiB?: number;
  /**
   * Provisioned IOPS of each data volume (gp3: 3000 to 16000).
   * @default 3000
   */
  readonly dataVolumeIops?: number;
  /**
   * Days of daily EBS snapshots of the data volumes kept by Data Lifecycle Manager (1 to 365).
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
  /**
   * Whether Terraform refuses to destroy the data volumes (`prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * SSM public parameter holding the AMI id (Amazon Linux 2023).
   * @default AL2023_X86_64_PARAMETER
   */
  readonly imageParameter?: string;
  /**
   * Log shipping to install on the members (`/var/log/mongodb/mongod.log` goes to the role that lists it).
   * @default - no log agent
   */
  readonly logShipping?: LogShipping;
  /**
   * Customer-managed KMS key for the root and data volumes and the generated secrets.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** MongoDB port. */
const MONGO_PORT = 27017;
/** Device name of the data volume (the NVMe device of Nitro instances is found by volume id). */
const DATA_DEVICE = '/dev/sdf';
/** Where the data volume is mounted (the `mongodb-org` package's dbPath). */
const DATA_DIR = '/var/lib/mongo';
/** Key file of internal (member-to-member) authentication. */
const KEY_FILE = '/etc/mongod.key';
/** Name of the administrative (root) user. */
const ADMIN_USER = 'admin';
/** The idempotent member setup script, written by user data and rewritten by the setup document. */
const SETUP_SCRIPT = '/usr/local/sbin/webcluster-mongo-setup';
/** Instance tag the setup association targets (value: the replica set's name prefix). */
const REPLICA_SET_TAG = 'webcluster:replica-set';
/** Instance tag holding the member's stable name (read through instance metadata). */
const MEMBER_NAME_TAG = 'webcluster:member-name';
/** Instance tag holding the member's data volume id (read through instance metadata). */
const DATA_VOLUME_TAG = 'webcluster:data-volume';

/**
 * A MongoDB replica set of `members` EC2 instances (3 by default) over the network's zones, with
 * the oplog that Meteor's `MONGO_OPLOG_URL` tails.
 *
 * Each member is an `aws_instance` (IMDSv2 only, encrypted root volume, SSM-managed instance role,
 * EC2 auto-recovery, no public address) with its own encrypted gp3 data volume (`aws_ebs_volume` +
 * `aws_volume_attachment` in the member's zone, `prevent_destroy`, daily snapshots by Data
 * Lifecycle Manager). Plain instances rather than one-instance Auto Scaling groups: a member's
 * volume must stay in its zone and with it; auto-recovery keeps instance and volume on a hardware
 * failure, while an Auto Scaling replacement could come up in another zone with an empty disk.
 *
 * Members are addressed by stable names, never by EC2's private DNS names (which change with the
 * instance): a Route 53 private hosted zone `mongodb.<namePrefix>.internal` associated with the VPC
 * holds one A record `member-<n>.<zone>` per member (TTL 30), pointing at the member's private
 * address and managed by Terraform. The replica set configuration, {@link members}, {@link url} and
 * the stack outputs use these names. A member that is replaced (new instance) reattaches its data
 * volume, which already holds the replica set configuration in its `local` database, and comes back
 * under the same name once Terraform has pointed the record at the new address; no `rs.reconfig`
 * is needed. Its setup waits until its own name resolves to its own address before mongod starts.
 * A replica set initiated before these names existed still lists its members by EC2 private DNS
 * name; it needs one `rs.reconfig` on the primary that sets each member's `host` to
 * `member-<n>.<zone>:27017` (nothing does that automatically).
 *
 * The members run in the private app subnets (outbound through NAT), not in the isolated data
 * subnets: cloud-init installs `mongodb-org` from MongoDB's official repository and reads Secrets
 * Manager, neither of which is reachable without an internet route. Ingress is limited to the
 * members themselves and the clients granted with `connections.allowDefaultPortFrom(...)`.
 *
 * Secrets are generated on the first member at its first boot, never by Terraform, so none is in
 * the configuration or state: the replica set key file (`openssl rand -base64 756`), the `admin`
 * (root) user and the application user (`{"username", "password"}` JSON). Every member writes
 * `mongod.conf` with `replication.replSetName`, `security.keyFile` and `net.bindIp` set to
 * `127.0.0.1` and its own private address; member 1 waits until every member's name resolves and
 * answers, runs an idempotent `rs.initiate` (skipped when the set exists) with itself at priority
 * 2, creates the admin user through the localhost exception and creates or updates the application
 * user (roles: `readWrite` on `appDatabases`, `read` on `local`).
 *
 * No TLS: traffic stays in the VPC between security groups, members authenticate with the key file
 * and clients with SCRAM. TLS needs a certificate authority the app hosts trust (e.g. AWS Private
 * CA) and `net.tls.mode: requireTLS`; it is not built in.
 *
 * User data is the first-boot bootstrap only: changes to it are ignored once a member exists
 * (replacing every member at once would take the replica set down). Configuration changes reach
 * running members through an SSM Command document (`aws:runShellScript`) that runs the same
 * idempotent setup script (data volume mount, key file, `mongod.conf`), and an SSM association
 * that targets the members by the instance tag `webcluster:replica-set` with `max_concurrency = 1`
 * and `max_errors = 0`. The association is pinned to the document's default version: the AWS
 * provider makes each new content a new document version and sets it as the default, so the
 * association's `document_version` changes and State Manager runs it again, one member at a time.
 * The script restarts mongod only when `mongod.conf` or the key file changed, and then waits
 * until the member is PRIMARY or SECONDARY again before the next member's turn; a failure stops the
 * rollout. The replica set initiation and the users stay in member 1's user data (first boot).
 *
 * @resource aws_instance
 */
export class DocumentDatabase extends Construct implements IDocumentDatabase, IGrantable {
  public readonly replicaSetName: string;
  public readonly members: readonly Endpoint[];
  /** Network access of the members; the default port is 27017. */
  public readonly connections: IConnections;
  /** Role of the members. */
  public readonly grantPrincipal: InstanceRole;
  /** The member instances, in order (member 1 initiates the replica set). */
  public readonly instances: readonly Instance[];
  /** The data volumes, one per member. */
  public readonly dataVolumes: readonly EbsVolume[];
  /** Secrets Manager secret holding the replica set key file (filled by member 1). @attribute */
  public readonly keyFileSecretArn: string;
  /** Secrets Manager secret with `{"username","password"}` of the `admin` (root) user. @attribute */
  public readonly adminSecretArn: string;
  /** Secrets Manager secret with `{"username","password"}` of the application user; read it in {@link url} templates. @attribute */
  public readonly credentialSecretArn: string;
  /** Databases the application user may write. */
  public readonly appDatabases: readonly string[];
  /** Application user name. */
  public readonly appUsername: string;
  /** Resolved instance type. */
  public readonly instanceType: string;
  /** MongoDB release series in use. */
  public readonly mongoVersion: string;
  /** The private hosted zone of the member names, associated with the network's VPC. */
  public readonly zone: Route53Zone;
  /** Name of the private hosted zone, `mongodb.<namePrefix>.internal`. */
  public readonly zoneName: string;
  /** Stable member names (`member-<n>.<zone>`), in member order. */
  public readonly memberNames: readonly string[];
  /** SSM Command document that runs the idempotent member setup. */
  public readonly setupDocument: SsmDocument;
  /** SSM association that applies {@link setupDocument} to the members, one at a time. */
  public readonly setupAssociation: SsmAssociation;
  private readonly hosts: string;

  constructor(scope: Construct, id: string, props: DocumentDatabaseProps) {
    super(scope, id);
    const net = props.network;
    const count = props.members ?? 3;
    const rsName = props.replicaSetName ?? 'rs0';
    const version = props.mongoVersion ?? '7.0';
    const databases = props.appDatabases ?? ['app'];
    const appUser = props.appUsername ?? 'app';
    const instanceType = props.instanceType ?? 'r7i.large';
    const sizeGiB = props.dataVolumeSizeGiB ?? 100;
    const iops = props.dataVolumeIops ?? 3000;
    const retention = props.snapshotRetentionDays ?? 7;
    const azs = net.availabilityZones;
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;
    const zoneName = `mongodb.${net.namePrefix}.internal`;
    const documentName = `${prefix}-member-setup`;
    const zoneTaken = TerraformStack.of(this)
      .node.findAll()
      .some((c) => c !== this && c instanceof DocumentDatabase && c.zoneName === zoneName);
    const badDatabases = databases.filter((d) => !/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(d) || ['admin', 'local', 'config'].includes(d));
    validate(this, [
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
    if (azs.length < 3) {
      Annotations.of(this).addWarning(
        `DocumentDatabase: ${count} members over ${azs.length} zone(s); losing the zone with most members loses the majority (use a network over 3 zones)`,
      );
    }

    this.replicaSetName = rsName;
    this.appDatabases = [...new Set(databases)];
    this.appUsername = appUser;
    this.instanceType = instanceType;
    this.mongoVersion = version;
    const preventDestroy = props.preventDestroy ?? true;
    this.zoneName = zoneName;

    const sg = new SecurityGroup(this, 'SecurityGroup', {
      network: net,
      description: `MongoDB replica set ${prefix}`,
      defaultPort: Port.tcp(MONGO_PORT),
    });
    this.connections = sg;
    sg.allowFrom(sg, Port.tcp(MONGO_PORT), 'MongoDB replication between members');
    sg.allowTo(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs and the MongoDB and OS package repositories');

    const secret = (sid: string, what: string): SecretsmanagerSecret =>
      new SecretsmanagerSecret(this, sid, {
        namePrefix: `${prefix}/${sid.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}-`,
        description: `${what} of ${prefix}; generated once by member 1 at its first boot`,
        recoveryWindowInDays: 30,
        ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
      });
    const keyFile = secret('KeyFile', 'Replica set key file');
    const admin = secret('AdminCredentials', `Credentials of the MongoDB user '${ADMIN_USER}' (root)`);
    const app = secret('AppCredentials', `Credentials of the MongoDB user '${appUser}'`);
    this.keyFileSecretArn = keyFile.arn;
    this.adminSecretArn = admin.arn;
    this.credentialSecretArn = app.arn;

    this.grantPrincipal = new InstanceRole(this, 'Role', { namePrefix: prefix });
    props.encryptionKey?.grantEncryptDecrypt(this);
    this.grantPrincipal.addToPolicy(secretAccess('ReplicaSetSecrets', [keyFile.arn, admin.arn, app.arn], true));
    props.logShipping?.grantShipping(this);

    // Stable member names in a private zone of the VPC; Terraform points each at its member.
    this.zone = new Route53Zone(this, 'MemberZone', {
      name: zoneName,
      comment: `Names of the MongoDB replica set members of ${prefix} (records managed by Terraform)`,
      vpc: [{ vpcId: net.vpcId }],
    });
    this.memberNames = Array.from({ length: count }, (_, i) => `member-${i + 1}.${zoneName}`);

    const spec: ReplicaSetSpec = {
      region: net.region,
      mongoVersion: version,
      replicaSetName: rsName,
      memberNames: this.memberNames,
      keyFileSecretArn: keyFile.arn,
      adminSecretArn: admin.arn,
      appSecretArn: app.arn,
      appUsername: appUser,
      appDatabases: this.appDatabases,
      logCommands: props.logShipping?.userDataCommands() ?? [],
    };
    const imageId = imageIdFromParameter(this, props.imageParameter ?? AL2023_X86_64_PARAMETER);
    const volumeTag = `${prefix}-data`;
    const volumes: EbsVolume[] = [];
    const instances: Instance[] = [];
    const records: Route53Record[] = [];
    for (let i = 0; i < count; i++) {
      const member = new Construct(this, `Member${i + 1}`);
      const zone = i % azs.length;
      const volume = new EbsVolume(member, 'DataVolume', {
        availabilityZone: azs[zone],
        size: sizeGiB,
        type: 'gp3',
        iops,
        throughput: 125,
        encrypted: true,
        ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
        finalSnapshot: true,
        tags: { Name: `${prefix}-${i + 1}-data`, 'webcluster:snapshots': volumeTag },
        lifecycle: { preventDestroy },
      });
      const instance = new Instance(member, 'Resource', {
        ami: imageId,
        instanceType,
        subnetId: net.appSubnetIds[zone],
        vpcSecurityGroupIds: [sg.securityGroupId],
        iamInstanceProfile: this.grantPrincipal.instanceProfile.name,
        associatePublicIpAddress: false,
        monitoring: true,
        ebsOptimized: true,
        metadataOptions: IMDSV2_ONLY,
        maintenanceOptions: { autoRecovery: 'default' },
        rootBlockDevice: encryptedRootVolume(20, props.encryptionKey),
        userDataBase64: base64UserData(member, memberCloudConfig(spec, i === 0)),
        userDataReplaceOnChange: false,
        tags: {
          Name: `${prefix}-${i + 1}`,
          Role: 'mongodb',
          ReplicaSet: rsName,
          // Read by the setup script through instance metadata, and the setup association's target.
          [REPLICA_SET_TAG]: prefix,
          [MEMBER_NAME_TAG]: this.memberNames[i],
          [DATA_VOLUME_TAG]: volume.id,
        },
        lifecycle: { ignoreChanges: ['ami', 'user_data_base64'] },
      });
      new VolumeAttachment(member, 'DataVolumeAttachment', {
        deviceName: DATA_DEVICE,
        volumeId: volume.id,
        instanceId: instance.id,
        stopInstanceBeforeDetaching: true,
      });
      records.push(
        new Route53Record(member, 'Name', {
          zoneId: this.zone.zoneId,
          name: this.memberNames[i],
          type: 'A',
          ttl: 30,
          records: [instance.privateIp],
        }),
      );
      instances.push(instance);
      volumes.push(volume);
    }
    this.instances = instances;
    this.dataVolumes = volumes;
    this.members = this.memberNames.map((hostname) => ({ hostname, port: MONGO_PORT }));
    this.hosts = this.members.map((m) => `${m.hostname}:${m.port}`).join(',');

    // Later configuration changes: the same setup script, one member at a time.
    this.setupDocument = new SsmDocument(this, 'SetupDocument', {
      name: documentName,
      documentType: 'Command',
      documentFormat: 'JSON',
      content: setupDocumentContent(spec, prefix),
    });
    this.setupAssociation = new SsmAssociation(this, 'SetupAssociation', {
      name: this.setupDocument.name,
      associationName: documentName,
      // A new content is a new version that the provider makes the default: the association changes and runs again.
      documentVersion: this.setupDocument.defaultVersion,
      targets: [{ key: `tag:${REPLICA_SET_TAG}`, values: [prefix] }],
      maxConcurrency: '1',
      maxErrors: '0',
      complianceSeverity: 'HIGH',
      // After the members carry their tags and their names resolve.
      dependsOn: [...instances, ...records],
    });

    const dlmRole = new IamRole(this, 'SnapshotRole', {
      namePrefix: fitNamePrefix(`${prefix}-dlm-`, IAM_ROLE_NAME_PREFIX_MAX),
      assumeRolePolicy: assumeRolePolicy('dlm.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'SnapshotRolePolicy', {
      role: dlmRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole',
    });
    new DlmLifecyclePolicy(this, 'Snapshots', {
      description: `Daily snapshots of the MongoDB data volumes of ${prefix}`,
      executionRoleArn: dlmRole.arn,
      state: 'ENABLED',
      policyDetails: {
        resourceTypes: ['VOLUME'],
        targetTags: { 'webcluster:snapshots': volumeTag },
        schedule: [
          {
            name: 'daily',
            createRule: { interval: 24, intervalUnit: 'HOURS', times: ['02:00'] },
            retainRule: { count: retention },
            copyTags: true,
          },
        ],
      },
    });
  }

  /**
   * Template of a `mongodb://` URL of `database` on the replica set for a secret environment
   * variable read from {@link credentialSecretArn} at boot: `{username}` and `{password}` are filled
   * from the secret (URL-encoded). `local` gives the oplog URL.
   */
  public url(database: string): string {
    validate(this, [
      {
        failed: !Token.isUnresolved(database) && !/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(database),
        message: () => `database: got '${database}'; allowed: letters, digits, '_' or '-', starting with a letter; fix: use e.g. 'steedos' or 'local'`,
      },
    ]);
    return `mongodb://{username}:{password}@${this.hosts}/${database}?replicaSet=${this.replicaSetName}&authSource=admin`;
  }

  /** Lets `grantee` read the application user's credentials (for the URL templates). */
  public grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPolicy(secretAccess('ReadMongoCredentials', this.credentialSecretArn));
  }
}

/** What the members' scripts need; the same for every member (a member reads its own name and volume from its tags). */
interface ReplicaSetSpec {
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

/** Shell function `imds <path>`: an instance metadata value (IMDSv2), failing on a missing one. */
const IMDS_FUNCTION =
  'imds() { local t; t=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300"); curl -fsS -H "X-aws-ec2-metadata-token: $t" "http://169.254.169.254/latest/meta-data/$1"; }';

/** Shell function `healthy`: the local mongod is PRIMARY or SECONDARY (`hello` needs no authentication). */
const HEALTHY_FUNCTION =
  'healthy() { mongosh --quiet --host 127.0.0.1 --eval "quit(db.hello().isWritablePrimary || db.hello().secondary ? 0 : 1)" >/dev/null 2>&1; }';

/** The first lines of every member script: bash, what it does, strict mode, the region for the AWS CLI. */
function scriptHeader(spec: ReplicaSetSpec, purpose: string): string[] {
  return ['#!/bin/bash', `# ${purpose}`, 'set -euo pipefail', `export AWS_DEFAULT_REGION=${spec.region}`];
}

/**
 * The idempotent setup of a member: data volume, key file, `mongod.conf`, mongod. The same script
 * for every member, run by cloud-init at first boot and by the setup document on a live member, so
 * it changes nothing that is already right: mongod is restarted only when `mongod.conf` or the key
 * file changed. Avoids the `${` and `%{` sequences (Terraform would read them as interpolation).
 */
function memberSetupScript(spec: ReplicaSetSpec): string {
  return [
    ...scriptHeader(spec, 'Prepares this MongoDB replica set member: data volume, key file, mongod.conf, mongod. Safe to re-run on a live member.'),
    '# One run at a time (cloud-init at first boot, the SSM association afterwards).',
    'exec 9>/run/webcluster-mongo-setup.lock',
    'flock 9',
    IMDS_FUNCTION,
    HEALTHY_FUNCTION,
    'secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text 2>/dev/null; }',
    'wait_secret() { for _ in $(seq 1 180); do if secret "$1"; then return 0; fi; sleep 10; done; echo "secret $1 not readable after 30 minutes" >&2; return 1; }',
    `name=$(imds tags/instance/${MEMBER_NAME_TAG})`,
    'ip=$(imds local-ipv4)',
    'work=$(mktemp -d)',
    'trap \'rm -rf "$work"\' EXIT',
    '# The data volume: attached by Terraform after the instance started, so wait for it.',
    `vol=$(imds tags/instance/${DATA_VOLUME_TAG} | tr -d '-')`,
    'dev=""',
    `for _ in $(seq 1 120); do for c in "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$vol" ${DATA_DEVICE} /dev/xvdf; do if [ -b "$c" ]; then dev="$c"; break 2; fi; done; sleep 5; done`,
    'if [ -z "$dev" ]; then echo "data volume not attached after 10 minutes" >&2; exit 1; fi',
    'blkid "$dev" >/dev/null 2>&1 || mkfs.xfs -L mongo-data "$dev"',
    'uuid=$(blkid -s UUID -o value "$dev")',
    `install -d ${DATA_DIR}`,
    `grep -q "UUID=$uuid" /etc/fstab || echo "UUID=$uuid ${DATA_DIR} xfs defaults,noatime,nofail 0 2" >> /etc/fstab`,
    `mountpoint -q ${DATA_DIR} || mount ${DATA_DIR}`,
    '# A reattached volume may come from an instance where mongod had another uid.',
    `find ${DATA_DIR} -xdev \\( ! -user mongod -o ! -group mongod \\) -exec chown -h mongod:mongod {} +`,
    'changed=0',
    '# Key file of internal authentication (0400, owned by mongod).',
    `(umask 077; wait_secret '${spec.keyFileSecretArn}' > "$work/key")`,
    `if ! cmp -s "$work/key" ${KEY_FILE}; then install -m 0400 -o mongod -g mongod "$work/key" ${KEY_FILE}; changed=1; fi`,
    `chown mongod:mongod ${KEY_FILE}; chmod 0400 ${KEY_FILE}`,
    'cat > "$work/mongod.conf" <<EOF',
    'storage:',
    `  dbPath: ${DATA_DIR}`,
    'systemLog:',
    '  destination: file',
    '  logAppend: true',
    '  path: /var/log/mongodb/mongod.log',
    'net:',
    `  port: ${MONGO_PORT}`,
    '  bindIp: 127.0.0.1,$ip',
    'processManagement:',
    '  timeZoneInfo: /usr/share/zoneinfo',
    'replication:',
    `  replSetName: ${spec.replicaSetName}`,
    'security:',
    `  keyFile: ${KEY_FILE}`,
    '  authorization: enabled',
    'EOF',
    'if ! cmp -s "$work/mongod.conf" /etc/mongod.conf; then install -m 0644 "$work/mongod.conf" /etc/mongod.conf; changed=1; fi',
    '# The replica set configuration names this member by its stable name: it must point here before mongod starts.',
    'resolved=""',
    'for _ in $(seq 1 180); do resolved=$(getent ahostsv4 "$name" | awk \'NR == 1 {print $1}\' || true); if [ "$resolved" = "$ip" ]; then break; fi; sleep 10; done',
    'if [ "$resolved" != "$ip" ]; then echo "$name resolves to \'$resolved\', not to $ip, after 30 minutes" >&2; exit 1; fi',
    'if [ "$changed" = 0 ]; then systemctl enable --now mongod; exit 0; fi',
    '# Changed: restart, and let a member of the set become PRIMARY or SECONDARY again before the next member restarts.',
    'member=0',
    'if systemctl is-active --quiet mongod && mongosh --quiet --host 127.0.0.1 --eval "quit(db.hello().setName ? 0 : 1)" >/dev/null 2>&1; then member=1; fi',
    'systemctl enable mongod',
    'systemctl restart mongod',
    'if [ "$member" = 1 ]; then',
    '  for _ in $(seq 1 120); do if healthy; then exit 0; fi; sleep 5; done',
    '  echo "mongod is not PRIMARY or SECONDARY 10 minutes after its restart" >&2',
    '  exit 1',
    'fi',
    '',
  ].join('\n');
}

/** Member 1's first boot: generates every secret once (the other members wait for them). */
function generateSecretsScript(spec: ReplicaSetSpec): string {
  return [
    ...scriptHeader(spec, 'Member 1 generates every secret once; the others wait for them.'),
    GENERATE_SECRET_FUNCTION,
    `generate '${spec.keyFileSecretArn}' "$(openssl rand -base64 756)"`,
    `generate '${spec.adminSecretArn}' "$(jq -cn --arg p "$(openssl rand -hex 32)" '{username: "${ADMIN_USER}", password: $p}')"`,
    `generate '${spec.appSecretArn}' "$(jq -cn --arg p "$(openssl rand -hex 32)" '{username: "${spec.appUsername}", password: $p}')"`,
    '',
  ].join('\n');
}

/** Member 1: initiates the replica set by the stable names once each resolves and answers, then creates or updates the users. */
function replicaSetInitScript(spec: ReplicaSetSpec): string {
  const roles = [...spec.appDatabases.map((d) => `{role: "readWrite", db: "${d}"}`), '{role: "read", db: "local"}'].join(', ');
  return [
    ...scriptHeader(spec, "Member 1: initiates the replica set once every member's name resolves and answers, then creates or updates the users. Idempotent."),
    'secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; }',
    'ping() { mongosh --quiet --host "$1" --eval "quit(db.adminCommand({ping: 1}).ok ? 0 : 1)" >/dev/null 2>&1; }',
    `names="${spec.memberNames.join(' ')}"`,
    `members="${spec.memberNames.map((n) => `${n}:${MONGO_PORT}`).join(' ')}"`,
    'for n in $names; do',
    `  for _ in $(seq 1 180); do if getent hosts "$n" >/dev/null && ping "$n:${MONGO_PORT}"; then break; fi; sleep 10; done`,
    '  getent hosts "$n" >/dev/null || { echo "member $n does not resolve" >&2; exit 1; }',
    `  ping "$n:${MONGO_PORT}" || { echo "member $n does not answer" >&2; exit 1; }`,
    'done',
    'export MONGO_MEMBERS="$members"',
    `export MONGO_RS=${spec.replicaSetName}`,
    'mongosh --quiet --host 127.0.0.1 --eval \'',
    '  if (!db.hello().setName) {',
    '    const hosts = process.env.MONGO_MEMBERS.split(" ");',
    '    rs.initiate({_id: process.env.MONGO_RS, members: hosts.map((host, i) => ({_id: i, host: host, priority: i === 0 ? 2 : 1}))});',
    '  }',
    "'",
    'for _ in $(seq 1 150); do if mongosh --quiet --host 127.0.0.1 --eval "quit(db.hello().primary ? 0 : 1)" >/dev/null 2>&1; then break; fi; sleep 2; done',
    `MONGO_ADMIN_PW=$(secret '${spec.adminSecretArn}' | jq -r .password)`,
    `MONGO_APP_PW=$(secret '${spec.appSecretArn}' | jq -r .password)`,
    'export MONGO_ADMIN_PW MONGO_APP_PW',
    '# The first user is created through the localhost exception (only while no user exists, on the primary).',
    'mongosh --quiet --host 127.0.0.1 --eval \'',
    '  if (db.hello().isWritablePrimary) {',
    `    try { db.getSiblingDB("admin").createUser({user: "${ADMIN_USER}", pwd: process.env.MONGO_ADMIN_PW, roles: ["root"]}); }`,
    '    catch (e) { if (e.codeName !== "Unauthorized" && e.codeName !== "Location51003") print("admin user: " + e.message); }',
    '  }',
    "'",
    `mongosh --quiet "mongodb://$(echo "$members" | tr ' ' ',')/admin?replicaSet=${spec.replicaSetName}" --eval '`,
    '  const admin = db.getSiblingDB("admin");',
    `  admin.auth("${ADMIN_USER}", process.env.MONGO_ADMIN_PW);`,
    `  const roles = [${roles}];`,
    `  if (admin.getUser("${spec.appUsername}")) admin.updateUser("${spec.appUsername}", {pwd: process.env.MONGO_APP_PW, roles: roles});`,
    `  else admin.createUser({user: "${spec.appUsername}", pwd: process.env.MONGO_APP_PW, roles: roles});`,
    "'",
    '',
  ].join('\n');
}

/** The systemd unit that runs {@link replicaSetInitScript} on member 1 until it succeeds. */
const RS_INIT_UNIT = [
  '[Unit]',
  'Description=Initiate the MongoDB replica set and its users (idempotent)',
  'After=mongod.service network-online.target',
  'Wants=network-online.target',
  'Requires=mongod.service',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/local/sbin/webcluster-mongo-rs-init',
  'RemainAfterExit=yes',
  'Restart=on-failure',
  'RestartSec=30',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/**
 * The cloud-config of one member (the first-boot bootstrap; later changes arrive through the setup
 * document). Scripts avoid the `${` and `%{` sequences: Terraform would read them as interpolation
 * in the user-data local.
 */
function memberCloudConfig(spec: ReplicaSetSpec, first: boolean): string {
  const repo = [
    `[mongodb-org-${spec.mongoVersion}]`,
    'name=MongoDB Repository',
    `baseurl=https://repo.mongodb.org/yum/amazon/2023/mongodb-org/${spec.mongoVersion}/x86_64/`,
    'gpgcheck=1',
    'enabled=1',
    `gpgkey=https://pgp.mongodb.com/server-${spec.mongoVersion}.asc`,
    '',
  ].join('\n');
  const files = [
    { path: `/etc/yum.repos.d/mongodb-org-${spec.mongoVersion}.repo`, permissions: '0644', content: repo },
    { path: SETUP_SCRIPT, permissions: '0750', content: memberSetupScript(spec) },
    ...(first
      ? [
          { path: '/usr/local/sbin/webcluster-mongo-secrets', permissions: '0750', content: generateSecretsScript(spec) },
          { path: '/usr/local/sbin/webcluster-mongo-rs-init', permissions: '0750', content: replicaSetInitScript(spec) },
          { path: '/etc/systemd/system/webcluster-mongo-rs-init.service', permissions: '0644', content: RS_INIT_UNIT },
        ]
      : []),
  ];
  const doc = {
    package_update: true,
    packages: ['jq', 'openssl', 'xfsprogs', 'mongodb-org'],
    write_files: files,
    runcmd: [
      `export AWS_DEFAULT_REGION=${spec.region}`,
      ...spec.logCommands,
      ...(first ? ['/usr/local/sbin/webcluster-mongo-secrets'] : []),
      SETUP_SCRIPT,
      ...(first ? ['systemctl daemon-reload', 'systemctl enable webcluster-mongo-rs-init.service', 'systemctl start --no-block webcluster-mongo-rs-init.service'] : []),
    ],
  };
  // JSON is valid YAML; cloud-init accepts it after the #cloud-config header.
  return `#cloud-config\n${JSON.stringify(doc, null, 1)}\n`;
}

/**
 * The SSM Command document (schema 2.2, one `aws:runShellScript` step) that re-applies the member
 * setup: it waits for cloud-init (on a new member the association may arrive during its first
 * boot), installs the current setup script and runs it.
 */
function setupDocumentContent(spec: ReplicaSetSpec, prefix: string): string {
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
