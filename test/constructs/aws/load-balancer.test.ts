import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { ListenerCertificate, LoadBalancer, LoadBalancerProps } from '../../../constructs/aws/load-balancer';
import { Network } from '../../../constructs/aws/network';
import { makeNetwork, makeStack, resourcesOf, synthJson, synthTextAndJson } from '../../util';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

describe('LoadBalancer', () => {
  let stack: TerraformStack;
  let network: Network;
  const make = (extra: Partial<LoadBalancerProps> = {}): LoadBalancer =>
    new LoadBalancer(stack, 'LoadBalancer', { network, certificate: ListenerCertificate.fromArn(CERT_ARN), ...extra });

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
  });

  test('internet-facing ALB with secure defaults over the public subnets', () => {
    // WHEN
    make();
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Lb, {
      load_balancer_type: 'application',
      internal: false,
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
      idle_timeout: 60,
      access_logs: expect.objectContaining({ enabled: true, prefix: 'alb' }),
    });
    const lb = resourcesOf(json, 'aws_lb')[0];
    expect(lb.subnets).toHaveLength(3);
    expect(String(lb.subnets)).toContain('PublicSubnet');
  });

  test('HTTP only redirects (301) to HTTPS; HTTPS uses a TLS 1.3 policy', () => {
    make();
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [expect.objectContaining({ type: 'redirect', redirect: expect.objectContaining({ status_code: 'HTTP_301', protocol: 'HTTPS', port: '443' }) })],
    });
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      certificate_arn: CERT_ARN,
    });
  });

  test('security group opens only 80 and 443, from the configured CIDRs', () => {
    make({ ingressCidrs: ['198.51.100.0/24'] });
    const { text, json } = synthTextAndJson(stack);
    const rules = resourcesOf(json, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => `${r.cidr_ipv4}:${r.from_port}`).sort()).toEqual(['198.51.100.0/24:443', '198.51.100.0/24:80']);
    expect(text).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '0.0.0.0/0' });
  });

  test('app target: health-check path, stickiness with the app cookie, deregistration delay', () => {
    make({ appTarget: { port: 8000, healthCheckPath: '/api/_info/health-check', stickiness: { cookieName: 'steedos_session' } } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(LbTargetGroup, {
      port: 8000,
      deregistration_delay: '120',
      health_check: expect.objectContaining({ path: '/api/_info/health-check', matcher: '200' }),
      stickiness: expect.objectContaining({ enabled: true, type: 'app_cookie', cookie_name: 'steedos_session' }),
    });
  });

  test('targets tell the hosts registering with them which path their health check requests', () => {
    const lb = make({ appTarget: { healthCheckPath: '/health' } });
    const admin = lb.addPathTarget('Admin', { pathPatterns: ['/admin*'], priority: 10 });
    expect([lb.appTarget.healthCheckPath, admin.healthCheckPath]).toEqual(['/health', '/']);
  });

  test('lb_cookie stickiness when no cookie name is given; none by default', () => {
    make({ appTarget: { stickiness: {} } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(LbTargetGroup, {
      stickiness: expect.objectContaining({ enabled: true, type: 'lb_cookie', cookie_duration: 86400 }),
    });
  });

  test('path target for /admin* with a source-IP condition; other clients get 403', () => {
    const lb = make();
    const target = lb.addPathTarget('Admin', { pathPatterns: ['/admin*'], priority: 10, sourceCidrs: ['203.0.113.0/24'] });
    expect(target.loadBalancer).toBe(lb);
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LbListenerRule, {
      priority: 10,
      condition: [{ path_pattern: { values: ['/admin*'] } }, { source_ip: { values: ['203.0.113.0/24'] } }],
    });
    expect(synth).toHaveResourceWithProperties(LbListenerRule, {
      priority: 11,
      condition: [{ path_pattern: { values: ['/admin*'] } }],
      action: [expect.objectContaining({ type: 'fixed-response', fixed_response: expect.objectContaining({ status_code: '403' }) })],
    });
  });

  test('path target without source CIDRs forwards everyone; with an empty list nobody', () => {
    const lb = make();
    lb.addPathTarget('Open', { pathPatterns: ['/open*'], priority: 20 });
    lb.addPathTarget('Closed', { pathPatterns: ['/closed*'], priority: 30, sourceCidrs: [] });
    const rules = resourcesOf(synthJson(stack), 'aws_lb_listener_rule');
    expect(rules.map((r) => `${r.priority}:${(r.action as { type: string }[])[0].type}`).sort()).toEqual(['20:forward', '31:fixed-response']);
  });

  test('access-log bucket: SSE-S3, ELB delivery allowed, insecure transport denied', () => {
    make();
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [expect.objectContaining({ apply_server_side_encryption_by_default: expect.objectContaining({ sse_algorithm: 'AES256' }) })],
    });
    const policy = String(resourcesOf(json, S3BucketPolicy.tfResourceType)[0].policy);
    expect(policy).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(policy).toContain('data.aws_elb_service_account');
    expect(policy).toContain('"aws:SecureTransport":"false"');
  });

  test('DNS-validated certificate with alias records when a hosted zone is given', () => {
    make({ certificate: ListenerCertificate.dnsValidated('shop.example.com', 'Z0123456789ABC') });
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(AcmCertificate, { domain_name: 'shop.example.com', validation_method: 'DNS' });
    const records = resourcesOf(json, 'aws_route53_record');
    expect(records.some((r) => typeof r.for_each === 'string' && String(r.for_each).includes('domain_validation_options'))).toBe(true);
    expect(records.filter((r) => r.alias).map((r) => r.type)).toEqual(['A']);
    const https = resourcesOf(json, 'aws_lb_listener').find((l) => l.port === 443);
    expect(String(https?.certificate_arn)).toContain('aws_acm_certificate_validation');
  });

  test('deletion protection can be turned off explicitly', () => {
    make({ deletionProtection: false });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Lb, { enable_deletion_protection: false });
  });

  test('fails when ingressCidrs is empty', () => {
    expect(() => make({ ingressCidrs: [] })).toThrow(/ingressCidrs: got \[\]; allowed: one or more IPv4 CIDR blocks/);
  });

  test('fails when an ingress CIDR is malformed', () => {
    expect(() => make({ ingressCidrs: ['10.0.0.1/8'] })).toThrow(/ingressCidrs: got '10.0.0.1\/8'; allowed: IPv4 CIDR blocks with zero host bits/);
  });

  test('fails when the idle timeout is out of range', () => {
    expect(() => make({ idleTimeoutSec: 0 })).toThrow(/idleTimeoutSec: got 0; allowed: 1 to 4000/);
  });

  test('fails when the deregistration delay is out of range', () => {
    expect(() => make({ deregistrationDelaySec: 4000 })).toThrow(/deregistrationDelaySec: got 4000; allowed: 0 to 3600/);
  });

  test('fails when the TLS policy is not a TLS 1.3 policy', () => {
    expect(() => make({ sslPolicy: 'ELBSecurityPolicy-2016-08' })).toThrow(/sslPolicy: got 'ELBSecurityPolicy-2016-08'; allowed: a TLS 1.3 policy/);
  });

  test('fails when access-log retention is out of range', () => {
    expect(() => make({ accessLogRetentionDays: 0 })).toThrow(/accessLogRetentionDays: got 0/);
  });

  test('fails when a health-check path is relative', () => {
    expect(() => make({ appTarget: { healthCheckPath: 'health' } })).toThrow(/healthCheckPath: got 'health'; allowed: an absolute path/);
  });

  test('fails when the target port is out of range', () => {
    expect(() => make({ appTarget: { port: 70000 } })).toThrow(/port: got 70000; allowed: 1 to 65535/);
  });

  test('fails when the stickiness duration is out of range', () => {
    expect(() => make({ appTarget: { stickiness: { durationSec: 0 } } })).toThrow(/stickiness.durationSec: got 0/);
  });

  test('fails when the sticky cookie name has invalid characters', () => {
    expect(() => make({ appTarget: { stickiness: { cookieName: 'bad cookie' } } })).toThrow(/stickiness.cookieName: got 'bad cookie'/);
  });

  test('fails when two path targets share a priority', () => {
    const lb = make();
    lb.addPathTarget('Admin', { pathPatterns: ['/admin*'], priority: 10 });
    expect(() => lb.addPathTarget('Api', { pathPatterns: ['/api*'], priority: 10 })).toThrow(/priority: got 10; allowed: an integer 1 to 49999 whose value and value\+1 are unused \(taken: 10, 11\)/);
  });

  test('fails when a path target has no patterns', () => {
    expect(() => make().addPathTarget('Admin', { pathPatterns: [], priority: 1 })).toThrow(/pathPatterns: got 0 pattern\(s\)/);
  });

  test('fails when a path target has too many source CIDRs', () => {
    const cidrs = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24', '10.0.4.0/24'];
    expect(() => make().addPathTarget('Admin', { pathPatterns: ['/admin*'], priority: 1, sourceCidrs: cidrs })).toThrow(/sourceCidrs: got \[/);
  });
});
