/**
 * The error the bundled app throws when the policy pack or the secret guard rejects the stacks.
 */

import { redactCredentials } from '../constructs/core/redact';

const BRAND = Symbol.for('webcluster.PolicyError');

/** Policy errors or literal secrets found in the stacks; `problems` holds one line each. */
export class PolicyError extends Error {
  /** True for any `PolicyError`, also across copies of this package. */
  public static isPolicyError(x: unknown): x is PolicyError {
    return typeof x === 'object' && x !== null && BRAND in x;
  }

  /** One line per problem, e.g. `[WC-AWS-010] shop/Uploads/Resource: ...` or `[secret-guard] shop: resource...: ...`. */
  public readonly problems: string[];

  constructor(problems: readonly string[]) {
    const lines = problems.map(redactCredentials);
    super(lines.join('\n'));
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'PolicyError';
    this.problems = lines;
  }
}
