/**
 * Input rules for the data classes of a Redis cluster, shared by every backend.
 */
import { REDIS_DATA_CLASSES, RedisDataClass } from './roles';
import type { ValidationRule } from './validation-error';

/** `dataClasses` must be non-empty, known and listed once each. */
export function dataClassRules(classes: readonly RedisDataClass[]): ValidationRule[] {
  const known = Object.keys(REDIS_DATA_CLASSES).join(', ');
  const unknown = classes.filter((c) => !Object.prototype.hasOwnProperty.call(REDIS_DATA_CLASSES, c));
  return [
    {
      failed: classes.length === 0,
      message: () => `dataClasses: got []; allowed: one or more of ${known}; fix: list the data classes the app needs`,
    },
    {
      failed: unknown.length > 0,
      message: () => `dataClasses: got unknown class(es) [${unknown.join(', ')}]; allowed: ${known}; fix: use only those names`,
    },
    {
      failed: new Set(classes).size !== classes.length,
      message: () => `dataClasses: got duplicates in [${classes.join(', ')}]; allowed: each class once; fix: list each class once`,
    },
  ];
}
