/**
 * The one place that imports the `cdktf` package.
 *
 * HashiCorp archived cdktf on 2025-12-10; its community fork CDK Terrain (`cdktn`) is a drop-in
 * replacement. Every other file imports these names from here, so moving to the fork is a change of
 * this file, token-stack-traces.ts and package.json only.
 */
// First, before the cdktf package loads (it creates a token while loading): cdktf's per-token stack
// traces off, unless WEBCLUSTER_TOKEN_STACK_TRACES=1.
export { setTokenStackTraces, TOKEN_STACK_TRACES_ENV } from './token-stack-traces';
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
