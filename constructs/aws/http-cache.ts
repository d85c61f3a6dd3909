/**
 * HttpCache (AWS): a Varnish tier between the internet-facing load balancer and the app hosts, with
 * purges allowed only from the app networks.
 */
import type { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { Lb } from '@cdktf/provider-aws/lib/lb';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { IHttpCache } from '../core/roles';
import { renderVarnishVcl, VARNISH_HEALTH_PATH } from '../core/vcl';
import { encryptedRootMapping, base64UserData, IMDSV2_ONLY } from './private/hardened-host';
import { AL2023_X86_64_PARAMETER } from './app-server-group';
import { InstanceRole, IGrantable } from './instance-role';
import type { LoadBalancerTarget } from './load-balancer';
import type { IAwsNetwork } from './network';
import { createCacheBackend } from './private/cache-backend';
import { cacheNodeConfig, DEFAULT_AWS_VARNISH_IMAGE } from './private/cache-node-host';
import { createNodeGroups } from './private/cache-node-groups';
import { validateHttpCache } from './private/http-cache-rules';
import { SecurityGroup } from './security-group';
import type { IEncryptionKey } from './encryption-key';

export { DEFAULT_AWS_VARNISH_IMAGE };


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
    validateHttpCache(this, {
      network: net,
      invalidatorCidrs: props.invalidatorCidrs,
      targetHealthPath: props.target.healthCheckPath,
      nodes: this.nodes,
      appPort,
      healthPath,
      image: this.image,
      instanceType: this.instanceType,
      cacheSizeMiB: this.cacheSizeMiB,
      rootGiB,
    });
    const prefix = `${net.namePrefix}-${id.toLowerCase()}`;

    this.connections = new SecurityGroup(this, 'SecurityGroup', {
      network: net,
      description: `HTTP cache (Varnish) nodes of ${net.namePrefix}`,
      defaultPort: Port.tcp(this.port),
    });
    this.connections.allowFrom(props.target.loadBalancer, Port.tcp(this.port), 'HTTP from the load balancer');
    this.connections.allowTo(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs, the image registry and OS package repositories');

    // The internal load balancer Varnish forwards to; the app hosts register with its target group.
    const backend = createCacheBackend(this, {
      network: net,
      prefix,
      cacheNodes: this.connections,
      appPort,
      healthPath,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.backendLoadBalancer = backend.loadBalancer;
    this.backendDnsName = this.backendLoadBalancer.dnsName;
    this.appTarget = backend.appTarget;

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

    const userData = cacheNodeConfig({
      region: net.region,
      vcl: this.vcl,
      zoneName: this.zoneName,
      zoneId: this.zone.zoneId,
      image: this.image,
      port: this.port,
      cacheSizeMiB: this.cacheSizeMiB,
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

    this.groups = createNodeGroups(this, { prefix, subnetIds: net.appSubnetIds, nodes: this.nodes, targetGroupArn: props.target.targetGroupArn, launchTemplate: this.launchTemplate });
  }
}
