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
import { validate } from '../core/validation-error';
import { base64UserData, encryptedRootVolume, imageIdFromParameter, IMDSV2_ONLY } from './private/hardened-host';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import type { IEncryptionKey } from './encryption-key';
import { InstanceRole, IGrantable } from './instance-role';
import type { IAwsNetwork } from './network';
import { renderServiceHostConfig, systemdUnit } from './private/service-host';
import { SecureBucket } from './secure-bucket';
import { SecurityGroup } from './security-group';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';

/** Object key of the config set source in the config bucket. */
const CONFIG_SOURCE_KEY = 'config-source.tar.gz';
/** Where the data volume is mounted (Solr home, logs and index). */
const SOLR_VAR = '/var/solr';
/** Device name of the data volume (Amazon Linux links the NVMe device to it). */
const DATA_DEVICE = '/dev/sdf';

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
    const major = Number(this.solrVersion.split('.')[0]);
    validate(this, [
      {
        failed: !/^\d+\.\d+\.\d+$/.test(this.solrVersion) || (major !== 8 && major !== 9),
        message: () => `solrVersion: got '${this.solrVersion}'; allowed: a Solr 8.x or 9.x release such as 9.7.0; fix: use a version listed on archive.apache.org/dist/solr`,
      },
      {
        failed: !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(this.coreName),
        message: () => `coreName: got '${this.coreName}'; allowed: letters, digits, '_' and '-', starting with a letter; fix: use e.g. 'collection1'`,
      },
      {
        failed: props.configSet !== undefined && (props.configSet.prepareCommand.trim() === '' || /\$\{|%\{/.test(props.configSet.prepareCommand)),
        message: () =>
          `configSet.prepareCommand: got '${props.configSet?.prepareCommand}'; allowed: a non-empty shell command without '\${' or '%{' (Terraform template syntax); fix: write $VAR instead of \${VAR}`,
      },
      {
        failed: !Number.isInteger(this.port) || this.port < 1024 || this.port > 65535,
        message: () => `port: got ${this.port}; allowed: 1024 to 65535 (Solr runs unprivileged); fix: use 8983`,
      },
      {
        failed: instanceTypeProblem(this.instanceType, 'ec2') !== undefined,
        message: () =>
          `instanceType: got '${this.instanceType}' (${instanceTypeProblem(this.instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${net.region}, e.g. m7i.large`,
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

    const userData = renderServiceHostConfig({
      region: net.region,
      packages: ['java-17-amazon-corretto-headless', 'xfsprogs'],
      files: [
        { path: '/usr/local/sbin/webcluster-install-solr', permissions: '0750', content: installScript(this.solrVersion) },
        { path: '/etc/systemd/system/solr.service', permissions: '0644', content: solrUnit(this.port, heap) },
        { path: '/usr/local/bin/webcluster-solr-core', permissions: '0755', content: coreScript(this.coreName, this.port, this.configSourceUri, props.configSet?.prepareCommand) },
        {
          path: '/etc/systemd/system/webcluster-solr-core.service',
          permissions: '0644',
          content: systemdUnit({
            unit: [`Description=Create the Solr core ${this.coreName} once`, 'After=solr.service', 'Requires=solr.service'],
            service: [
              'Type=oneshot',
              'User=solr',
              // The AWS CLI of the script needs the region.
              `Environment=AWS_DEFAULT_REGION=${net.region}`,
              'ExecStart=/usr/local/bin/webcluster-solr-core',
              'RemainAfterExit=yes',
              'Restart=on-failure',
              'RestartSec=60',
            ],
          }),
        },
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
      deviceName: DATA_DEVICE,
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

/** The Apache archive URL of a release (Solr moved out of the Lucene tree with 9.0). */
function releaseUrl(version: string): string {
  return Number(version.split('.')[0]) >= 9
    ? `https://archive.apache.org/dist/solr/solr/${version}/solr-${version}.tgz`
    : `https://archive.apache.org/dist/lucene/solr/${version}/solr-${version}.tgz`;
}

/** Installs the release, creates the solr user and mounts the data volume (root, idempotent). */
function installScript(version: string): string {
  const url = releaseUrl(version);
  return [
    '#!/bin/bash',
    '# Installs Solr from the Apache archive and puts its home on the data volume.',
    'set -euo pipefail',
    `if [ ! -x /opt/solr-${version}/bin/solr ]; then`,
    `  curl -fsSL --retry 5 -o /tmp/solr.tgz '${url}'`,
    `  curl -fsSL --retry 5 -o /tmp/solr.tgz.sha512 '${url}.sha512'`,
    '  echo "$(cut -d " " -f 1 /tmp/solr.tgz.sha512)  /tmp/solr.tgz" | sha512sum -c -',
    '  tar -xzf /tmp/solr.tgz -C /opt',
    '  rm -f /tmp/solr.tgz /tmp/solr.tgz.sha512',
    'fi',
    `ln -sfn /opt/solr-${version} /opt/solr`,
    `id -u solr >/dev/null 2>&1 || useradd --system --home-dir ${SOLR_VAR} --shell /sbin/nologin solr`,
    '# The data volume is attached after the instance starts: wait for it, format it once.',
    `for _ in $(seq 1 120); do [ -e ${DATA_DEVICE} ] && break; sleep 5; done`,
    `blkid ${DATA_DEVICE} >/dev/null || mkfs.xfs ${DATA_DEVICE}`,
    `install -d ${SOLR_VAR}`,
    `grep -qs ' ${SOLR_VAR} ' /etc/fstab || echo "UUID=$(blkid -s UUID -o value ${DATA_DEVICE}) ${SOLR_VAR} xfs defaults,nofail 0 2" >> /etc/fstab`,
    `mountpoint -q ${SOLR_VAR} || mount ${SOLR_VAR}`,
    `chown solr:solr ${SOLR_VAR}`,
    `install -d -o solr -g solr ${SOLR_VAR}/data ${SOLR_VAR}/logs`,
    `[ -f ${SOLR_VAR}/data/solr.xml ] || install -o solr -g solr -m 0644 /opt/solr/server/solr/solr.xml ${SOLR_VAR}/data/solr.xml`,
    '',
  ].join('\n');
}

/** Solr in the foreground under systemd, on every address, with its home on the data volume. */
function solrUnit(port: number, heap: string): string {
  return systemdUnit({
    unit: ['Description=Apache Solr', 'After=network-online.target', 'Wants=network-online.target', `RequiresMountsFor=${SOLR_VAR}`],
    service: [
      'Type=simple',
      'User=solr',
      `Environment=SOLR_HOME=${SOLR_VAR}/data`,
      `Environment=SOLR_LOGS_DIR=${SOLR_VAR}/logs`,
      `Environment=SOLR_PID_DIR=${SOLR_VAR}`,
      `Environment=SOLR_HEAP=${heap}`,
      // Solr 9 listens on 127.0.0.1 unless told otherwise; the security group limits who gets in.
      'Environment=SOLR_JETTY_HOST=0.0.0.0',
      `ExecStart=/opt/solr/bin/solr start -f -p ${port}`,
      'Restart=always',
      'RestartSec=10',
      'LimitNOFILE=65000',
      'LimitNPROC=65000',
    ],
  });
}

/** Creates the core once, from the published source or from `_default` (runs as solr). */
function coreScript(core: string, port: number, sourceUri: string | undefined, prepareCommand: string | undefined): string {
  const base = `http://127.0.0.1:${port}/solr`;
  const conf =
    sourceUri !== undefined && prepareCommand !== undefined
      ? [
          `echo "waiting for ${sourceUri} (uploaded by the app's setup step)"`,
          `until aws s3 cp --only-show-errors '${sourceUri}' "$work/source.tar.gz" 2>/dev/null; do sleep 30; done`,
          'mkdir "$work/source"',
          'tar -xzf "$work/source.tar.gz" -C "$work/source"',
          'export CONFIG_SET_DIR="$work/configset"',
          `(cd "$work/source" && ${prepareCommand})`,
          'conf="$CONFIG_SET_DIR/conf"',
        ]
      : ['conf=/opt/solr/server/solr/configsets/_default/conf'];
  return [
    '#!/bin/bash',
    `# Creates the Solr core ${core} once; later boots find it on the data volume.`,
    'set -euo pipefail',
    `core=${core}`,
    `home=${SOLR_VAR}/data`,
    '[ -f "$home/$core/core.properties" ] && exit 0',
    `until curl -fsS -o /dev/null '${base}/admin/info/system'; do sleep 5; done`,
    'work=$(mktemp -d)',
    'trap \'rm -rf "$work"\' EXIT',
    ...conf,
    'instance="$home/$core"',
    'rm -rf "$instance"',
    'mkdir -p "$instance"',
    'cp -r "$conf" "$instance/conf"',
    `curl -fsS -o /dev/null '${base}/admin/cores?action=CREATE&name=${core}&instanceDir=${core}'`,
    '',
  ].join('\n');
}
