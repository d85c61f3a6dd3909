/**
 * WC-AWS-012: CloudWatch log groups expire their events.
 */
import type { IConstruct } from 'constructs';
import { numberOf, resourceOf } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

function check(node: IConstruct): Compliance {
  const group = resourceOf(node, 'aws_cloudwatch_log_group');
  if (!group) return 'not-applicable';
  const days = numberOf(group.attrs.retention_in_days);
  return days !== undefined && days > 0 ? 'compliant' : 'non-compliant';
}

/** Every log group sets retention_in_days. */
export const LogGroupRetention: PolicyRule = {
  id: 'WC-AWS-012',
  name: 'LogGroupRetention',
  level: 'warning',
  info: 'The log group keeps events forever (retention_in_days is not set, or 0).',
  explanation:
    'Logs hold IP addresses, e-mail addresses and order numbers; keeping them forever costs money every month and ' +
    'conflicts with data-protection rules on storage limitation. Set retention_in_days (logRetentionDays in ' +
    'webcluster.yaml; 90 by default).',
  check,
};
