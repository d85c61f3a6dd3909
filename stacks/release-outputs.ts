/**
 * The stack outputs `npm run release` reads (release.ts), in a module of their own so the command
 * loads no provider bindings.
 */

/**
 * Names of the stack outputs `npm run release` reads (stable: the release command depends on them).
 * Split, `bucket` is an output of `<env>-data`, the others of `<env>-app`.
 */
export const RELEASE_OUTPUTS = {
  /** The bucket holding the releases. */
  bucket: 'release_bucket',
  /** The admin host: migrations and the scheduler. */
  adminInstance: 'admin_instance_id',
  /** The app hosts (web server and queue workers). */
  appGroup: 'app_autoscaling_group',
} as const;
