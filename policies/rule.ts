/**
 * The shape of a policy rule, cdk-nag v2 style: a pure function from a construct to a three-state
 * result, plus the metadata the pack reports with.
 */
import type { IConstruct } from 'constructs';
import type { RuleId } from './rule-ids';

/** What a rule says about one construct. */
export type Compliance = 'compliant' | 'non-compliant' | 'not-applicable';

/** `error` fails the synth; `warning` is printed and does not. */
export type RuleLevel = 'error' | 'warning';

/** One policy rule. */
export interface PolicyRule {
  /** Stable id, used in messages and suppressions, e.g. `WC-AWS-001`. */
  readonly id: RuleId;
  /** Name of the rule; equal to its file name under `policies/rules/`. */
  readonly name: string;
  /** Whether a finding fails the synth. */
  readonly level: RuleLevel;
  /** One line: what a non-compliant resource lacks. */
  readonly info: string;
  /** Why the rule exists and how to comply. */
  readonly explanation: string;
  /**
   * Whether the environment's `allowDestroy` turns the rule off (rules about deletion protection).
   * @default false
   */
  readonly offWhenAllowDestroy?: boolean;
  /** The check: pure, reads the construct (and the resources it references) and nothing else. */
  readonly check: (node: IConstruct) => Compliance;
}
