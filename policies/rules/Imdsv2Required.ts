/**
 * WC-AWS-009: instances only answer IMDSv2 (session-token) metadata requests.
 */
import type { IConstruct } from 'constructs';
import { block, resourceOf } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

function check(node: IConstruct): Compliance {
  const r = resourceOf(node, 'aws_launch_template', 'aws_instance', 'aws_launch_configuration');
  if (!r) return 'not-applicable';
  const options = block(r.attrs.metadata_options);
  // An instance started from a launch template gets its metadata options from there (checked on the template).
  if (r.type === 'aws_instance' && options === undefined && r.attrs.launch_template !== undefined) return 'not-applicable';
  if (options?.http_endpoint === 'disabled') return 'compliant';
  return options?.http_tokens === 'required' ? 'compliant' : 'non-compliant';
}

/** Launch templates, launch configurations and instances require IMDSv2 tokens. */
export const Imdsv2Required: PolicyRule = {
  id: 'WC-AWS-009',
  name: 'Imdsv2Required',
  level: 'error',
  info: "The instance metadata service accepts IMDSv1 requests (metadata_options.http_tokens is not 'required').",
  explanation:
    'With IMDSv1 a server-side request forgery in the app (an image URL fetcher, a webhook tester) is enough to read the ' +
    "instance role's credentials from 169.254.169.254. IMDSv2 needs a PUT for a session token first, which SSRF cannot do. " +
    "Set metadata_options { http_tokens = 'required', http_put_response_hop_limit = 1 }.",
  check,
};
