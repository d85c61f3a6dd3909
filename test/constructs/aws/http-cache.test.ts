import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { AppServerGroup } from '../../../constructs/aws/app-server-group';
import { HttpCache, HttpCacheProps } from '../../../constructs/aws/http-cache';
import { ListenerCertificate, LoadBalancer } from '../../../constructs/aws/load-balancer';
import { Network } from '../../../constructs/aws/network';
import { VARNISH_HEALTH_PATH } from '../../../constructs/core/vcl';
import { localOf, makeNetwork, makeStack, resourcesOf, synthJson, synthTextAndJson } from '../../util';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

describe('HttpCache (AWS)', () => {
  let stack: TerraformStack;
  let network: Network;
  let lb: LoadBalancer;
  const make = (extra: Partial<HttpCacheProps> = {}): HttpCache =>
    new HttpCache(stack, 'HttpCache', { network, target: lb.appTarget, appHealthCheckPath: '/api/ibexa/v2/', ...extra });

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
    lb = new LoadBalancer(stack, 'LoadBalancer', {
      network,
      certificate: ListenerCertificate.fromArn(CERT_ARN),
      appTarget: { healthCheckPath: VARNISH_HEALTH_PATH },
    });
  });

  test('one single-instance Auto Scaling group per zone behind the load balancer default target', () => {
    // WHEN
    const cache = make();
    // THEN
    const groups = resourcesOf(synthJson(stack), AutoscalingGroup.tfResourceType);
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g).toMatchObject({
        min_size: 1,
        max_size: 1,
        target_group_arns: ['${aws_lb_target_group.LoadBalancer_AppTargetGroup_1822A6CC.arn}'],
        instance_maintenance_policy: { min_healthy_percentage: 100, max_healthy_percentage: 200 },
      });
    }
    expect(groups.map((g) => g.vpc_zone_identifier)).toEqual([1, 2, 3].map((z) => [expect.stringContaining(`Network_Zone${z}_AppSubnet`)]));
    expect(cache.nodes).toBe(3);
    expect(cache.port).toBe(80);
  });

  test('nodes are replaced on the target health check of Varnish itself, after a grace period that covers the boot', () => {
    // WHEN
    const cache = make();
    // THEN
    const json = synthJson(stack);
    for (const g of resourcesOf(json, AutoscalingGroup.tfResourceType)) {
      expect(g).toMatchObject({
        health_check_type: 'ELB',
        health_check_grace_period: 600,
        instance_refresh: { preferences: expect.objectContaining({ instance_warmup: '600' }) },
      });
    }
    // The target the nodes register with checks the path the VCL answers without the app.
    expect(json.resource.aws_lb_target_group.LoadBalancer_AppTargetGroup_1822A6CC.health_check).toMatchObject({ path: '/_varnish/health' });
    expect(cache.healthCheckPath).toBe(VARNISH_HEALTH_PATH);
    expect(cache.vcl).toContain(`if (req.url == "${VARNISH_HEALTH_PATH}") {\n        return (synth(200, "OK"));`);
  });

  test('refuses a target whose health check requests another path (it would go through Varnish to the app)', () => {
    // GIVEN
    const appChecked = new LoadBalancer(stack, 'AppChecked', { network, certificate: ListenerCertificate.fromArn(CERT_ARN), appTarget: { healthCheckPath: '/health' } });
    // THEN
    expect(() => new HttpCache(stack, 'HttpCache', { network, target: appChecked.appTarget })).toThrow(
      /target.healthCheckPath: got '\/health'; allowed: '\/_varnish\/health' .*; fix: give the load balancer target healthCheckPath '\/_varnish\/health'/,
    );
  });

  test('IMDSv2 only, encrypted root volume, Session Manager role, instance tags readable for the node number', () => {
    // WHEN
    make();
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LaunchTemplate, {
      metadata_options: expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'enabled' }),
      block_device_mappings: [expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true', volume_type: 'gp3' }) })],
    });
    expect(synth).toContain('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
  });

  test('Varnish forwards to an internal NLB whose target group the app hosts register with', () => {
    // GIVEN
    const cache = make();
    // WHEN
    new AppServerGroup(stack, 'AppServers', { network, target: cache.appTarget, workload: {} });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Lb, { load_balancer_type: 'network', internal: true, enable_cross_zone_load_balancing: true });
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      protocol: 'TCP',
      preserve_client_ip: 'false',
      health_check: expect.objectContaining({ protocol: 'HTTP', path: '/api/ibexa/v2/' }),
    });
    expect(synth).toHaveResourceWithProperties(LbListener, { protocol: 'TCP', port: 80 });
    expect(resourcesOf(json, AutoscalingGroup.tfResourceType).find((g) => String(g.name_prefix).includes('appservers'))).toMatchObject({
      target_group_arns: ['${aws_lb_target_group.HttpCache_Backend_TargetGroup_4A2DA001.arn}'],
    });
    // The app hosts admit the internal NLB, not the internet-facing ALB.
    const appIngress = resourcesOf(json, VpcSecurityGroupIngressRule.tfResourceType).filter((r) => String(r.security_group_id).includes('AppServers_SecurityGroup'));
    expect(appIngress.map((r) => r.referenced_security_group_id)).toEqual(['${aws_security_group.HttpCache_Backend_SecurityGroup_6A381910.id}']);
    const vcl = localOf(json, 'HttpCache_UserData');
    expect(vcl).toContain('new app = dynamic.director(port = \\"80\\", ttl = 10s);');
    expect(vcl).toContain('app.backend(\\"${aws_lb.HttpCache_Backend_6B624B3F.dns_name}\\")');
  });

  test('purges only from the app subnets: VCL acl from the subnets, 405 for everyone else', () => {
    // WHEN
    const cache = make();
    // THEN
    const json = synthJson(stack);
    expect(Object.keys(json.data?.aws_subnet ?? {})).toHaveLength(3);
    expect(cache.invalidatorCidrs).toHaveLength(3);
    const userData = localOf(json, 'HttpCache_UserData');
    for (const n of [1, 2, 3]) {
      expect(userData).toMatch(new RegExp(`element\\(split\\("/", data\\.aws_subnet\\.HttpCache_AppSubnet${n}_[0-9A-F]+\\.cidr_block\\), 0\\)`));
    }
    expect(cache.vcl).toContain('if (!(client.ip ~ invalidators)) {');
    expect(cache.vcl).toContain('return (synth(405, "Method not allowed"));');
    expect(cache.vcl).toContain('req.method == "PURGEKEYS" || req.method == "PURGE" || req.method == "BAN"');
  });

  test('explicit invalidator blocks go into the ACL literally', () => {
    // WHEN
    const cache = make({ invalidatorCidrs: ['10.0.16.0/20', '10.0.32.0/20'] });
    // THEN
    expect(cache.vcl).toContain('acl invalidators {\n    "127.0.0.1";\n    "10.0.16.0"/20;\n    "10.0.32.0"/20;\n}');
    expect(synthJson(stack).data?.aws_subnet).toBeUndefined();
  });

  test('purge access in the security group only where granted', () => {
    // GIVEN
    const cache = make();
    const app = new AppServerGroup(stack, 'AppServers', { network, target: cache.appTarget, workload: {} });
    // WHEN
    cache.connections.allowDefaultPortFrom(app, 'Purge from AppServers');
    // THEN
    const ingress = resourcesOf(synthJson(stack), VpcSecurityGroupIngressRule.tfResourceType).filter((r) =>
      String(r.security_group_id).includes('HttpCache_SecurityGroup_'),
    );
    expect(ingress.map((r) => r.referenced_security_group_id).sort()).toEqual([
      '${aws_security_group.AppServers_SecurityGroup_602856CA.id}',
      '${aws_security_group.LoadBalancer_SecurityGroup_A28D6DD7.id}',
    ]);
    expect(ingress.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
  });

  test('every node has a stable name it registers itself, with a least-privilege grant', () => {
    // WHEN
    const cache = make({ nodes: 2 });
    // THEN
    expect(cache.purgeHosts).toEqual(['node-1.httpcache.test.internal', 'node-2.httpcache.test.internal']);
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Route53Zone, { name: 'httpcache.test.internal', force_destroy: true });
    expect(synth).toHaveResourceWithProperties(AutoscalingGroup, { tag: expect.arrayContaining([expect.objectContaining({ key: 'VarnishNode', value: '2' })]) });
    const policy = JSON.stringify(json.resource.aws_iam_role_policy);
    expect(policy).toContain('route53:ChangeResourceRecordSetsNormalizedRecordNames');
    expect(policy).toContain('node-2.httpcache.test.internal');
    expect(policy).toContain('UPSERT');
    const userData = localOf(json, 'HttpCache_UserData');
    expect(userData).toContain('/usr/local/sbin/webcluster-register-node');
    expect(userData).toContain('--publish 80:6081');
    expect(userData).toContain('public.ecr.aws/docker/library/varnish:7.6.1');
  });

  test.each<[string, Partial<HttpCacheProps>, RegExp]>([
    ['one node', { nodes: 1 }, /nodes: got 1; allowed: an integer from 2 to 10; fix: /],
    ['an unpinned image', { image: 'varnish:latest' }, /image: got 'varnish:latest' .*; allowed: an image pinned by tag or digest; fix: /],
    ['a bad invalidator block', { invalidatorCidrs: ['10.0.16.1/20'] }, /invalidatorCidrs: got '10.0.16.1\/20'; allowed: IPv4 CIDR blocks/],
    ['no invalidators', { invalidatorCidrs: [] }, /invalidatorCidrs: got \[\]; allowed: /],
    ['a relative health path', { appHealthCheckPath: 'health' }, /appHealthCheckPath: got 'health'; allowed: an absolute path/],
    ['a tiny cache', { cacheSizeMiB: 10 }, /cacheSizeMiB: got 10; allowed: an integer from 64 to 1048576/],
  ])('fails on %s', (_name, extra, message) => {
    expect(() => make(extra)).toThrow(message);
  });
});
