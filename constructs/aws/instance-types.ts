/**
 * Shape checks of EC2 instance types, RDS instance classes and ElastiCache node types: `<family>.<size>`
 * (with `db.` / `cache.` in front) whose size is one AWS sells. TFLint's AWS ruleset knows the full lists
 * and reports the rest in CI; the sizes are few and rarely change, so they are checked at synth time
 * instead of keeping ~1400 type names that go stale with every new instance family.
 */

/** Every size of the current EC2, RDS and ElastiCache catalogues. */
export const INSTANCE_SIZES: readonly string[] = [
  'nano', 'micro', 'small', 'medium', 'large', 'xlarge',
  '2xlarge', '3xlarge', '4xlarge', '6xlarge', '8xlarge', '9xlarge', '10xlarge', '12xlarge', '16xlarge', '18xlarge',
  '24xlarge', '32xlarge', '36xlarge', '48xlarge', '56xlarge', '64xlarge', '96xlarge', '112xlarge', '224xlarge', '480xlarge',
  'metal', 'metal-12xl', 'metal-16xl', 'metal-24xl', 'metal-32xl', 'metal-48xl', 'metal-96xl',
];

/** Which catalogue a type belongs to: its prefix and an example. */
export type InstanceCatalogue = 'ec2' | 'rds' | 'elasticache';

const CATALOGUES: Readonly<Record<InstanceCatalogue, { readonly prefix: string; readonly what: string; readonly example: string }>> = {
  ec2: { prefix: '', what: 'an EC2 instance type', example: 'm7i.large' },
  rds: { prefix: 'db.', what: 'an RDS instance class', example: 'db.r7g.large' },
  elasticache: { prefix: 'cache.', what: 'an ElastiCache node type', example: 'cache.r7g.large' },
};

/** What is allowed, for error messages. */
export function instanceTypeAllowed(catalogue: InstanceCatalogue): string {
  const c = CATALOGUES[catalogue];
  return `${c.what} '${c.prefix}<family>.<size>' with a size such as large, xlarge, 2xlarge ... 48xlarge or metal, e.g. '${c.example}'`;
}

/**
 * Why `value` is not a type of `catalogue` (undefined when its shape and size are fine). `db.serverless`
 * (Aurora Serverless v2) is an RDS class without a size.
 */
export function instanceTypeProblem(value: string, catalogue: InstanceCatalogue): string | undefined {
  const c = CATALOGUES[catalogue];
  if (catalogue === 'rds' && value === 'db.serverless') return undefined;
  if (!value.startsWith(c.prefix)) return `it does not start with '${c.prefix}'`;
  const match = /^([a-z][a-z0-9-]*\d[a-z0-9-]*)\.([a-z0-9-]+)$/.exec(value.slice(c.prefix.length));
  if (!match) return `it is not '${c.prefix}<family>.<size>'`;
  if (!INSTANCE_SIZES.includes(match[2])) return `'${match[2]}' is not an instance size`;
  return undefined;
}
