/**
 * AdminServer: the single admin host (jumphost) behind the /admin rule that runs deployments,
 * one-shot setup/migrations and the only scheduled-task runner of the cluster.
 */
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { Construct } from 'constructs';
import type { ITerraformDependable } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { IPeer, Peer } from '../core/peer';
import { Port } from '../core/port';
import type { IAdminServer } from '../core/roles';
import { validate, ValidationError } from '../core/validation-error';
import { adminUserData } from './private/admin-user-data';
import { base64UserData, encryptedRootVolume, imageIdFromParameter, IMDSV2_ONLY } from './private/hardened-host';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import type { HostWorkload, ProvisioningStep } from './host-workload';

export type { ProvisioningStep } from './host-workload';
import type { IEncryptionKey } from './encryption-key';
import { InstanceRole, IGrantable } from './instance-role';
import type { LoadBalancerTarget } from './load-balancer-target';
import type { LogShipping } from './log-shipping';
import type { IAwsNetwork } from './network';
import { SecurityGroup } from './security-group';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';
import { secretAccess } from './private/iam';

/** Properties of an {@link AdminServer}. */
export interface AdminServerProps {
  /** Network; the host goes into a private app subnet. */
  readonly network: IAwsNetwork;
  /**
   * What the host installs and runs (the same code as the app hosts).
   * @default - every field at its default: no packages beyond jq and openssl, no environment, boot commands
   * or services of the app; the app in /var/www/app, run by the user webapp
   */
  readonly workload?: HostWorkload;
  /**
   * Load balancer target (the `/admin` path rule) the host registers with.
   * @default - not behind the load balancer
   */
  readonly target?: LoadBalancerTarget;
  /**
   * One-shot setup/migration command run at every boot before the scheduler starts; must be
   * idempotent (e.g. Shopware's deployment helper).
   * @default - no setup step
   */
  readonly setupCommand?: string;
  /**
   * The cluster's only scheduled-task runner (long-running; restarted when it exits).
   * @default - no scheduler
   */
  readonly schedulerCommand?: string;
  /**
   * Secrets Manager secrets created without a value that this host fills once, at first boot,
   * with 32 random bytes in hex (e.g. the app secret every node shares).
   * @default []
   */
  readonly generatedSecretArns?: string[];
  /**
   * EC2 instance type.
   * @default 't3.medium'
   */
  readonly instanceType?: string;
  /**
   * Zone index (0-based) of the subnet the host runs in.
   * @default 0
   */
  readonly zoneIndex?: number;
  /**
   * Root volume size in GiB (gp3, encrypted).
   * @default 30
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * SSM public parameter holding the AMI id.
   * @default AL2023_X86_64_PARAMETER
   */
  readonly imageParameter?: string;
  /**
   * Log shipping to install on the host.
   * @default - no log agent
   */
  readonly logShipping?: LogShipping;
  /**
   * Steps run as root at every boot before the setup command, in order; the setup command and the
   * scheduler start only once they succeeded.
   * @default []
   */
  readonly provisioning?: ProvisioningStep[];
  /**
   * What must exist before the host boots (in the same stack), e.g. the database's writer instance
   * and the EFS mount targets its setup and mounts need.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Customer-managed KMS key for the root volume; the host may also use it for the secrets and objects it reads and writes.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * One EC2 instance in a private subnet, reached through SSM Session Manager (no public address,
 * no SSH unless {@link allowSshAccessFrom} is called), IMDSv2 only, encrypted root volume,
 * registered behind the `/admin` target, running the provisioning steps and the setup unit once per
 * boot (each retried while what it waits for is not there yet) and then the scheduler. EC2
 * auto-recovery moves it to healthy hardware on host failure; a change of its user data replaces it.
 *
 * @resource aws_instance
 */
export class AdminServer extends Construct implements IAdminServer, IGrantable {
  /** The instance. */
  public readonly resource: Instance;
  /** Security group of the host. */
  public readonly connections: IConnections;
  /** Role of the host. */
  public readonly grantPrincipal: InstanceRole;
  /** Instance id. @attribute */
  public readonly serverId: string;
  /** Private IP address. @attribute */
  public readonly privateIp: string;
  /** Resolved instance type. */
  public readonly instanceType: string;
  private readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: AdminServerProps) {
    super(scope, id);
    const net = props.network;
    this.instanceType = props.instanceType ?? 't3.medium';
    const zoneIndex = props.zoneIndex ?? 0;
    const rootGiB = props.rootVolumeSizeGiB ?? 30;
    validate(this, [
      {
        failed: instanceTypeProblem(this.instanceType, 'ec2') !== undefined,
        message: () =>
          `instanceType: got '${this.instanceType}' (${instanceTypeProblem(this.instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${net.region}, e.g. t3.medium`,
      },
      {
        failed: !Number.isInteger(zoneIndex) || zoneIndex < 0 || zoneIndex >= net.appSubnetIds.length,
        message: () => `zoneIndex: got ${zoneIndex}; allowed: 0 to ${net.appSubnetIds.length - 1}; fix: pick one of the network's zones`,
      },
      {
        failed: !Number.isInteger(rootGiB) || rootGiB < 8 || rootGiB > 16384,
        message: () => `rootVolumeSizeGiB: got ${rootGiB}; allowed: 8 to 16384; fix: pick a value in range`,
      },
    ]);
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      network: net,
      description: `Admin host of ${net.namePrefix}`,
      defaultPort: props.target ? Port.tcp(props.target.port) : undefined,
    });
    this.connections = this.securityGroup;
    this.securityGroup.allowTo(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs and OS package repositories');
    if (props.target) {
      this.securityGroup.allowFrom(props.target.loadBalancer, Port.tcp(props.target.port), 'HTTP /admin from the load balancer');
    }

    this.grantPrincipal = new InstanceRole(this, 'Role', { namePrefix: prefix });
    props.encryptionKey?.grantEncryptDecrypt(this);
    props.logShipping?.grantShipping(this);
    const generated = props.generatedSecretArns ?? [];
    if (generated.length > 0) {
      this.grantPrincipal.addToPolicy(secretAccess('GenerateSharedSecrets', generated, true));
    }

    const provisioning = props.provisioning ?? [];
    const badStep = provisioning.find((p) => !/^[a-z][a-z0-9-]{0,40}$/.test(p.name) || ['secrets', 'setup', 'scheduler'].includes(p.name));
    validate(this, [
      {
        failed: badStep !== undefined,
        message: () =>
          `provisioning.name: got '${badStep?.name}'; allowed: lowercase letters, digits and hyphens, not secrets, setup or scheduler; fix: name the step after what it does, e.g. 'database-user'`,
      },
    ]);
    const userData = adminUserData({
      region: net.region,
      workload: props.workload ?? {},
      provisioning,
      setupCommand: props.setupCommand,
      schedulerCommand: props.schedulerCommand,
      generatedSecretArns: generated,
      logShippingCommands: props.logShipping?.userDataCommands() ?? [],
    });

    const imageId = imageIdFromParameter(this, props.imageParameter ?? AL2023_X86_64_PARAMETER);
    this.resource = new Instance(this, 'Resource', {
      ami: imageId,
      instanceType: this.instanceType,
      subnetId: net.appSubnetIds[zoneIndex],
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
      iamInstanceProfile: this.grantPrincipal.instanceProfile.name,
      associatePublicIpAddress: false,
      monitoring: true,
      ebsOptimized: true,
      disableApiTermination: false,
      metadataOptions: IMDSV2_ONLY,
      maintenanceOptions: { autoRecovery: 'default' },
      rootBlockDevice: encryptedRootVolume(rootGiB, props.encryptionKey),
      userDataBase64: base64UserData(this, userData),
      // EC2 runs user data at first boot only, and the host keeps no data: a changed configuration
      // gets a fresh host that boots with it (setup and provisioning are idempotent).
      userDataReplaceOnChange: true,
      tags: { Name: prefix, Role: 'admin' },
      lifecycle: { ignoreChanges: ['ami'] },
      ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: props.dependsOn } : {}),
    });
    this.serverId = this.resource.id;
    this.privateIp = this.resource.privateIp;

    if (props.target) {
      new LbTargetGroupAttachment(this, 'TargetAttachment', {
        targetGroupArn: props.target.targetGroupArn,
        targetId: this.resource.id,
        port: props.target.port,
      });
    }
  }

  /**
   * Opens SSH (22/tcp) from one address block. Session Manager needs no open port; use this only
   * where SSH is required. The whole internet is refused.
   */
  public allowSshAccessFrom(peer: IPeer): void {
    if (peer.cidrIpv4 === '0.0.0.0/0' || Number(peer.cidrIpv4.split('/')[1]) < 16) {
      throw new ValidationError(
        `allowSshAccessFrom: got '${peer.cidrIpv4}'; allowed: a block of /16 or narrower; fix: use your office or VPN range, or Session Manager instead of SSH`,
        this,
      );
    }
    this.securityGroup.allowFrom(Peer.ipv4(peer.cidrIpv4), Port.tcp(22), 'SSH from an admin network');
  }
}
