/**
 * LoadBalancer: the internet-facing Application Load Balancer in front of the app and admin hosts.
 */
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Construct } from 'constructs';
import { isIpv4Cidr } from '../core/cidr';
import type { IConnections } from '../core/connections';
import { Peer } from '../core/peer';
import { Port } from '../core/port';
import type { ILoadBalancer } from '../core/roles';
import { validate } from '../core/validation-error';
import type { ListenerCertificate } from './listener-certificate';
import type { LoadBalancerTarget, PathTargetOptions, TargetOptions } from './load-balancer-target';
import type { IAwsNetwork } from './network';
import { accessLogBucket } from './private/load-balancer-access-logs';
import { listenerCertificateArn } from './private/load-balancer-certificate';
import { createTargetGroup, inRange } from './private/load-balancer-target-group';
import type { SecureBucket } from './secure-bucket';
import { SecurityGroup } from './security-group';

export { ListenerCertificate } from './listener-certificate';
export type { LoadBalancerTarget, PathTargetOptions, StickinessOptions, TargetOptions } from './load-balancer-target';

/** Properties of a {@link LoadBalancer}. */
export interface LoadBalancerProps {
  /** Network; the load balancer spans its public subnets. */
  readonly network: IAwsNetwork;
  /** Certificate of the HTTPS listener. */
  readonly certificate: ListenerCertificate;
  /**
   * Who may connect on 80 and 443.
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: string[];
  /**
   * The default (app) target that receives every request no path rule matches.
   * @default - port 80, health check '/', no stickiness
   */
  readonly appTarget?: TargetOptions;
  /**
   * TLS policy of the HTTPS listener. The default is a TLS 1.3 policy that still accepts TLS 1.2 with
   * forward-secret ciphers only, so API clients of ERP and payment systems keep working; set
   * `ELBSecurityPolicy-TLS13-1-3-2021-06` for TLS 1.3 only.
   * @default 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06'
   */
  readonly sslPolicy?: string;
  /**
   * Idle timeout in seconds (1 to 4000); raise it for WebSockets.
   * @default 60
   */
  readonly idleTimeoutSec?: number;
  /**
   * Time to let in-flight requests finish on a deregistering host, in seconds (0 to 3600).
   * @default 120
   */
  readonly deregistrationDelaySec?: number;
  /**
   * Protect the load balancer against deletion (AWS deletion protection) and its access-log bucket
   * against `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Days to keep access logs.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * ARN of a WAFv2 web ACL to associate.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
}

/**
 * An internet-facing ALB over the public subnets: HTTPS with a TLS 1.3 policy, 80 answering only
 * with a 301 to 443, invalid headers dropped, deletion protection, access logs in a dedicated
 * encrypted bucket, a default app target and path-routed targets added with {@link addPathTarget}.
 * Its security group admits 80/443 from `ingressCidrs` only; targets open their port to it.
 *
 * @resource aws_lb
 */
export class LoadBalancer extends Construct implements ILoadBalancer {
  /** The load balancer resource. */
  public readonly resource: Lb;
  /** Security group of the load balancer. */
  public readonly connections: IConnections;
  /** DNS name. @attribute */
  public readonly dnsName: string;
  /** Hosted zone id of the DNS name (for alias records). @attribute */
  public readonly zoneId: string;
  /** Load balancer ARN. @attribute */
  public readonly loadBalancerArn: string;
  /** The default target (app hosts). */
  public readonly appTarget: LoadBalancerTarget;
  /** The HTTPS listener. */
  public readonly httpsListener: LbListener;
  /** Bucket receiving access logs. */
  public readonly accessLogBucket: SecureBucket;
  /** Resolved defaults. */
  public readonly idleTimeoutSec: number;
  public readonly deregistrationDelaySec: number;
  public readonly sslPolicy: string;
  private readonly network: IAwsNetwork;
  private readonly securityGroup: SecurityGroup;
  private readonly priorities = new Set<number>();

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.network = props.network;
    const ingress = props.ingressCidrs ?? ['0.0.0.0/0'];
    this.idleTimeoutSec = props.idleTimeoutSec ?? 60;
    this.deregistrationDelaySec = props.deregistrationDelaySec ?? 120;
    this.sslPolicy = props.sslPolicy ?? 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06';
    const retention = props.accessLogRetentionDays ?? 90;
    validate(this, [
      {
        failed: ingress.length === 0,
        message: () => 'ingressCidrs: got []; allowed: one or more IPv4 CIDR blocks; fix: list who may reach the site, e.g. 0.0.0.0/0',
      },
      {
        failed: ingress.some((c) => !isIpv4Cidr(c)),
        message: () =>
          `ingressCidrs: got '${ingress.find((c) => !isIpv4Cidr(c))}'; allowed: IPv4 CIDR blocks with zero host bits; fix: write it like 203.0.113.0/24`,
      },
      {
        failed: !inRange(this.idleTimeoutSec, 1, 4000),
        message: () => `idleTimeoutSec: got ${this.idleTimeoutSec}; allowed: 1 to 4000; fix: pick a value in range (WebSockets: 3600)`,
      },
      {
        failed: !inRange(this.deregistrationDelaySec, 0, 3600),
        message: () => `deregistrationDelaySec: got ${this.deregistrationDelaySec}; allowed: 0 to 3600; fix: pick a value in range`,
      },
      {
        failed: !this.sslPolicy.startsWith('ELBSecurityPolicy-TLS13-'),
        message: () =>
          `sslPolicy: got '${this.sslPolicy}'; allowed: a TLS 1.3 policy (ELBSecurityPolicy-TLS13-*); fix: use ELBSecurityPolicy-TLS13-1-2-Res-2021-06 or ELBSecurityPolicy-TLS13-1-3-2021-06`,
      },
      {
        failed: !inRange(retention, 1, 3650),
        message: () => `accessLogRetentionDays: got ${retention}; allowed: 1 to 3650; fix: pick a value in range`,
      },
    ]);
    const prefix = props.network.namePrefix;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      network: props.network,
      description: `Load balancer of ${prefix}: HTTP/HTTPS from the allowed client networks`,
    });
    this.connections = this.securityGroup;
    for (const cidr of ingress) {
      this.securityGroup.allowFrom(Peer.ipv4(cidr), Port.tcp(443), 'HTTPS from clients');
      this.securityGroup.allowFrom(Peer.ipv4(cidr), Port.tcp(80), 'HTTP from clients (redirected to HTTPS)');
    }

    this.accessLogBucket = accessLogBucket(this, prefix, retention, props.deletionProtection ?? true);

    this.resource = new Lb(this, 'Resource', {
      namePrefix: 'wc-',
      loadBalancerType: 'application',
      internal: false,
      subnets: [...props.network.publicSubnetIds],
      securityGroups: [this.securityGroup.securityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      idleTimeout: this.idleTimeoutSec,
      desyncMitigationMode: 'strictest',
      enableHttp2: true,
      accessLogs: { bucket: this.accessLogBucket.bucketName, prefix: 'alb', enabled: true },
      tags: { Name: prefix },
      dependsOn: [this.accessLogBucket.policy],
    });
    this.dnsName = this.resource.dnsName;
    this.zoneId = this.resource.zoneId;
    this.loadBalancerArn = this.resource.arn;
    if (props.webAclArn) {
      new Wafv2WebAclAssociation(this, 'WebAcl', { resourceArn: this.resource.arn, webAclArn: props.webAclArn });
    }

    new LbListener(this, 'HttpListener', {
      loadBalancerArn: this.resource.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [
        { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
      ],
    });

    const appTg = createTargetGroup(this, 'AppTargetGroup', props.appTarget ?? {}, this.network.vpcId, this.deregistrationDelaySec);
    this.appTarget = {
      loadBalancer: this,
      targetGroupArn: appTg.arn,
      port: props.appTarget?.port ?? 80,
      healthCheckPath: props.appTarget?.healthCheckPath ?? '/',
    };
    this.httpsListener = new LbListener(this, 'HttpsListener', {
      loadBalancerArn: this.resource.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: this.sslPolicy,
      certificateArn: listenerCertificateArn(this, props.certificate, this.resource),
      defaultAction: [{ type: 'forward', targetGroupArn: appTg.arn }],
    });
  }

  /**
   * Adds a target group that receives the requests matching `pathPatterns` (e.g. `/admin*` for the
   * admin host). Returns the target for hosts to register with.
   */
  public addPathTarget(id: string, options: PathTargetOptions): LoadBalancerTarget {
    validate(this, [
      {
        failed: options.pathPatterns.length === 0 || options.pathPatterns.length > 5,
        message: () =>
          `addPathTarget('${id}').pathPatterns: got ${options.pathPatterns.length} pattern(s); allowed: 1 to 5; fix: list the paths to route, e.g. ['/admin*']`,
      },
      {
        failed:
          !Number.isInteger(options.priority) ||
          !inRange(options.priority, 1, 49999) ||
          this.priorities.has(options.priority) ||
          this.priorities.has(options.priority + 1),
        message: () =>
          `addPathTarget('${id}').priority: got ${options.priority}; allowed: an integer 1 to 49999 whose value and value+1 are unused (taken: ${[...this.priorities].join(', ') || 'none'}); fix: pick an unused priority`,
      },
      {
        failed:
          (options.sourceCidrs ?? []).length + options.pathPatterns.length > 5 || (options.sourceCidrs ?? []).some((c) => !isIpv4Cidr(c)),
        message: () =>
          `addPathTarget('${id}').sourceCidrs: got [${(options.sourceCidrs ?? []).join(', ')}]; allowed: IPv4 CIDR blocks, at most ${5 - options.pathPatterns.length} next to ${options.pathPatterns.length} path pattern(s) (an ALB rule takes 5 values); fix: write them as a.b.c.d/n and merge ranges`,
      },
    ]);
    this.priorities.add(options.priority);
    this.priorities.add(options.priority + 1);
    const scope = new Construct(this, id);
    const tg = createTargetGroup(scope, 'TargetGroup', options, this.network.vpcId, this.deregistrationDelaySec);
    const sources = options.sourceCidrs;
    if (sources === undefined || sources.length > 0) {
      new LbListenerRule(scope, 'Rule', {
        listenerArn: this.httpsListener.arn,
        priority: options.priority,
        condition: [
          { pathPattern: { values: options.pathPatterns } },
          ...(sources !== undefined ? [{ sourceIp: { values: sources } }] : []),
        ],
        action: [{ type: 'forward', targetGroupArn: tg.arn }],
      });
    }
    if (sources !== undefined) {
      // Everyone else gets 403 instead of falling through to the default target (which may serve the same paths).
      new LbListenerRule(scope, 'DenyRule', {
        listenerArn: this.httpsListener.arn,
        priority: options.priority + 1,
        condition: [{ pathPattern: { values: options.pathPatterns } }],
        action: [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', messageBody: 'Forbidden', statusCode: '403' } }],
      });
    }
    return { loadBalancer: this, targetGroupArn: tg.arn, port: options.port ?? 80, healthCheckPath: options.healthCheckPath ?? '/' };
  }
}
