/**
 * Container image references: moved to `constructs/core/image-ref` (both backends check them); this
 * path keeps working for existing imports.
 */
export { imageRefProblem } from '../core/image-ref';
