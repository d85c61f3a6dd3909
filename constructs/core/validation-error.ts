/**
 * The error thrown for bad input to a construct or a stack.
 */
import type { IConstruct } from 'constructs';
import { redactCredentials } from './redact';

const BRAND = Symbol.for('webcluster.ValidationError');

/**
 * A user error found at synth time. The message names the field, the value received, what is
 * allowed and how to fix it; `path` is the construct path the error belongs to.
 */
export class ValidationError extends Error {
  /** True for any `ValidationError`, also across copies of this package. */
  public static isValidationError(x: unknown): x is ValidationError {
    return typeof x === 'object' && x !== null && BRAND in x;
  }

  /** Construct path of the construct that rejected its input. */
  public readonly path: string;
  /** The problem without the construct path: `<prop>: got <value>; allowed: <what>; fix: <how>`. */
  public readonly problem: string;

  constructor(message: string, scope: IConstruct) {
    const path = scope.node.path;
    // The message echoes the refused value, which may hold a credential: masked before it is printed.
    const problem = redactCredentials(message);
    super(`${path}: ${problem}`);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'ValidationError';
    this.path = path;
    this.problem = problem;
  }
}

/** The parts of a problem written as `<field>: got <value>; allowed: <what>; fix: <how>`. */
export interface ProblemParts {
  /** The prop (or the name of the checked value) the problem is about, e.g. `cdn`, `resources.memoryMb`. */
  readonly field: string;
  /** The value received, as the message shows it (`got ` dropped). */
  readonly got: string;
  /** What is allowed. */
  readonly allowed: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Splits a problem message into its parts (messages of validation rules and of `addValidation` follow
 * that form), so a layer above the construct can restate it in its own terms; undefined for a message
 * of another form.
 */
export function problemParts(problem: string): ProblemParts | undefined {
  const m = /^(.+?): (?:got )?(.*?); allowed: (.*?); fix: (.*)$/s.exec(problem);
  return m ? { field: m[1], got: m[2], allowed: m[3], fix: m[4] } : undefined;
}

/** One validation rule: the message is thrown when `failed` is true. */
export interface ValidationRule {
  /** Whether the input breaks this rule. */
  readonly failed: boolean;
  /** What is wrong, the value received, what is allowed and how to fix it. */
  readonly message: () => string;
}

/** Throws a `ValidationError` for the first failed rule (rules are listed in priority order). */
export function validate(scope: IConstruct, rules: ValidationRule[]): void {
  for (const rule of rules) {
    if (rule.failed) throw new ValidationError(rule.message(), scope);
  }
}
