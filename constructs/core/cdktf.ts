/**
 * The one place that imports the `cdktf` package.
 *
 * HashiCorp archived cdktf on 2025-12-10; its community fork CDK Terrain (`cdktn`) is a drop-in
 * replacement. Every other file imports these names from here, so moving to the fork is a change of
 * this file (and package.json) only.
 */
export {
  Annotations,
  App,
  Aspects,
  DefaultTokenResolver,
  Fn,
  Lazy,
  LocalBackend,
  S3Backend,
  StringConcat,
  TerraformDataSource,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
  dependable,
} from 'cdktf';
export type { IAspect, ITerraformDependable, S3BackendConfig } from 'cdktf';

/** The module of cdktf that captures a stack trace for every token it creates (Intrinsic, Lazy, dynamic blocks). */
const tokenStackTrace: { captureStackTrace: (below?: unknown) => string[] } = require('cdktf/lib/tokens/private/stack-trace');
const captureTokenStackTrace = tokenStackTrace.captureStackTrace;

/**
 * Environment variable that turns cdktf's per-token stack traces back on (`1`): for debugging a token
 * that fails to resolve, whose error then says where the token was created.
 */
export const TOKEN_STACK_TRACES_ENV = 'WEBCLUSTER_TOKEN_STACK_TRACES';

/**
 * Whether cdktf captures a full stack trace for every token it creates. It keeps the trace only to
 * explain a token that fails to resolve, yet capturing it (`Error.captureStackTrace` with no depth
 * limit, then splitting the text) is about a third of a synth's CPU time; the synthesized JSON never
 * contains it. Off by default, from the first import of this file (which every construct imports
 * before it creates a token); on with `WEBCLUSTER_TOKEN_STACK_TRACES=1`. See docs/performance.md.
 */
export function setTokenStackTraces(on: boolean): void {
  tokenStackTrace.captureStackTrace = on ? captureTokenStackTrace : () => [];
}

setTokenStackTraces(process.env[TOKEN_STACK_TRACES_ENV] === '1');
