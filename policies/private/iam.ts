/**
 * Reading resource policies (bucket and file system policies) for the TLS-only rules.
 */
import type { IConstruct } from 'constructs';
import { blocks, referenced, stringsOf } from './terraform';

/** One condition of a statement: `{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }`. */
interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** The parts of a statement the rules look at. */
interface Statement {
  readonly effect: string;
  readonly conditions: readonly Condition[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Statements of a JSON policy document (`{"Statement": [...]}`), or undefined when it is not one. */
function jsonStatements(text: string): Statement[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const raw = Array.isArray(doc.Statement) ? doc.Statement : isRecord(doc.Statement) ? [doc.Statement] : [];
  return raw.filter(isRecord).map((s) => ({
    effect: String(s.Effect ?? ''),
    conditions: Object.entries(isRecord(s.Condition) ? s.Condition : {}).flatMap(([test, byVariable]) =>
      Object.entries(isRecord(byVariable) ? byVariable : {}).map(([variable, values]) => ({
        test,
        variable,
        values: (Array.isArray(values) ? values : [values]).map((v) => String(v)),
      })),
    ),
  }));
}

/**
 * Statements of a policy attribute: a JSON document (with `${...}` references inside strings), or a
 * reference to an `aws_iam_policy_document` data source in the same stack.
 */
export function policyStatements(scope: IConstruct, policy: unknown): Statement[] | undefined {
  if (typeof policy !== 'string') return undefined;
  const doc = referenced(scope, policy, 'aws_iam_policy_document');
  if (doc && policy.startsWith(`\${${doc.address}.`)) {
    return blocks(doc.attrs.statement).map((s) => ({
      effect: String(s.effect ?? 'Allow'),
      conditions: blocks(s.condition).map((c) => ({
        test: String(c.test ?? ''),
        variable: String(c.variable ?? ''),
        values: stringsOf(c.values),
      })),
    }));
  }
  return jsonStatements(policy);
}

/** Whether the policy denies every request made without TLS (`aws:SecureTransport` is `false`). */
export function deniesInsecureTransport(scope: IConstruct, policy: unknown): boolean {
  const statements = policyStatements(scope, policy) ?? [];
  return statements.some(
    (s) =>
      s.effect === 'Deny' &&
      s.conditions.some((c) => c.test === 'Bool' && c.variable.toLowerCase() === 'aws:securetransport' && c.values.includes('false')),
  );
}
