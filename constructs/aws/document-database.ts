/**
 * DocumentDatabase (AWS): a self-managed MongoDB replica set on EC2 instances, one per zone, with
 * the oplog that Meteor apps such as Steedos tail (Amazon DocumentDB has none).
 */
import type { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import type { Instance } from '@cdktf/provider-aws/lib/instance';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import type { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Construct } from 'constructs';
import { TerraformStack, Token } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { Endpoint, IDocumentDatabase } from '../core/roles';
import { validate } from '../core/validation-error';
import { imageIdFromParameter } from './private/hardened-host';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import type { IEncryptionKey } from './encryption-key';
import { IGrantable, InstanceRole } from './instance-role';
import type { LogShipping } from './log-shipping';
import type { IAwsNetwork } from './network';
import { validateDocumentDatabase } from './private/document-database-rules';
import { secretAccess } from './private/iam';
import { ADMIN_USER, MONGO_PORT, ReplicaSetSpec } from './private/replica-set-host';
import { createReplicaSetMembers, createSetupRollout, createSnapshotPolicy } from './private/replica-set-members';
import { SecurityGroup } from './security-group';

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
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;
    const zoneName = `mongodb.${net.namePrefix}.internal`;
    const documentName = `${prefix}-member-setup`;
    const zoneTaken = TerraformStack.of(this)
      .node.findAll()
      .some((c) => c !== this && c instanceof DocumentDatabase && c.zoneName === zoneName);
    validateDocumentDatabase(this, { id, network: net, count, rsName, version, databases, appUser, instanceType, sizeGiB, iops, retention, zoneName, zoneTaken, documentName });

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
    const { instances, volumes, records } = createReplicaSetMembers(this, {
      network: net,
      prefix,
      spec,
      imageId,
      instanceType,
      securityGroupId: sg.securityGroupId,
      instanceProfileName: this.grantPrincipal.instanceProfile.name,
      zoneId: this.zone.zoneId,
      dataVolumeSizeGiB: sizeGiB,
      dataVolumeIops: iops,
      preventDestroy,
      volumeTag,
      encryptionKey: props.encryptionKey,
    });
    this.instances = instances;
    this.dataVolumes = volumes;
    this.members = this.memberNames.map((hostname) => ({ hostname, port: MONGO_PORT }));
    this.hosts = this.members.map((m) => `${m.hostname}:${m.port}`).join(',');

    // Later configuration changes: the same setup script, one member at a time.
    const rollout = createSetupRollout(this, { documentName, prefix, spec, dependsOn: [...instances, ...records] });
    this.setupDocument = rollout.document;
    this.setupAssociation = rollout.association;

    createSnapshotPolicy(this, prefix, volumeTag, retention);
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
