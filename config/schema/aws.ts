/**
 * The fields of an AWS environment: region and zones, network, certificate, instance sizes, logs,
 * CDN and encryption.
 */
import { z } from 'zod';
import { parseIpv4Cidr } from '../../constructs/core/cidr';
import { type InstanceCatalogue, instanceTypeAllowed, instanceTypeProblem } from '../../constructs/aws/instance-types';
import { documented, withHint } from '../errors';
import { AWS_REGION_RE, commonEnvironmentShape, resolveStateBackend } from './common';
import { cidrBlock, cidrList, int, noDuplicates, pattern, problem, suggestCidr, whenValid } from './fields';

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** AWS availability zone names, e.g. `eu-central-1a`. */
export const AWS_ZONE_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;
/** ACM certificate ARNs. */
export const ACM_CERTIFICATE_ARN_RE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
/** Route 53 hosted zone ids. */
export const HOSTED_ZONE_ID_RE = /^Z[A-Z0-9]{1,32}$/;

const ZONE_LETTERS = 'abcdef';

const certificateSchema = documented(
  withHint(
    z.union([
      z.strictObject({
        arn: pattern(
          ACM_CERTIFICATE_ARN_RE,
          'an ACM certificate ARN such as arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-...',
          'copy the ARN of an issued certificate from the ACM console (same region as the environment)',
        ),
      }),
      z.strictObject({
        hostedZoneId: pattern(
          HOSTED_ZONE_ID_RE,
          'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
          'copy the id of the hosted zone of the domain from the Route 53 console',
        ),
      }),
    ]),
    {
      allowed: 'exactly one of {arn: <ACM certificate ARN>} or {hostedZoneId: <Route 53 zone id>}',
      fix: 'give arn for an existing certificate, or hostedZoneId to create a DNS-validated certificate for domain',
    },
  ),
  'The TLS certificate of the load balancer: an existing ACM certificate, or a new DNS-validated one.',
);

/** `encryptionKey`: `create` or the ARN of a KMS key. */
const KMS_KEY_RE = /^(create|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36})$/;

/** A type of one AWS catalogue: shape and size (TFLint's AWS ruleset checks the exact names in CI). */
function catalogueType(catalogue: InstanceCatalogue, example: string): z.ZodString {
  return withHint(z.string(), { allowed: instanceTypeAllowed(catalogue), fix: `use e.g. ${example}` }).superRefine((value, ctx) => {
    const reason = instanceTypeProblem(value, catalogue);
    if (reason !== undefined) problem(ctx, value, { allowed: instanceTypeAllowed(catalogue), fix: `${reason}; use e.g. ${example}` });
  });
}

const instanceType = (fallback: string): z.ZodDefault<z.ZodString> => catalogueType('ec2', fallback).default(fallback);

const appSizesSchema = z
  .strictObject({
    instanceType: instanceType('m7i.large'),
    min: int(2, 100, 'an integer from 2 to 100 (two servers at least, for high availability)', 'set min to 2 or more').default(2),
    max: int(2, 100, 'an integer from 2 to 100', 'set max to the largest number of app servers to scale out to').default(6),
    desired: int(2, 100, 'an integer from 2 to 100, between min and max', 'set desired between min and max, or remove it').optional(),
  })
  .superRefine((app, ctx) => {
    if (app.min > app.max) {
      problem(ctx, app.min, { allowed: `at most sizes.app.max (${app.max})`, fix: `lower min to ${app.max} or less, or raise max to ${app.min} or more` }, ['min']);
    }
    if (app.desired !== undefined && (app.desired < app.min || app.desired > app.max)) {
      problem(ctx, app.desired, { allowed: `between min (${app.min}) and max (${app.max})`, fix: 'set desired within min..max, or remove it' }, ['desired']);
    }
  }, whenValid('min', 'max', 'desired'));

const sizesSchema = z.strictObject({
  app: documented(appSizesSchema.prefault({}), 'The auto-scaled app servers.'),
  admin: documented(z.strictObject({ instanceType: instanceType('t3.medium') }).prefault({}), 'The admin host (/admin, setup, scheduled tasks).'),
  database: documented(
    z
      .strictObject({
        instanceClass: catalogueType('rds', 'db.r7g.large').default('db.r7g.large'),
        readers: int(1, 15, 'an integer from 1 to 15', 'set readers to 1 or more (one reader keeps the database available during a failover)').default(1),
      })
      .prefault({}),
    'Aurora MySQL: one writer plus readers.',
  ),
  redis: documented(
    z
      .strictObject({
        nodeType: catalogueType('elasticache', 'cache.r7g.large').default('cache.r7g.large'),
        replicas: int(1, 5, 'an integer from 1 to 5', 'set replicas to 1 or more (a replica takes over when the primary fails)').default(1),
      })
      .prefault({}),
    'ElastiCache, one replication group per data class.',
  ),
});

const awsEnvironmentFields = z
  .strictObject({
    name: commonEnvironmentShape.name,
    app: commonEnvironmentShape.app,
    backend: documented(z.literal('aws'), 'Where it runs: aws (VMs) or docker (one engine or a swarm).'),
    region: documented(pattern(AWS_REGION_RE, 'an AWS region name such as eu-central-1', 'use a region name such as eu-central-1 or us-east-1'), 'The AWS region.'),
    availabilityZones: documented(
      int(2, 6, 'an integer from 2 to 6 (the number of zones)', 'use 2 to 6 zones; 3 is the default').optional(),
      'The number of availability zones (<region>a, <region>b, ...); default 3, or as many as zoneNames.',
    ),
    zoneNames: withHint(z.array(pattern(AWS_ZONE_RE, 'an availability zone name such as eu-central-1a', 'use zone names such as eu-central-1a')).min(2).max(6), {
      allowed: '2 to 6 availability zone names of the region, e.g. [eu-central-1a, eu-central-1b]',
      fix: 'list 2 to 6 zones, or remove zoneNames to use <region>a, <region>b, ...',
    })
      .superRefine(noDuplicates)
      .optional(),
    vpcCidr: withHint(z.string(), { allowed: 'an IPv4 block with prefix /16 to /18', fix: "use e.g. '10.0.0.0/16'" })
      .superRefine((text, ctx) => {
        const parsed = parseIpv4Cidr(text);
        if (!parsed || parsed.prefix < 16 || parsed.prefix > 18) {
          const suggestion = parsed ? undefined : suggestCidr(text);
          problem(ctx, text, {
            allowed: 'an IPv4 block with prefix /16 to /18 and zero host bits',
            fix: suggestion && suggestion !== text && /\/1[6-8]$/.test(suggestion) ? `use '${suggestion}'` : "use e.g. '10.0.0.0/16'",
          });
        }
      })
      .default('10.0.0.0/16'),
    natGateways: documented(
      withHint(z.enum(['per-az', 'single']), {
        fix: "use 'per-az' (survives the loss of a zone) or 'single' (cheaper, for dev)",
      }).default('per-az'),
      'per-az: one NAT gateway per zone (survives the loss of a zone); single: one only (cheaper, for dev).',
    ),
    domain: commonEnvironmentShape.domain,
    certificate: certificateSchema,
    ingressCidrs: commonEnvironmentShape.ingressCidrs,
    adminCidrs: commonEnvironmentShape.adminCidrs,
    sshCidrs: documented(
      cidrList(
        cidrBlock({
          worldOpen: 'SSH must never be open to the whole internet',
          minPrefix: 16,
          narrowFix: "list the office or VPN block you connect from, e.g. '203.0.113.0/24'",
        }),
        'a list of IPv4 CIDR blocks (prefix /16 or longer) that may reach the admin host on port 22',
        "list blocks such as '203.0.113.0/24', or [] to disable SSH",
      ).default([]),
      'Who may reach the admin host by SSH on port 22 (opt-in).',
    ),
    sizes: documented(sizesSchema.prefault({}), 'Instance sizes; every field is optional.'),
    workers: commonEnvironmentShape.workers,
    logRetentionDays: documented(
      withHint(z.literal(LOG_RETENTION_DAYS), { fix: 'use one of the retention periods CloudWatch Logs supports, e.g. 365 or 731' }).default(365),
      'Retention of the CloudWatch log groups in days.',
    ),
    cdn: documented(
      withHint(z.boolean(), { fix: 'use true (serve public files through CloudFront) or false, without quotes' }).default(true),
      'Serve the public bucket through CloudFront (the bucket stays private); false: the app serves public files itself.',
    ),
    encryptionKey: documented(
      pattern(
        KMS_KEY_RE,
        "'create' (one customer-managed KMS key for the environment) or a KMS key ARN such as arn:aws:kms:eu-central-1:123456789012:key/<uuid>",
        "write 'create', or copy the key's ARN (not its alias); leave it out for AWS-managed keys",
      ).optional(),
      'Customer-managed KMS key of the data; set it when the environment is created. Default: AWS-managed keys.',
    ),
    allowDestroy: commonEnvironmentShape.allowDestroy,
    stateBackend: commonEnvironmentShape.stateBackend,
    split: commonEnvironmentShape.split,
    tags: commonEnvironmentShape.tags,
    policy: commonEnvironmentShape.policy,
  })
  // The zone checks read zoneNames defensively: they also run when single entries are bad (or repeated).
  .superRefine((env, ctx) => {
    const zones: unknown = env.zoneNames;
    if (Array.isArray(zones) && env.availabilityZones !== undefined && zones.length !== env.availabilityZones) {
      problem(
        ctx,
        zones,
        {
          allowed: `exactly availabilityZones (${env.availabilityZones}) zone names`,
          fix: `list ${env.availabilityZones} zones, or set availabilityZones to ${zones.length} (or remove it: it follows zoneNames)`,
        },
        ['zoneNames'],
      );
    }
  }, whenValid('availabilityZones'))
  .superRefine((env, ctx) => {
    const zones: unknown = env.zoneNames;
    if (!Array.isArray(zones)) return;
    zones.forEach((zone: unknown, i) => {
      if (typeof zone === 'string' && AWS_ZONE_RE.test(zone) && !zone.startsWith(env.region)) {
        problem(ctx, zone, { allowed: `a zone of region ${env.region} (${env.region}a, ${env.region}b, ...)`, fix: `use zone names that start with '${env.region}'` }, [
          'zoneNames',
          i,
        ]);
      }
    });
  }, whenValid('region'))
  .superRefine((env, ctx) => {
    if ('arn' in env.certificate) {
      const certRegion = env.certificate.arn.split(':')[3];
      if (certRegion !== env.region) {
        problem(
          ctx,
          env.certificate.arn,
          {
            allowed: `a certificate in the environment's region ${env.region} (the load balancer can only use certificates of its own region)`,
            fix: `request or import the certificate in ${env.region}, or use hostedZoneId to have one created`,
          },
          ['certificate', 'arn'],
        );
      }
    }
  }, whenValid('certificate', 'region'));

type AwsEnvironmentFields = z.output<typeof awsEnvironmentFields>;

/** Fills in what depends on other fields: zone count and names, and the default S3 state key. */
function resolveAwsEnvironment(env: AwsEnvironmentFields) {
  const availabilityZones = env.availabilityZones ?? env.zoneNames?.length ?? 3;
  return {
    ...env,
    availabilityZones,
    zoneNames: env.zoneNames ?? [...ZONE_LETTERS.slice(0, availabilityZones)].map((letter) => `${env.region}${letter}`),
    stateBackend: resolveStateBackend(env.stateBackend, env.name),
  };
}

/** One environment on AWS. */
export const awsEnvironmentSchema = awsEnvironmentFields.transform(resolveAwsEnvironment);
