/**
 * Applies the policy pack to the stacks of a webcluster.yaml: one pack per environment, with that
 * environment's suppressions and allowDestroy, and the report the bundled app prints.
 */
import type { IConstruct } from 'constructs';
import { Aspects, TerraformStack } from '../constructs/core/cdktf';
import { formatFinding, PolicyPack, type PolicySuppression } from './policy-pack';

/** Stack names of a split environment are the environment name with one of these suffixes. */
const SPLIT_STACK_SUFFIXES = ['-network', '-data', '-app'] as const;

/** What the pack needs from one environment of the configuration. */
export interface EnvironmentPolicyInput {
  /** Environment name: the stack id, or the prefix of the three stack ids of a split environment. */
  readonly name: string;
  /** Whether the environment allows destroying stateful resources. */
  readonly allowDestroy?: boolean;
  /** The environment's `policy` section. */
  readonly policy?: { readonly suppressions?: readonly PolicySuppression[] };
}

/** Lines to print, without the `error:`/`warning:`/`info:` prefix. */
export interface PolicyReport {
  /** Findings that fail the synth: `[id] path: info`. */
  readonly errors: string[];
  /** Findings that do not fail it, and suppressions that matched nothing. */
  readonly warnings: string[];
  /** Suppressed findings (`suppressed [id] path: reason`) and rules turned off by allowDestroy. */
  readonly infos: string[];
}

/**
 * Adds a {@link PolicyPack} to the stack of each environment (so `app.synth()` carries the annotations
 * into the manifest) and checks the stacks now. `fileLabel` names the configuration in warnings
 * about unused suppressions.
 */
export function checkEnvironmentPolicies(app: IConstruct, environments: readonly EnvironmentPolicyInput[], fileLabel: string): PolicyReport {
  const report: PolicyReport = { errors: [], warnings: [], infos: [] };
  environments.forEach((env, i) => {
    // One stack named after the environment, or the three stacks of a split environment.
    const stacks = ['', ...SPLIT_STACK_SUFFIXES].map((suffix) => app.node.tryFindChild(`${env.name}${suffix}`)).filter((s) => TerraformStack.isStack(s));
    if (stacks.length === 0) return;
    const suppressions = env.policy?.suppressions ?? [];
    const pack = new PolicyPack({ suppressions, allowDestroy: env.allowDestroy ?? false });
    for (const stack of stacks) Aspects.of(stack).add(pack);
    for (const finding of stacks.flatMap((stack) => pack.check(stack))) {
      const line = formatFinding(finding);
      if (finding.level === 'error') report.errors.push(line);
      else if (finding.level === 'warning') report.warnings.push(line);
      else report.infos.push(line);
    }
    for (const rule of pack.skippedRules) {
      report.infos.push(`[${rule.id}] ${rule.name} is off for ${env.name}: allowDestroy is set, stateful resources may be destroyed`);
    }
    for (const unused of pack.unusedSuppressions) {
      const j = suppressions.indexOf(unused);
      report.warnings.push(
        `${fileLabel}: environments[${i}].policy.suppressions[${j}]: [${unused.rule}] '${unused.resource}' matched no finding in ${env.name}; ` +
          'fix: remove the suppression, or correct its rule id or construct path',
      );
    }
  });
  return report;
}
