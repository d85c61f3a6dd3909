/**
 * The `policy` section of an environment in webcluster.yaml: suppressions of policy findings, each
 * naming a rule, a construct path (or glob) and the reason, which is printed with every suppressed
 * finding.
 *
 *   policy:
 *     suppressions:
 *       - rule: WC-AWS-011
 *         resource: Redis/Cache/Resource
 *         reason: dev environment, one cache node is enough (ticket OPS-123)
 */
import { z } from 'zod';
import { documented, withHint } from '../config/errors';
import { RULE_IDS } from './rule-ids';

const suppressionSchema = z.strictObject({
  rule: withHint(z.enum(RULE_IDS), {
    fix: "use the id printed in brackets with the finding, e.g. 'WC-AWS-011' (the rules are listed in docs/guardrails.md)",
  }),
  resource: withHint(z.string().regex(/\S/), {
    allowed: "a construct path or glob inside the stack, e.g. 'Redis/Cache/Resource' or 'Redis/**'",
    fix: 'copy the construct path from the finding line (without or with the environment name in front)',
  }),
  reason: withHint(z.string().regex(/\S/), {
    allowed: 'a non-empty explanation of why the finding is acceptable (it is printed with every suppressed finding)',
    fix: "add reason: '<why this is acceptable, and who decided>'",
  }),
});

/** `policy: { suppressions: [{ rule, resource, reason }] }`; defaults to no suppressions. */
export const policySchema = documented(
  z
    .strictObject({
      suppressions: withHint(z.array(suppressionSchema), {
        allowed: 'a list of suppressions, each with rule, resource and reason',
        fix: "write each suppression as '- rule: WC-AWS-0xx' with resource and reason below it",
      }).default([]),
    })
    .prefault({}),
  'Suppressions of policy findings, each with rule, resource and reason.',
);
