/**
 * cdktf's per-token stack traces, off by default. Part of the cdktf layer (constructs/core/cdktf.ts
 * loads this file before the cdktf package, and re-exports its names): it reaches into the one cdktf
 * module that captures the traces, and nothing else of cdktf.
 */

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
 * contains it. Off by default from the first import of the layer, which loads this file before the
 * cdktf package itself (cdktf creates a token while it loads); on with
 * `WEBCLUSTER_TOKEN_STACK_TRACES=1`. See docs/performance.md.
 */
export function setTokenStackTraces(on: boolean): void {
  tokenStackTrace.captureStackTrace = on ? captureTokenStackTrace : () => [];
}

setTokenStackTraces(process.env[TOKEN_STACK_TRACES_ENV] === '1');
