/**
 * HttpCache (AWS): a Varnish tier between the internet-facing load balancer and the app hosts, with
 * purges allowed only from the app networks.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';
import { Fn, Token } from '../core/cdktf';
import { isIpv4Cidr } from '../core/cidr';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { IHttpCache } from '../core/roles';
import { validate } from '../core/validation-error';
import { renderVarnishVcl, VARNISH_CONTAINER_PORT, VARNISH_HEALTH_PATH } from '../core/vcl';
import { imageRefProblem } from '../core/image-ref';
import { base64UserData, encryptedRootMapping, IMDSV2_ONLY } from './private/hardened-host';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import { InstanceRole, IGrantable } from './instance-role';
import type { LoadBalancerTarget } from './load-balancer';
import type { IAwsNetwork } from './network';
import { renderServiceHostConfig, systemdUnit } from './private/service-host';
import { SecurityGroup } from './security-group';
import type { IEncryptionKey } from './encryption-key';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';

/**
 * Default Varnish image: the official image (which ships varnish-modules with xkey, and vmod_dynamic)
 * through its ECR Public mirror, so cache nodes behind NAT do not hit Docker Hub's pull limits.
 */
export const DEFAULT_AWS_VARNISH_IMAGE = 'public.ecr.aws/docker/library/varnish:7.6.1';

/** Instance tag (read through instance metadata) that tells a cache node its number. */
const NODE_TAG = 'VarnishNode';

/**
 * Seconds a new node gets before its load balancer health check counts (the groups' grace period
 * and the instance warmup of refreshes): boot, Docker install, registering its name (retried for
 * up to 5 minutes while Route 53 settles) and the image pull.
 */
const NODE_BOOT_SEC = 600;

/** Properties of an {@link HttpCache}. */
export interface HttpCacheProps {
  /** Network; cache nodes and the internal load balancer to the app go into its app subnets. */
  readonly network: IAwsNetwork;
  /**
   * Load balancer target the cache nodes register with (usually the ALB's default target); Varnish
   * serves on its port, and its load balancer may reach that port. Its health check must request
   * {@link VARNISH_HEALTH_PATH}, which Varnish answers itself: the node groups act on the target's
   * health checks, and a check through Varnish to the app would replace every cache node while
   * the app is down.
   */
  readonly target: LoadBalancerTarget;
  /**
   * Port the app hosts' web server listens on.
   * @default 80
   */
  readonly appPort?: number;
  /**
   * HTTP path answering 200 on a healthy app host (health check of the internal load balancer, the
   * one that checks the app).
   * @default '/'
   */
  readonly appHealthCheckPath?: string;
  /**
   * Cache nodes, 2 to 10, placed round-robin over the zones' app subnets.
   * @default - one per zone
   */
  readonly nodes?: number;
  /**
   * Address blocks allowed to invalidate the cache (PURGE, PURGEKEYS, BAN): the `acl invalidators`
   * of the VCL.
   * @default - the CIDR blocks of the network's app subnets (read with `aws_subnet` data sources)
   */
  readonly invalidatorCidrs?: string[];
  /**
   * Varnish image (pinned; it must provide the xkey and dynamic vmods).
   * @default DEFAULT_AWS_VARNISH_IMAGE
   */
  readonly image?: string;
  /**
   * EC2 instance type of the cache nodes.
   * @default 'm7i.large'
   */
  readonly instanceType?: string;
  /**
   * Memory for cached objects on each node, in MiB (Varnish `malloc` storage); leave room for the OS.
   * @default 4096
   */
  readonly cacheSizeMiB?: number;
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
   * Protect the internal load balancer to the app against deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Customer-managed KMS key of the root volumes (its key policy must let the Auto Scaling service-linked role use it, as EncryptionKey's does).
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * The HTTP cache tier on AWS.
 *
 * - **Traffic**: the cache nodes register with `target` (the ALB's default target), so the ALB sends
 *   them every request no path rule takes. Varnish forwards misses to an **internal Network Load
 *   Balancer** over the app subnets, whose target group the app hosts register with
 *   ({@link appTarget}). An Auto Scaling group has no fixed addresses, so Varnish needs a stable
 *   name in front of the app; the NLB gives one, with its own health checks and connection draining
 *   during rolling refreshes, and VCL resolves it with vmod_dynamic. The NLB's TCP listener is not
 *   an HTTP listener, so it does not conflict with "HTTP only redirects" (WC-AWS-006); client
 *   addresses are not preserved, so the app hosts admit the NLB's security group only.
 * - **Nodes**: `nodes` Auto Scaling groups of exactly one instance each (self-healing, launch before
 *   terminate on refresh), over the app subnets round-robin. Purges must reach every node, and an
 *   Auto Scaling group of N gives no node a stable address, so each node has its own group and a
 *   stable name `node-<n>.<zone>` in a private hosted zone, which it points at itself at boot
 *   (`route53:ChangeResourceRecordSets` limited to its zone, A records, UPSERT and the node names).
 *   {@link purgeHosts} lists every node.
 * - **Hosts**: Amazon Linux 2023, IMDSv2 only (hop limit 1), encrypted gp3 root, SSM Session
 *   Manager role, no SSH. Varnish runs as a container of {@link DEFAULT_AWS_VARNISH_IMAGE} under
 *   systemd with the VCL our code renders ({@link vcl}); the hosts need outbound HTTPS (NAT) to
 *   pull it.
 * - **Health**: the target's health check requests {@link VARNISH_HEALTH_PATH}, which the VCL
 *   answers itself (synth 200) without asking the app, and the groups use ELB health checks, so a
 *   node whose Varnish is down or hung is replaced, while an app outage leaves the warm caches alone
 *   (Varnish serves stale pages in grace; the internal load balancer checks the app hosts). A new
 *   node gets 600 seconds (the grace period, and the warmup of instance refreshes) to install
 *   Docker, register its name and pull the image. The constructor refuses a target known to check
 *   another path.
 * - **Purge**: only from `invalidatorCidrs` (VCL `acl invalidators`, default the app subnets) and
 *   only from security groups granted with `connections.allowDefaultPortFrom(...)` (the ALB's
 *   security group reaches the port too, but its nodes live in the public subnets, outside the
 *   ACL, so purges sent through the ALB get 405).
 *
 * @resource aws_autoscaling_group
 */
export class HttpCache extends Construct implements IHttpCache, IGrantable {
  /** Security group of the cache nodes; the default port is the port Varnish serves on. */
  public readonly connections: SecurityGroup;
  /** Role of the cache nodes. */
  public readonly grantPrincipal: InstanceRole;
  /** Port Varnish serves on (the target's port). */
  public readonly port: number;
  /** Path the target's health check must request; Varnish answers it itself. */
  public readonly healthCheckPath: string = VARNISH_HEALTH_PATH;
  /** Stable DNS names of the cache nodes (`node-<n>.<zone>`), for purge requests. @attribute */
  public readonly purgeHosts: readonly string[];
  /** The internal load balancer's target group the app hosts register with. */
  public readonly appTarget: LoadBalancerTarget;
  /** DNS name of the internal load balancer (Varnish's backend). @attribute */
  public readonly backendDnsName: string;
  /** The internal Network Load Balancer. */
  public readonly backendLoadBalancer: Lb;
  /** The private hosted zone of the node names. */
  public readonly zone: Route53Zone;
  /** Name of the private hosted zone. */
  public readonly zoneName: string;
  /** The launch template of every node. */
  public readonly launchTemplate: LaunchTemplate;
  /** One Auto Scaling group per node, in node order. */
  public readonly groups: readonly AutoscalingGroup[];
  /** The rendered VCL. */
  public readonly vcl: string;
  /** Resolved settings. */
  public readonly nodes: number;
  public readonly image: string;
  public readonly instanceType: string;
  public readonly cacheSizeMiB: number;
  public readonly invalidatorCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: HttpCacheProps) {
    super(scope, id);
    const net = props.network;
    const appPort = props.appPort ?? 80;
    const healthPath = props.appHealthCheckPath ?? '/';
    this.nodes = props.nodes ?? Math.max(2, net.availabilityZones.length);
    this.image = props.image ?? DEFAULT_AWS_VARNISH_IMAGE;
    this.instanceType = props.instanceType ?? 'm7i.large';
    this.cacheSizeMiB = props.cacheSizeMiB ?? 4096;
    this.port = props.target.port;
    const rootGiB = props.rootVolumeSizeGiB ?? 30;
    const imageProblem = imageRefProblem(this.image);
    const badCidr = (props.invalidatorCidrs ?? []).find((c) => !Token.isUnresolved(c) && !isIpv4Cidr(c));
    const targetHealthPath = props.target.healthCheckPath;
    validate(this, [
      {
        failed: targetHealthPath !== undefined && targetHealthPath !== VARNISH_HEALTH_PATH,
        message: () =>
          `target.healthCheckPath: got '${targetHealthPath}'; allowed: '${VARNISH_HEALTH_PATH}' (answered by Varnish itself; a check through it to the app would make the nodes' ELB health checks replace every cache node while the app is down); fix: give the load balancer target healthCheckPath '${VARNISH_HEALTH_PATH}'`,
      },
      {
        failed: !Number.isInteger(this.nodes) || this.nodes < 2 || this.nodes > 10,
        message: () => `nodes: got ${this.nodes}; allowed: an integer from 2 to 10; fix: run at least two cache nodes so one can fail`,
      },
      {
        failed: !Number.isInteger(appPort) || appPort < 1 || appPort > 65535,
        message: () => `appPort: got ${appPort}; allowed: 1 to 65535; fix: use the port the app hosts' web server listens on`,
      },
      {
        failed: !/^\/[A-Za-z0-9._~%/-]*$/.test(healthPath),
        message: () => `appHealthCheckPath: got '${healthPath}'; allowed: an absolute path of letters, digits and . _ ~ % / -; fix: start it with '/'`,
      },
      {
        failed: props.invalidatorCidrs !== undefined && props.invalidatorCidrs.length === 0,
        message: () => 'invalidatorCidrs: got []; allowed: one or more IPv4 CIDR blocks of the app nodes; fix: leave it out for the app subnets',
      },
      {
        failed: badCidr !== undefined,
        message: () => `invalidatorCidrs: got '${badCidr}'; allowed: IPv4 CIDR blocks with zero host bits; fix: write it like 10.0.16.0/20`,
      },
      {
        failed: imageProblem !== undefined,
        message: () => `image: got '${this.image}' (${imageProblem}); allowed: an image pinned by tag or digest; fix: use e.g. '${DEFAULT_AWS_VARNISH_IMAGE}'`,
      },
      {
        failed: instanceTypeProblem(this.instanceType, 'ec2') !== undefined,
        message: () =>
          `instanceType: got '${this.instanceType}' (${instanceTypeProblem(this.instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${net.region}, e.g. m7i.large`,
      },
      {
        failed: !Number.isInteger(this.cacheSizeMiB) || this.cacheSizeMiB < 64 || this.cacheSizeMiB > 1048576,
        message: () => `cacheSizeMiB: got ${this.cacheSizeMiB}; allowed: an integer from 64 to 1048576; fix: use about 3/4 of the instance memory, e.g. 4096 on m7i.large`,
      },
      {
        failed: !Number.isInteger(rootGiB) || rootGiB < 8 || rootGiB > 16384,
        message: () => `rootVolumeSizeGiB: got ${rootGiB}; allowed: 8 to 16384; fix: pick a value in range`,
      },
    ]);
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;

    this.connections = new SecurityGroup(this, 'SecurityGroup', {
      network: net,
      description: `HTTP cache (Varnish) nodes of ${net.namePrefix}`,
      defaultPort: Port.tcp(this.port),
    });
    this.connections.allowFrom(props.target.loadBalancer, Port.tcp(this.port), 'HTTP from the load balancer');
    this.connections.allowTo(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs, the image registry and OS package repositories');

    // The internal load balancer Varnish forwards to; the app hosts register with its target group.
    const backend = new Construct(this, 'Backend');
    const backendSg = new SecurityGroup(backend, 'SecurityGroup', {
      network: net,
      description: `Internal load balancer from the HTTP cache to the app hosts of ${net.namePrefix}`,
      defaultPort: Port.tcp(appPort),
    });
    backendSg.allowFrom(this.connections, Port.tcp(appPort), 'HTTP from the cache nodes');
    this.backendLoadBalancer = new Lb(backend, 'Resource', {
      namePrefix: 'wc-',
      loadBalancerType: 'network',
      internal: true,
      subnets: [...net.appSubnetIds],
      securityGroups: [backendSg.securityGroupId],
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      tags: { Name: `${prefix}-backend` },
    });
    this.backendDnsName = this.backendLoadBalancer.dnsName;
    const appTargetGroup = new LbTargetGroup(backend, 'TargetGroup', {
      namePrefix: 'wc-',
      port: appPort,
      protocol: 'TCP',
      targetType: 'instance',
      vpcId: net.vpcId,
      // The app hosts then see the load balancer's address and admit its security group only.
      preserveClientIp: 'false',
      deregistrationDelay: '60',
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        path: healthPath,
        matcher: '200',
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      lifecycle: { createBeforeDestroy: true },
    });
    new LbListener(backend, 'Listener', {
      loadBalancerArn: this.backendLoadBalancer.arn,
      port: appPort,
      protocol: 'TCP',
      defaultAction: [{ type: 'forward', targetGroupArn: appTargetGroup.arn }],
    });
    this.appTarget = { loadBalancer: backendSg, targetGroupArn: appTargetGroup.arn, port: appPort, healthCheckPath: healthPath };

    // Stable names of the nodes, each pointed at its instance by the node itself.
    this.zoneName = `httpcache.${net.namePrefix}.internal`;
    this.zone = new Route53Zone(this, 'NodeZone', {
      name: this.zoneName,
      comment: `Names of the HTTP cache nodes of ${net.namePrefix} (records written by the nodes at boot)`,
      vpc: [{ vpcId: net.vpcId }],
      // The records belong to the nodes, not to Terraform; they hold nothing worth keeping.
      forceDestroy: true,
    });
    const names = Array.from({ length: this.nodes }, (_, i) => `node-${i + 1}.${this.zoneName}`);
    this.purgeHosts = names;

    this.grantPrincipal = new InstanceRole(this, 'Role', { namePrefix: prefix });
    this.grantPrincipal.addToPolicy({
      Sid: 'RegisterNodeName',
      Effect: 'Allow',
      Action: 'route53:ChangeResourceRecordSets',
      Resource: this.zone.arn,
      Condition: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': names,
          'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
        },
      },
    });

    this.invalidatorCidrs =
      props.invalidatorCidrs ?? net.appSubnetIds.map((subnetId, i) => new DataAwsSubnet(this, `AppSubnet${i + 1}`, { id: subnetId }).cidrBlock);
    this.vcl = renderVarnishVcl({
      owner: this.node.path,
      backendHost: this.backendDnsName,
      backendPort: appPort,
      invalidatorCidrs: this.invalidatorCidrs,
    });

    const userData = renderServiceHostConfig({
      region: net.region,
      packages: ['docker'],
      files: [
        { path: '/etc/varnish/default.vcl', permissions: '0644', content: this.vcl },
        { path: '/usr/local/sbin/webcluster-register-node', permissions: '0750', content: registerScript(this.zoneName, this.zone.zoneId) },
        { path: '/etc/systemd/system/varnish.service', permissions: '0644', content: varnishUnit(this.image, this.port, this.cacheSizeMiB) },
      ],
      commands: ['systemctl enable --now docker', '/usr/local/sbin/webcluster-register-node', 'systemctl daemon-reload', 'systemctl enable --now varnish.service'],
    });

    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      namePrefix: `${prefix}-`,
      description: `HTTP cache nodes of ${net.namePrefix}`,
      imageId: `resolve:ssm:${props.imageParameter ?? AL2023_X86_64_PARAMETER}`,
      instanceType: this.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: this.grantPrincipal.instanceProfile.arn },
      vpcSecurityGroupIds: [this.connections.securityGroupId],
      // The node reads its number from its tags.
      metadataOptions: IMDSV2_ONLY,
      blockDeviceMappings: [encryptedRootMapping(rootGiB, props.encryptionKey)],
      monitoring: { enabled: true },
      userData: base64UserData(this, userData),
      tagSpecifications: [
        { resourceType: 'instance', tags: { Role: 'http-cache' } },
        { resourceType: 'volume', tags: { Name: prefix, Role: 'http-cache' } },
      ],
    });

    const subnets = net.appSubnetIds;
    this.groups = names.map((_, i) => {
      const node = new Construct(this, `Node${i + 1}`);
      return new AutoscalingGroup(node, 'Resource', {
        namePrefix: `${prefix}-${i + 1}-`,
        minSize: 1,
        maxSize: 1,
        desiredCapacity: 1,
        vpcZoneIdentifier: [subnets[i % subnets.length]],
        targetGroupArns: [props.target.targetGroupArn],
        healthCheckType: 'ELB',
        healthCheckGracePeriod: NODE_BOOT_SEC,
        launchTemplate: { id: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) },
        // A replacement starts, registers its name and warms up before the old node goes.
        instanceMaintenancePolicy: { minHealthyPercentage: 100, maxHealthyPercentage: 200 },
        instanceRefresh: {
          strategy: 'Rolling',
          preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: String(NODE_BOOT_SEC), autoRollback: true },
        },
        tag: [
          { key: 'Name', value: `${prefix}-${i + 1}`, propagateAtLaunch: true },
          { key: NODE_TAG, value: String(i + 1), propagateAtLaunch: true },
        ],
      });
    });
  }
}

/** Points `node-<n>.<zone>` at this instance (n from the instance's tag), retrying while Route 53 settles. */
function registerScript(zoneName: string, zoneId: string): string {
  return [
    '#!/bin/bash',
    '# Points this cache node\'s stable name at its private address, so the app can purge every node by name.',
    'set -euo pipefail',
    'token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" http://169.254.169.254/latest/api/token)',
    'imds() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"; }',
    `node=$(imds tags/instance/${NODE_TAG})`,
    'address=$(imds local-ipv4)',
    `name="node-$node.${zoneName}"`,
    'batch=$(printf \'{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"%s","Type":"A","TTL":30,"ResourceRecords":[{"Value":"%s"}]}}]}\' "$name" "$address")',
    'for _ in $(seq 1 30); do',
    `  if aws route53 change-resource-record-sets --hosted-zone-id '${zoneId}' --change-batch "$batch" >/dev/null; then exit 0; fi`,
    '  sleep 10',
    'done',
    'echo "could not register $name" >&2',
    'exit 1',
    '',
  ].join('\n');
}

/** Varnish as a container under systemd, publishing the container port on the target port. */
function varnishUnit(image: string, hostPort: number, cacheSizeMiB: number): string {
  return systemdUnit({
    unit: ['Description=Varnish HTTP cache (container)', 'After=docker.service network-online.target', 'Requires=docker.service', 'Wants=network-online.target'],
    service: [
      'ExecStartPre=-/usr/bin/docker rm -f varnish',
      // Published through the engine's DNAT, so Varnish sees the real client addresses (the VCL ACL needs them).
      `ExecStart=/usr/bin/docker run --rm --name varnish --publish ${hostPort}:${VARNISH_CONTAINER_PORT} --ulimit nofile=131072:131072 ` +
        `--volume /etc/varnish/default.vcl:/etc/varnish/default.vcl:ro --entrypoint varnishd ${image} ` +
        `-F -a :${VARNISH_CONTAINER_PORT} -f /etc/varnish/default.vcl -s malloc,${cacheSizeMiB}m`,
      'ExecStop=/usr/bin/docker stop varnish',
      'Restart=always',
      'RestartSec=5',
      // The first start pulls the image.
      'TimeoutStartSec=600',
    ],
  });
}
