/**
 * The state backend under its former name (public path `webcluster/stacks/terraform-settings`); it
 * lives in ./state-backend.
 */
export { addStateBackend, TERRAFORM_MIN_VERSION, TERRAFORM_S3_LOCKFILE_MIN_VERSION } from './state-backend';
export type { StateBackendConfig } from './state-backend';
