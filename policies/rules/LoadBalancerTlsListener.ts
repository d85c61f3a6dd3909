/**
 * WC-AWS-006: load balancer listeners use TLS 1.3 policies, and plain HTTP only redirects.
 */
import type { IConstruct } from 'constructs';
import { block, blocks, referenced, resourceOf, type Attrs } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

const LISTENER_TYPES = ['aws_lb_listener', 'aws_alb_listener'];

/** Whether an action redirects to HTTPS. */
function redirectsToHttps(action: Attrs): boolean {
  return action.type === 'redirect' && block(action.redirect)?.protocol === 'HTTPS';
}

/** Whether an action answers without forwarding (fixed response). */
function answersDirectly(action: Attrs): boolean {
  return action.type === 'fixed-response';
}

function listenerCompliance(listener: Attrs): Compliance {
  const protocol = typeof listener.protocol === 'string' ? listener.protocol : 'HTTP';
  if (protocol === 'HTTPS' || protocol === 'TLS') {
    const policy = listener.ssl_policy;
    return typeof policy === 'string' && policy.startsWith('ELBSecurityPolicy-TLS13-') ? 'compliant' : 'non-compliant';
  }
  if (protocol === 'HTTP') {
    return blocks(listener.default_action).every((a) => redirectsToHttps(a) || answersDirectly(a)) ? 'compliant' : 'non-compliant';
  }
  return 'not-applicable';
}

function check(node: IConstruct): Compliance {
  const listener = resourceOf(node, ...LISTENER_TYPES);
  if (listener) return listenerCompliance(listener.attrs);
  const rule = resourceOf(node, 'aws_lb_listener_rule', 'aws_alb_listener_rule');
  if (!rule) return 'not-applicable';
  const parent = LISTENER_TYPES.map((t) => referenced(node, rule.attrs.listener_arn, t)).find((l) => l !== undefined);
  if (!parent || (typeof parent.attrs.protocol === 'string' && parent.attrs.protocol !== 'HTTP')) return 'not-applicable';
  return blocks(rule.attrs.action).every((a) => redirectsToHttps(a) || answersDirectly(a)) ? 'compliant' : 'non-compliant';
}

/** HTTPS/TLS listeners use an ELBSecurityPolicy-TLS13-* policy; HTTP listeners and their rules only redirect to HTTPS. */
export const LoadBalancerTlsListener: PolicyRule = {
  id: 'WC-AWS-006',
  name: 'LoadBalancerTlsListener',
  level: 'error',
  info: 'The listener serves traffic without modern TLS (HTTPS/TLS needs an ELBSecurityPolicy-TLS13-* policy; HTTP may only redirect to HTTPS).',
  explanation:
    'Older ELB policies accept TLS 1.0/1.1 and CBC ciphers that clients can be downgraded to, and an HTTP listener that forwards ' +
    'sends logins and session cookies in clear text. Use an ELBSecurityPolicy-TLS13-* policy on HTTPS listeners ' +
    '(ELBSecurityPolicy-TLS13-1-2-Res-2021-06 keeps forward-secret TLS 1.2 for older API clients) and let port 80 only ' +
    'answer with a redirect to HTTPS.',
  check,
};
