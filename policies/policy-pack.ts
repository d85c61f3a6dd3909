/**
 * PolicyPack: the webcluster rules as a cdktf Aspect (cdk-nag v2 style). Each visited construct is
 * checked by every rule; a non-compliant one gets an error or warning annotation `[<id>] <info>`, or,
 * when a suppression with a reason covers it, an info annotation `suppressed [<id>] <path>: <reason>`.
 *
 *   Aspects.of(stack).add(new PolicyPack());          // errors then fail app.synth()
 *
 * The bundled app (main.ts; its work is stacks/synth-app.ts) calls {@link PolicyPack.check} before
 * synthesizing, to print one line per finding and stop before anything is written.
 */
import type { IConstruct } from 'constructs';
import { Annotations, type IAspect, TerraformStack } from '../constructs/core/cdktf';
import { ALL_RULES } from './catalog';
import { globToRegExp } from './private/glob';
import { withResolutionCache } from './private/terraform';
import type { PolicyRule } from './rule';

/** An accepted finding: the rule, the construct path (glob) and why. */
export interface PolicySuppression {
  /** Rule id, e.g. `WC-AWS-007`. */
  readonly rule: string;
  /**
   * Construct path or glob, inside the stack (`LoadBalancer/SecurityGroup/**`) or with the stack
   * name in front; `*` matches within a segment, `**` across segments. A path also covers the
   * constructs below it.
   */
  readonly resource: string;
  /** Why the finding is acceptable; printed with every suppressed finding. */
  readonly reason: string;
}

/** Properties of a {@link PolicyPack}. */
export interface PolicyPackProps {
  /**
   * The rules to apply.
   * @default - every rule (ALL_RULES)
   */
  readonly rules?: readonly PolicyRule[];
  /**
   * Accepted findings, each with a reason.
   * @default []
   */
  readonly suppressions?: readonly PolicySuppression[];
  /**
   * The environment allows Terraform to destroy stateful resources: rules marked
   * `offWhenAllowDestroy` are not applied.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/** One non-compliant construct. */
export interface PolicyFinding {
  /** The rule that flagged it. */
  readonly rule: PolicyRule;
  /** `error` and `warning` as the rule's level; `suppressed` when a suppression covers it. */
  readonly level: 'error' | 'warning' | 'suppressed';
  /** Construct path. */
  readonly path: string;
  /** The suppression that covers it. */
  readonly suppression?: PolicySuppression;
}

/** `[id] path: info`, or `suppressed [id] path: reason`. */
export function formatFinding(f: PolicyFinding): string {
  return f.level === 'suppressed' && f.suppression
    ? `suppressed [${f.rule.id}] ${f.path}: ${f.suppression.reason}`
    : `[${f.rule.id}] ${f.path}: ${f.rule.info}`;
}

/** Paths a suppression may name for `node`: its own and its ancestors', with and without the stack prefix. */
function candidatePaths(node: IConstruct): string[] {
  const stackPath = stackOf(node)?.node.path;
  return node.node.scopes.flatMap((scope) => {
    const full = scope.node.path;
    if (stackPath === undefined || full === stackPath || !full.startsWith(`${stackPath}/`)) return [full];
    return [full, full.slice(stackPath.length + 1)];
  });
}

function stackOf(node: IConstruct): TerraformStack | undefined {
  return node.node.scopes.find((s): s is TerraformStack => TerraformStack.isStack(s));
}

/**
 * Applies the policy rules to every construct it visits, once per construct.
 */
export class PolicyPack implements IAspect {
  /** Findings so far, in visiting order. */
  public readonly findings: PolicyFinding[] = [];
  /** Rules in use. */
  public readonly rules: readonly PolicyRule[];
  /** Rules not applied because the environment allows destroy. */
  public readonly skippedRules: readonly PolicyRule[];
  private readonly suppressions: readonly { readonly suppression: PolicySuppression; readonly pattern: RegExp }[];
  private readonly usedSuppressions = new Set<PolicySuppression>();
  private readonly visited = new WeakSet<IConstruct>();

  constructor(props: PolicyPackProps = {}) {
    const rules = props.rules ?? ALL_RULES;
    const allowDestroy = props.allowDestroy ?? false;
    this.rules = rules.filter((r) => !(allowDestroy && r.offWhenAllowDestroy));
    this.skippedRules = rules.filter((r) => allowDestroy && r.offWhenAllowDestroy);
    this.suppressions = (props.suppressions ?? []).map((suppression) => ({ suppression, pattern: globToRegExp(suppression.resource) }));
  }

  /** Suppressions that covered no finding (stale, or a typo in the rule id or path). */
  public get unusedSuppressions(): PolicySuppression[] {
    return this.suppressions.map((s) => s.suppression).filter((s) => !this.usedSuppressions.has(s));
  }

  public visit(node: IConstruct): void {
    if (this.visited.has(node)) return;
    this.visited.add(node);
    for (const rule of this.rules) {
      if (rule.check(node) !== 'non-compliant') continue;
      const path = node.node.path;
      const suppression = this.suppressionFor(rule, node);
      if (suppression) {
        this.usedSuppressions.add(suppression);
        const finding: PolicyFinding = { rule, level: 'suppressed', path, suppression };
        this.findings.push(finding);
        Annotations.of(node).addInfo(formatFinding(finding));
      } else {
        this.findings.push({ rule, level: rule.level, path });
        const text = `[${rule.id}] ${rule.info}`;
        if (rule.level === 'error') Annotations.of(node).addError(text);
        else Annotations.of(node).addWarning(text);
      }
    }
  }

  /**
   * Visits `scope` and everything below it now and returns the findings of this call. Constructs
   * already visited (here or by the synthesizer) are not checked twice.
   */
  public check(scope: IConstruct): PolicyFinding[] {
    const before = this.findings.length;
    withResolutionCache(() => {
      for (const node of scope.node.findAll()) this.visit(node);
    });
    return this.findings.slice(before);
  }

  private suppressionFor(rule: PolicyRule, node: IConstruct): PolicySuppression | undefined {
    const candidates = this.suppressions.filter((s) => s.suppression.rule === rule.id);
    if (candidates.length === 0) return undefined;
    const paths = candidatePaths(node);
    return candidates.find((s) => paths.some((p) => s.pattern.test(p)))?.suppression;
  }
}
