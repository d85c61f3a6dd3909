/**
 * The certificate of a LoadBalancer's HTTPS listener when it is DNS-validated: a new ACM certificate,
 * its validation records in the Route 53 zone, and the alias record of the domain.
 */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import type { Lb } from '@cdktf/provider-aws/lib/lb';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import type { Construct } from 'constructs';
import { TerraformIterator, Token } from '../../core/cdktf';
import type { ListenerCertificate } from '../listener-certificate';

/**
 * The ARN of the listener's certificate: the given one, or a new DNS-validated one (`Certificate`,
 * `CertificateValidationRecord`, `CertificateValidation`) with an A alias (`AliasA`) of the domain
 * pointing at `loadBalancer`.
 */
export function listenerCertificateArn(scope: Construct, cert: ListenerCertificate, loadBalancer: Lb): string {
  if (cert.certificateArn !== undefined) return cert.certificateArn;
  const domain = cert.domainName as string;
  const zoneId = cert.hostedZoneId as string;
  const acm = new AcmCertificate(scope, 'Certificate', {
    domainName: domain,
    validationMethod: 'DNS',
    keyAlgorithm: 'EC_prime256v1',
    lifecycle: { createBeforeDestroy: true },
  });
  const options = TerraformIterator.fromComplexList(acm.domainValidationOptions, 'domain_name');
  const records = new Route53Record(scope, 'CertificateValidationRecord', {
    forEach: options,
    zoneId,
    name: options.getString('resource_record_name'),
    type: options.getString('resource_record_type'),
    records: [options.getString('resource_record_value')],
    ttl: 60,
    allowOverwrite: true,
  });
  const validation = new AcmCertificateValidation(scope, 'CertificateValidation', {
    certificateArn: acm.arn,
    validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty('fqdn')),
  });
  // IPv4 only: the load balancer is not dual-stack, so an AAAA alias would point nowhere.
  new Route53Record(scope, 'AliasA', {
    zoneId,
    name: domain,
    type: 'A',
    alias: { name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true },
  });
  return validation.certificateArn;
}
