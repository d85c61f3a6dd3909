/**
 * SearchService (AWS): a self-managed Solr host with its index on an encrypted EBS volume, reachable
 * only from the hosts granted access.
 */
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { Construct } from 'constructs';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { ISearchService } from '../core/roles';
import { base64UserData, encryptedRootVolume, imageIdFromParameter, IMDSV2_ONLY } from './private/hardened-host';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import type { IEncryptionKey } from './encryption-key';
import { InstanceRole, IGrantable } from './instance-role';
import type { IAwsNetwork } from './network';
import { validateSearchService } from './private/search-service-rules';
import { SOLR_DATA_DEVICE, solrHostConfig } from './private/solr-host';
import { SecureBucket } from './secure-bucket';
import { SecurityGroup } from './security-group';

/** Object key of the config set source in the config bucket. */
const CONFIG_SOURCE_KEY = 'config-source.tar.gz';

/** Where the core's configuration comes from, when not from Solr's `_default` config set. */
export interface SolrConfigSetSource {
  /**
   * Shell command run as the `solr` user in the unpacked source archive that writes the core's
   * configuration (`solrconfig.xml`, the schema, ...) into `$CONFIG_SET_DIR/conf` (the directory
   * does not exist yet); `/opt/solr` is the Solr installation. Ibexa:
   * `bash bin/generate-solr-config.sh --destination-dir="$CONFIG_SET_DIR/conf" --solr-install-dir=/opt/solr`.
   */
  readonly prepareCommand: string;
}

/** Properties of a {@link SearchService}. */
export interface SearchServiceProps {
  /** Network; the host goes into a private app subnet (it downloads Java and Solr through NAT). */
  readonly network: IAwsNetwork;
  /**
   * Solr release (8.x or 9.x) downloaded from the Apache archive.
   * @default '9.7.0'
   */
  readonly solrVersion?: string;
  /**
   * Name of the core created at first start.
   * @default 'collection1'
   */
  readonly coreName?: string;
  /**
   * Build the core's configuration from a source archive the app publishes to the config bucket
   * ({@link SearchService.configSourceUri}); the host waits for it.
   * @default - the core uses Solr's `_default` config set
   */
  readonly configSet?: SolrConfigSetSource;
  /**
   * Port Solr listens on.
   * @default 8983
   */
  readonly port?: number;
  /**
   * EC2 instance type.
   * @default 'm7i.large'
   */
  readonly instanceType?: string;
  /**
   * Java heap of Solr (`SOLR_HEAP`), e.g. `2g`; leave memory for the OS page cache of the index.
   * @default '2g'
   */
  readonly heapSize?: string;
  /**
   * Size of the encrypted gp3 data volume in GiB.
   * @default 50
   */
  readonly dataVolumeSizeGiB?: number;
  /**
   * Zone index (0-based) of the subnet the host and its volume live in.
   * @default 0
   */
  readonly zoneIndex?: number;
  /**
   * Root volume size in GiB (gp3, encrypted).
   * @default 20
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * SSM public parameter holding the AMI id.
   * @default AL2023_X86_64_PARAMETER
   */
  readonly imageParameter?: string;
  /**
   * Protect the data volume and the config bucket from `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Customer-managed KMS key for the root and data volumes and the config bucket.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * One EC2 instance running Solr standalone (Amazon Linux 2023, IMDSv2 only, encrypted root, SSM
 * Session Manager role, EC2 auto-recovery, no public address, no SSH) in an app subnet, with the
 * index on a separate encrypted gp3 EBS volume in the same zone (`prevent_destroy`, final snapshot
 * on deletion), mounted at `/var/solr`. Cloud-init installs Java 17 (`java-17-amazon-corretto-headless`)
 * and the Solr release tarball from `archive.apache.org` (checked against its published SHA-512),
 * so the host needs outbound HTTPS (NAT), and runs Solr under systemd on 0.0.0.0 (Solr 9 binds to
 * 127.0.0.1 by default). Its security group opens `port` only to what is granted with
 * `connections.allowDefaultPortFrom(...)`; Solr itself has no authentication.
 *
 * The host is reached by a stable private name ({@link hostname}, a Route 53 private zone of its
 * own); a change of its user data replaces the instance, which attaches the same data volume.
 *
 * The core `coreName` is created once (a later boot finds it on the volume): from Solr's `_default`
 * config set, or, with `configSet`, from a source archive the app's setup step uploads to the
 * private config bucket ({@link configSourceUri}, write access with {@link grantConfigSourceWrite});
 * the host polls for it every 30 s, runs `configSet.prepareCommand` on it and creates the core.
 * Schema changes of later releases need a manual core reload.
 *
 * @resource aws_instance
 */
export class SearchService extends Construct implements ISearchService, IGrantable {
  /** The instance. */
  public readonly resource: Instance;
  /** The data volume. */
  public readonly dataVolume: EbsVolume;
  /** Security group of the host; the default port is Solr's. */
  public readonly connections: SecurityGroup;
  /** Role of the host. */
  public readonly grantPrincipal: InstanceRole;
  /** Base URL, `http://<hostname>:<port>/solr`. @attribute */
  public readonly url: string;
  /** Stable private DNS name of the host (`solr.search.<namePrefix>.internal`), kept when the host is replaced. */
  public readonly hostname: string;
  /** Private address of the current host (changes when the host is replaced; use {@link hostname}). @attribute */
  public readonly privateIp: string;
  /** The bucket of the config set source, with `configSet`. */
  public readonly configBucket?: SecureBucket;
  /** `s3://` URI the app uploads the config set source to, with `configSet`. @attribute */
  public readonly configSourceUri?: string;
  /** Resolved settings. */
  public readonly coreName: string;
  public readonly port: number;
  public readonly solrVersion: string;
  public readonly instanceType: string;

  constructor(scope: Construct, id: string, props: SearchServiceProps) {
    super(scope, id);
    const net = props.network;
    this.solrVersion = props.solrVersion ?? '9.7.0';
    this.coreName = props.coreName ?? 'collection1';
    this.port = props.port ?? 8983;
    this.instanceType = props.instanceType ?? 'm7i.large';
    const heap = props.heapSize ?? '2g';
    const dataGiB = props.dataVolumeSizeGiB ?? 50;
    const rootGiB = props.rootVolumeSizeGiB ?? 20;
    const zoneIndex = props.zoneIndex ?? 0;
    const protect = props.preventDestroy ?? true;
    validateSearchService(this, {
      network: net,
      solrVersion: this.solrVersion,
      coreName: this.coreName,
      prepareCommand: props.configSet?.prepareCommand,
      port: this.port,
      instanceType: this.instanceType,
      heap,
      dataGiB,
      rootGiB,
      zoneIndex,
    });
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;

    this.connections = new SecurityGroup(this, 'SecurityGroup', {
      network: net,
      description: `Search service (Solr) of ${net.namePrefix}`,
      defaultPort: Port.tcp(this.port),
    });
    this.connections.allowTo(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs, the Apache archive and OS package repositories');
    this.grantPrincipal = new InstanceRole(this, 'Role', { namePrefix: prefix });
    props.encryptionKey?.grantEncryptDecrypt(this);

    if (props.configSet) {
      this.configBucket = new SecureBucket(this, 'ConfigSource', {
        kmsKey: props.encryptionKey,
        bucketPrefix: `${net.namePrefix.slice(0, 26)}-solrconf-`,
        noncurrentVersionExpirationDays: 30,
        preventDestroy: protect,
      });
      this.configSourceUri = `s3://${this.configBucket.bucketName}/${CONFIG_SOURCE_KEY}`;
      this.grantPrincipal.addToPolicy({
        Sid: 'ReadConfigSetSource',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${this.configBucket.bucketArn}/${CONFIG_SOURCE_KEY}`,
      });
    } else {
      // The role needs at least one grant (InstanceRole validates that); describing itself is harmless.
      this.grantPrincipal.addToPolicy({ Sid: 'DescribeOwnVolumes', Effect: 'Allow', Action: 'ec2:DescribeVolumes', Resource: '*' });
    }

    const userData = solrHostConfig({
      region: net.region,
      solrVersion: this.solrVersion,
      coreName: this.coreName,
      port: this.port,
      heap,
      configSourceUri: this.configSourceUri,
      prepareCommand: props.configSet?.prepareCommand,
    });

    const imageId = imageIdFromParameter(this, props.imageParameter ?? AL2023_X86_64_PARAMETER);
    this.resource = new Instance(this, 'Resource', {
      ami: imageId,
      instanceType: this.instanceType,
      subnetId: net.appSubnetIds[zoneIndex],
      vpcSecurityGroupIds: [this.connections.securityGroupId],
      iamInstanceProfile: this.grantPrincipal.instanceProfile.name,
      associatePublicIpAddress: false,
      monitoring: true,
      ebsOptimized: true,
      metadataOptions: IMDSV2_ONLY,
      maintenanceOptions: { autoRecovery: 'default' },
      rootBlockDevice: encryptedRootVolume(rootGiB, props.encryptionKey),
      userDataBase64: base64UserData(this, userData),
      // EC2 runs user data at first boot only. The index lives on the data volume, which a new host
      // attaches again (Solr stops before it is detached), so a changed configuration gets a new host.
      userDataReplaceOnChange: true,
      tags: { Name: prefix, Role: 'search' },
      lifecycle: { ignoreChanges: ['ami'] },
    });
    this.privateIp = this.resource.privateIp;

    // A name that survives the replacement: the app's SOLR_DSN does not change with the host.
    const zone = new Route53Zone(this, 'Zone', {
      name: `search.${net.namePrefix}.internal`,
      comment: `Name of the search service of ${net.namePrefix}`,
      vpc: [{ vpcId: net.vpcId }],
      forceDestroy: true,
    });
    this.hostname = `solr.search.${net.namePrefix}.internal`;
    new Route53Record(this, 'Name', { zoneId: zone.zoneId, name: this.hostname, type: 'A', ttl: 30, records: [this.privateIp] });
    this.url = `http://${this.hostname}:${this.port}/solr`;

    this.dataVolume = new EbsVolume(this, 'DataVolume', {
      availabilityZone: net.availabilityZones[zoneIndex],
      size: dataGiB,
      type: 'gp3',
      encrypted: true,
      ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
      finalSnapshot: true,
      tags: { Name: `${prefix}-data`, Role: 'search' },
      lifecycle: { preventDestroy: protect },
    });
    new VolumeAttachment(this, 'DataVolumeAttachment', {
      deviceName: SOLR_DATA_DEVICE,
      volumeId: this.dataVolume.id,
      instanceId: this.resource.id,
      // Solr stops cleanly before the volume goes (e.g. when the instance is replaced).
      stopInstanceBeforeDetaching: true,
    });
  }

  /** Lets `grantee` upload the config set source (the app's setup step); needs `configSet`. */
  public grantConfigSourceWrite(grantee: IGrantable): void {
    if (!this.configBucket) return;
    grantee.grantPrincipal.addToPolicy({
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: `${this.configBucket.bucketArn}/${CONFIG_SOURCE_KEY}`,
    });
  }
}
