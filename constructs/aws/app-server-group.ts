/**
 * AppServerGroup: the auto-scaled app tier, each host serving web traffic and running queue workers.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Construct } from 'constructs';
import { Fn, ITerraformDependable } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { IAppServerGroup } from '../core/roles';
import { validate, type ValidationRule } from '../core/validation-error';
import { base64UserData, encryptedRootMapping, IMDSV2_ONLY } from './private/hardened-host';
import type { HostWorkload } from './host-workload';
import type { IEncryptionKey } from './encryption-key';
import { InstanceRole, IGrantable } from './instance-role';
import type { LoadBalancerTarget } from './load-balancer-target';
import type { LogShipping } from './log-shipping';
import type { IAwsNetwork } from './network';
import { launchBeforeTerminate } from './private/launch-before-terminate';
import { renderCloudConfig } from './private/user-data';
import { SecurityGroup } from './security-group';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';

/** Amazon Linux 2023 (x86_64), resolved by EC2 at launch so plans need no API call. */
export const AL2023_X86_64_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** Properties of an {@link AppServerGroup}. */
export interface AppServerGroupProps {
  /** Network; hosts go into the private app subnets of every zone. */
  readonly network: IAwsNetwork;
  /** Load balancer target the hosts register with; the load balancer may reach the target port. */
  readonly target: LoadBalancerTarget;
  /**
   * What the hosts install and run.
   * @default - every field at its default: no packages beyond jq, no environment, boot commands
   * or services of the app; the app in /var/www/app, run by the user webapp
   */
  readonly workload?: HostWorkload;
  /**
   * Queue-consumer command each worker process runs (under systemd, restarted when it exits, so
   * time/memory limits in the command are fine).
   * @default - no worker processes
   */
  readonly workerCommand?: string;
  /**
   * Worker processes per host (0 to 16).
   * @default 2 when `workerCommand` is set, else 0
   */
  readonly workersPerHost?: number;
  /**
   * EC2 instance type.
   * @default 'm7i.large'
   */
  readonly instanceType?: string;
  /**
   * Fewest hosts; at least 2 so a zone or host loss keeps the site up.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Most hosts.
   * @default 6
   */
  readonly maxCapacity?: number;
  /**
   * Hosts at creation; later changes by scaling are not reverted by Terraform.
   * @default - `minCapacity`
   */
  readonly desiredCapacity?: number;
  /**
   * Average CPU utilisation the group scales to, in percent (10 to 90).
   * @default 60
   */
  readonly cpuTargetPercent?: number;
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
   * Seconds a new host gets before load-balancer health checks count, and the warm-up of an
   * instance refresh: at least the whole first boot (package update and installs, a phpredis build
   * with pecl, the release download), or the group replaces hosts that are still booting.
   * @default 900
   */
  readonly healthCheckGraceSec?: number;
  /**
   * Log shipping to install on the hosts.
   * @default - no log agent
   */
  readonly logShipping?: LogShipping;
  /**
   * What must exist before the first hosts boot (in the same stack), e.g. the database's writer
   * instance and the EFS mount targets.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Customer-managed KMS key for the root volumes (its key policy must let the Auto Scaling service-linked role use it, as EncryptionKey's does); the hosts may also use it for the secrets and objects they read and write.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** Default of {@link AppServerGroupProps.healthCheckGraceSec}. */
export const APP_BOOT_GRACE_SEC = 900;

/**
 * Launch template (IMDSv2 only, hop limit 1, encrypted gp3 root, instance profile with Session
 * Manager and CloudWatch agent, cloud-init that writes the app environment, fetches secrets at boot
 * and starts the web services and worker units) and an Auto Scaling group over the app subnets of
 * every zone with ELB health checks, target tracking on CPU, and rolling instance refresh whenever
 * the template changes, launching each replacement before its predecessor terminates (capacity
 * never drops below the desired count). The group follows the template's latest version number, never `$Latest`.
 *
 * @resource aws_autoscaling_group
 */
export class AppServerGroup extends Construct implements IAppServerGroup, IGrantable {
  /** The Auto Scaling group. */
  public readonly resource: AutoscalingGroup;
  /** The launch template. */
  public readonly launchTemplate: LaunchTemplate;
  /** Security group of the hosts. */
  public readonly connections: IConnections;
  /** Role of the hosts; grant storage, secrets and logs to it. */
  public readonly grantPrincipal: InstanceRole;
  /** Group name. @attribute */
  public readonly groupName: string;
  /** Resolved sizes. */
  public readonly instanceType: string;
  public readonly minCapacity: number;
  public readonly maxCapacity: number;
  public readonly workersPerHost: number;

  constructor(scope: Construct, id: string, props: AppServerGroupProps) {
    super(scope, id);
    const net = props.network;
    this.instanceType = props.instanceType ?? 'm7i.large';
    this.minCapacity = props.minCapacity ?? 2;
    this.maxCapacity = props.maxCapacity ?? 6;
    const desired = props.desiredCapacity ?? this.minCapacity;
    this.workersPerHost = props.workersPerHost ?? (props.workerCommand ? 2 : 0);
    const cpu = props.cpuTargetPercent ?? 60;
    const rootGiB = props.rootVolumeSizeGiB ?? 30;
    const grace = props.healthCheckGraceSec ?? APP_BOOT_GRACE_SEC;
    const { instanceType, minCapacity, maxCapacity, workersPerHost } = this;
    validate(this, sizeRules({ region: net.region, instanceType, minCapacity, maxCapacity, desired, workersPerHost, workerCommand: props.workerCommand, cpu, rootGiB, grace }));
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;

    const sg = new SecurityGroup(this, 'SecurityGroup', {
      network: net,
      description: `App hosts of ${net.namePrefix}`,
      defaultPort: Port.tcp(props.target.port),
    });
    this.connections = sg;
    sg.allowFrom(props.target.loadBalancer, Port.tcp(props.target.port), 'HTTP from the load balancer');
    sg.allowTo(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs and OS package repositories');

    this.grantPrincipal = new InstanceRole(this, 'Role', { namePrefix: prefix });
    props.encryptionKey?.grantEncryptDecrypt(this);
    props.logShipping?.grantShipping(this);

    const userData = appHostUserData(net.region, props.workload ?? {}, props.logShipping?.userDataCommands() ?? [], this.workersPerHost, props.workerCommand);

    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      namePrefix: `${prefix}-`,
      description: `App hosts of ${net.namePrefix}`,
      imageId: `resolve:ssm:${props.imageParameter ?? AL2023_X86_64_PARAMETER}`,
      instanceType: this.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: this.grantPrincipal.instanceProfile.arn },
      vpcSecurityGroupIds: [sg.securityGroupId],
      metadataOptions: IMDSV2_ONLY,
      blockDeviceMappings: [encryptedRootMapping(rootGiB, props.encryptionKey)],
      monitoring: { enabled: true },
      userData: base64UserData(this, userData),
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: prefix, Role: 'app' } },
        { resourceType: 'volume', tags: { Name: prefix, Role: 'app' } },
      ],
    });

    this.resource = new AutoscalingGroup(this, 'Resource', {
      namePrefix: `${prefix}-`,
      minSize: this.minCapacity,
      maxSize: this.maxCapacity,
      desiredCapacity: desired,
      vpcZoneIdentifier: [...net.appSubnetIds],
      targetGroupArns: [props.target.targetGroupArn],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: grace,
      launchTemplate: { id: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) },
      ...launchBeforeTerminate(grace),
      enabledMetrics: ['GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupMinSize', 'GroupMaxSize', 'GroupTotalInstances'],
      tag: [{ key: 'Name', value: prefix, propagateAtLaunch: true }],
      lifecycle: { ignoreChanges: ['desired_capacity'] },
      ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: props.dependsOn } : {}),
    });
    this.groupName = this.resource.name;

    new AutoscalingPolicy(this, 'CpuTargetTracking', {
      name: `${prefix}-cpu-target`,
      autoscalingGroupName: this.resource.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: cpu,
      },
    });
  }
}

/** The app hosts' cloud-config: the workload, the log agent, and `workersPerHost` instances of the worker unit. */
function appHostUserData(region: string, workload: HostWorkload, logShippingCommands: readonly string[], workersPerHost: number, workerCommand: string | undefined): string {
  return renderCloudConfig({
    region,
    runAsUser: workload.runAsUser ?? 'webapp',
    appDirectory: workload.appDirectory ?? '/var/www/app',
    packages: ['jq', ...(workload.packages ?? [])],
    environment: workload.environment ?? {},
    secretEnvironment: workload.secretEnvironment ?? {},
    bootCommands: [...logShippingCommands, ...(workload.bootCommands ?? [])],
    systemServices: workload.systemServices ?? [],
    requiredMounts: workload.requiredMounts,
    release: workload.release,
    units:
      workersPerHost > 0
        ? [
            {
              name: 'webcluster-worker@',
              description: 'Queue worker %i',
              command: workerCommand as string,
              type: 'simple',
              instances: workersPerHost,
            },
          ]
        : [],
  });
}

/** The sizes of an AppServerGroup, with their defaults applied. */
interface SizeInput {
  readonly region: string;
  readonly instanceType: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desired: number;
  readonly workersPerHost: number;
  readonly workerCommand: string | undefined;
  /** CPU target, in percent. */
  readonly cpu: number;
  readonly rootGiB: number;
  /** Health check grace period, in seconds. */
  readonly grace: number;
}

/** The validation rules of the sizes, in priority order. */
function sizeRules(input: SizeInput): ValidationRule[] {
  const { region, instanceType, minCapacity, maxCapacity, desired, workersPerHost, workerCommand, cpu, rootGiB, grace } = input;
  return [
    {
      failed: instanceTypeProblem(instanceType, 'ec2') !== undefined,
      message: () =>
        `instanceType: got '${instanceType}' (${instanceTypeProblem(instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${region}, e.g. m7i.large`,
    },
    {
      failed: !Number.isInteger(minCapacity) || minCapacity < 2,
      message: () => `minCapacity: got ${minCapacity}; allowed: an integer >= 2 (one host is a single point of failure); fix: set minCapacity to 2 or more`,
    },
    {
      failed: !Number.isInteger(maxCapacity) || maxCapacity < minCapacity,
      message: () => `maxCapacity: got ${maxCapacity}; allowed: an integer >= minCapacity (${minCapacity}); fix: raise maxCapacity`,
    },
    {
      failed: !Number.isInteger(desired) || desired < minCapacity || desired > maxCapacity,
      message: () => `desiredCapacity: got ${desired}; allowed: ${minCapacity} to ${maxCapacity}; fix: pick a value between minCapacity and maxCapacity`,
    },
    {
      failed: !Number.isInteger(workersPerHost) || workersPerHost < 0 || workersPerHost > 16,
      message: () => `workersPerHost: got ${workersPerHost}; allowed: 0 to 16; fix: pick a value in range`,
    },
    {
      failed: workersPerHost > 0 && !workerCommand,
      message: () => `workersPerHost: got ${workersPerHost} without a workerCommand; allowed: workers only with a command; fix: set workerCommand or workersPerHost: 0`,
    },
    {
      failed: !(cpu >= 10 && cpu <= 90),
      message: () => `cpuTargetPercent: got ${cpu}; allowed: 10 to 90; fix: pick a value in range`,
    },
    {
      failed: !Number.isInteger(rootGiB) || rootGiB < 8 || rootGiB > 16384,
      message: () => `rootVolumeSizeGiB: got ${rootGiB}; allowed: 8 to 16384; fix: pick a value in range`,
    },
    {
      failed: !Number.isInteger(grace) || grace < 60 || grace > 7200,
      message: () => `healthCheckGraceSec: got ${grace}; allowed: 60 to 7200; fix: use the seconds a host needs from launch to serving, e.g. ${APP_BOOT_GRACE_SEC}`,
    },
  ];
}
