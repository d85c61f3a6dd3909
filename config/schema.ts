/**
 * Schema of `webcluster.yaml`: a list of environments, each discriminated by `backend`.
 *
 * Every object is strict (unknown keys are errors), defaults are applied by the schema so the parsed
 * {@link WebclusterConfig} has every optional field filled in, and every schema that can fail carries a
 * {@link FieldHint} (what is allowed, how to fix it) that the loader puts into its one-line problems.
 *
 * Adding a backend: define `<backend>EnvironmentSchema` from {@link commonEnvironmentShape} plus its own
 * fields (with `backend: z.literal('<backend>')`) and add it to the list in {@link environmentSchema}.
 */
import { z } from 'zod';
import { formatIpv4Cidr, parseIpv4Cidr } from '../constructs/core/cidr';
import { type InstanceCatalogue, instanceTypeAllowed, instanceTypeProblem } from '../constructs/aws/instance-types';
import { imageRefProblem } from '../constructs/core/image-ref';
import { dataNodeLabelHint, edgeNodeLabelHint, NODE_LABEL_KEY_ALLOWED, nodeLabelKeyProblem } from '../constructs/docker/swarm-placement';
import { policySchema } from '../policies/config-schema';
import { backupSchema, resolveBackup } from './backup-schema';
import { type CustomIssueParams, documented, withHint } from './errors';

// ---------------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------------

/** Applications the configuration accepts (the stack layer decides which are implemented per backend). */
export const APPS = ['shopware', 'ezplatform', 'steedos'] as const;

/** Backends implemented so far. */
export const BACKENDS = ['aws', 'docker'] as const;

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Environment names: used in resource names and as the stack name. */
export const ENVIRONMENT_NAME_RE = /^[a-z][a-z0-9-]{1,30}$/;
/** AWS region names, e.g. `eu-central-1`, `us-gov-west-1`. */
export const AWS_REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** AWS availability zone names, e.g. `eu-central-1a`. */
export const AWS_ZONE_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;
/** Lowercase DNS host names with at least two labels. */
export const HOSTNAME_RE = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** ACM certificate ARNs. */
export const ACM_CERTIFICATE_ARN_RE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
/** Route 53 hosted zone ids. */
export const HOSTED_ZONE_ID_RE = /^Z[A-Z0-9]{1,32}$/;
/** S3 bucket names. */
export const S3_BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const ZONE_LETTERS = 'abcdef';

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

type Ctx = z.core.$RefinementCtx<unknown>;

/** Adds a custom issue with our own `allowed`/`fix` text; `path` is relative to the refined schema. */
function problem(ctx: Ctx, input: unknown, params: CustomIssueParams, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: params.allowed, params: { allowed: params.allowed, fix: params.fix }, input, path, continue: true });
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Runs a cross-field refinement only when the object parsed and the fields it reads have no problems of their own. */
function whenValid(...fields: string[]): z.core.$ZodSuperRefineParams {
  return {
    when: (payload) =>
      isRecord(payload.value) && !payload.issues.some((i) => i.path !== undefined && i.path.length > 0 && fields.includes(String(i.path[0]))),
  };
}

function int(min: number, max: number, allowed: string, fix: string): z.ZodNumber {
  return withHint(z.number().int().min(min).max(max), { allowed, fix });
}

function pattern(re: RegExp, allowed: string, fix: string): z.ZodString {
  return withHint(z.string().regex(re), { allowed, fix });
}

/** Reports entries of a list that occur more than once (at the later index). */
function noDuplicates(list: readonly unknown[], ctx: Ctx): void {
  list.forEach((entry, i) => {
    const first = list.indexOf(entry);
    if (first !== i) {
      problem(ctx, entry, { allowed: `each entry once (already listed at index ${first})`, fix: `remove the duplicate entry at index ${i}` }, [i]);
    }
  });
}

/** For `a.b.c.d/n` with host bits set (or a bare address), the block the user most likely meant. */
function suggestCidr(text: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return formatIpv4Cidr({ network: (ip & mask) >>> 0, prefix });
}

/** Rules for one CIDR list. */
interface CidrRules {
  /** Why 0.0.0.0/0 is refused; when absent it is accepted. */
  readonly worldOpen?: string;
  /** Shortest prefix accepted. */
  readonly minPrefix?: number;
  /** How to fix a refused block. */
  readonly narrowFix?: string;
}

const CIDR_ALLOWED = 'an IPv4 CIDR block with zero host bits, e.g. 203.0.113.0/24';

function cidrBlock(rules: CidrRules = {}): z.ZodString {
  return withHint(z.string(), { allowed: CIDR_ALLOWED, fix: "write the block as a quoted string such as '203.0.113.0/24'" }).superRefine(
    (text, ctx) => {
      const parsed = parseIpv4Cidr(text);
      if (!parsed) {
        const suggestion = suggestCidr(text);
        problem(ctx, text, {
          allowed: CIDR_ALLOWED,
          fix: suggestion && suggestion !== text ? `use '${suggestion}'` : "write address/prefix, e.g. '203.0.113.0/24' or '198.51.100.7/32'",
        });
        return;
      }
      if (rules.worldOpen !== undefined && parsed.prefix === 0) {
        problem(ctx, text, { allowed: `specific blocks, not 0.0.0.0/0 (${rules.worldOpen})`, fix: rules.narrowFix ?? 'list your own address ranges' });
      } else if (rules.minPrefix !== undefined && parsed.prefix < rules.minPrefix) {
        problem(ctx, text, {
          allowed: `blocks with prefix /${rules.minPrefix} or longer (at most ${(2 ** (32 - rules.minPrefix)).toLocaleString('en-US')} addresses)`,
          fix: rules.narrowFix ?? `narrow the block to /${rules.minPrefix} or longer`,
        });
      }
    },
  );
}

function cidrList(element: z.ZodString, allowed: string, fix: string, minEntries = 0): z.ZodArray<z.ZodString> {
  const list = minEntries > 0 ? z.array(element).min(minEntries) : z.array(element);
  return withHint(list, { allowed, fix }).superRefine(noDuplicates);
}

// ---------------------------------------------------------------------------------------------------------------
// Fields shared by all backends
// ---------------------------------------------------------------------------------------------------------------

const localStateSchema = z.strictObject({ type: z.literal('local') });

const s3StateSchema = z.strictObject({
  type: z.literal('s3'),
  bucket: pattern(S3_BUCKET_RE, 'an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)', 'set bucket to the existing state bucket, e.g. my-org-terraform-state'),
  key: withHint(z.string().min(1).max(1024).regex(/^[^/]/), {
    allowed: 'an object key of 1 to 1024 characters not starting with /',
    fix: "use e.g. 'shopware-prod/terraform.tfstate', or remove key to get '<environment name>/terraform.tfstate'",
  }).optional(),
  region: pattern(AWS_REGION_RE, 'the AWS region of the state bucket, e.g. eu-central-1', 'set region to the region the state bucket lives in'),
  encrypt: withHint(z.boolean(), { fix: 'use true or false without quotes' }).default(true),
  useLockfile: withHint(z.boolean(), { fix: 'use true or false without quotes' }).default(true),
});

const stateBackendSchema = withHint(z.discriminatedUnion('type', [localStateSchema, s3StateSchema]), {
  allowed: "a mapping with type 'local' or 's3'",
  fix: "set type to 'local' (state file in the project directory) or 's3' (shared state in an S3 bucket, with bucket and region)",
});

const tagsSchema = z.record(
  withHint(z.string().min(1).max(128), { allowed: 'a tag key of 1 to 128 characters', fix: 'shorten or rename the tag key' }),
  withHint(z.string().max(256), { allowed: 'a tag value: a string of at most 256 characters', fix: 'shorten the tag value' }),
);

/**
 * Fields every environment has, whatever its backend. Spread into each backend's object schema.
 */
export const commonEnvironmentShape = {
  name: documented(
    pattern(
      ENVIRONMENT_NAME_RE,
      'lowercase letters, digits and hyphens, starting with a letter, 2 to 31 characters',
      "use a short lowercase name such as 'shopware-prod'; it names the stack and prefixes resource names",
    ),
    'The stack name and the prefix of resource names.',
  ),
  app: documented(withHint(z.enum(APPS), { fix: "use 'shopware', 'ezplatform' or 'steedos'" }), 'The application to run.'),
  domain: documented(
    pattern(HOSTNAME_RE, 'a lowercase DNS host name such as shop.example.com', 'set domain to the host name the shop is served under, without scheme, port or path'),
    'The host name the site is served under.',
  ),
  ingressCidrs: cidrList(
    cidrBlock(),
    'a list of at least one IPv4 CIDR block that may reach the load balancer on ports 80/443',
    "use ['0.0.0.0/0'] for a public shop, or list the allowed blocks",
    1,
  ).default(['0.0.0.0/0']),
  adminCidrs: documented(
    cidrList(
      cidrBlock({
        worldOpen: 'the admin area must not be reachable from the whole internet',
        narrowFix: 'list your office or VPN ranges, e.g. 203.0.113.0/24, or leave adminCidrs empty',
      }),
      'a list of IPv4 CIDR blocks that may reach /admin',
      "list blocks such as '203.0.113.0/24', or [] to allow no one",
    ).default([]),
    'Who may reach /admin (the admin host or container). Empty: nobody.',
  ),
  workers: documented(
    int(1, 16, 'an integer from 1 to 16', 'set workers to the number of queue-worker processes per app server (default 2)').default(2),
    'Queue-worker processes per app server (AWS) or worker containers (Docker).',
  ),
  allowDestroy: documented(
    withHint(z.boolean(), { fix: 'use true (dev only: turns off deletion protection) or false, without quotes' }).default(false),
    'Dev only: turns off deletion protection and prevent_destroy, so `cdktf destroy` removes everything.',
  ),
  stateBackend: documented(stateBackendSchema.default({ type: 'local' }), 'Where Terraform state is kept: a local file (default) or an S3 bucket.'),
  split: documented(
    withHint(z.boolean(), {
      fix: 'use true (three stacks <name>-network, <name>-data and <name>-app) or false (one stack <name>), without quotes',
    }).default(false),
    'AWS only: three stacks <name>-network, <name>-data and <name>-app instead of one.',
  ),
  tags: documented(
    withHint(tagsSchema, { allowed: 'a mapping of tag names to string values', fix: 'write tags as indented key: value lines' }).default({}),
    'Tags on every resource.',
  ),
  policy: policySchema,
};

// ---------------------------------------------------------------------------------------------------------------
// AWS
// ---------------------------------------------------------------------------------------------------------------

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
type StateBackendFields = z.output<typeof stateBackendSchema>;

function resolveStateBackend(state: StateBackendFields, envName: string) {
  return state.type === 'local' ? state : { ...state, key: state.key ?? `${envName}/terraform.tfstate` };
}

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

// ---------------------------------------------------------------------------------------------------------------
// Docker
// ---------------------------------------------------------------------------------------------------------------

/** Docker daemon addresses: the local socket, TCP (with TLS configured outside) or SSH. */
export const DOCKER_HOST_RE = /^(unix:\/\/\/\S+|tcp:\/\/\S+|ssh:\/\/\S+)$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function pinnedImage(role: string): z.ZodType<string> {
  return withHint(z.string(), { allowed: 'an image reference pinned by tag or digest', fix: `use e.g. 'registry/image:1.2.3' for ${role}` }).superRefine(
    (ref, ctx) => {
      const why = imageRefProblem(ref);
      if (why !== undefined) {
        problem(ctx, ref, {
          allowed: `an image reference pinned by tag or digest (${why})`,
          fix: `add a version tag, e.g. '${ref.split('@')[0].replace(/:[^/]*$/, '')}:<version>', for ${role}`,
        });
      }
    },
  );
}

/** A node label key (`docker node update --label-add <key>=true <node>`). */
function nodeLabelKey(example: string): z.ZodType<string> {
  return withHint(z.string(), { allowed: NODE_LABEL_KEY_ALLOWED, fix: `use e.g. ${example}` }).superRefine((key, ctx) => {
    const why = nodeLabelKeyProblem(key);
    if (why !== undefined) problem(ctx, key, { allowed: NODE_LABEL_KEY_ALLOWED, fix: `${why}; use e.g. ${example}` });
  });
}

/** `docker.swarm`: the nodes of the swarm and the labels pinning stateful services and the load balancer. */
const dockerSwarmSchema = z
  .strictObject({
    nodes: int(1, 100, 'an integer from 1 to 100 (the nodes of the swarm)', "set nodes to the number of nodes 'docker node ls' lists (default 1)").default(1),
    dataNodeLabel: nodeLabelKey('webcluster.data').optional(),
    edgeNodeLabel: nodeLabelKey('webcluster.edge').optional(),
    loadBalancer: withHint(z.enum(['global', 'pinned']), {
      fix: "use 'global' (a Traefik on every labelled edge node) or 'pinned' (one Traefik on the labelled edge node)",
    }).default('global'),
  })
  .superRefine((swarm, ctx) => {
    if (swarm.nodes <= 1) return;
    if (swarm.dataNodeLabel === undefined) problem(ctx, undefined, dataNodeLabelHint(swarm.nodes), ['dataNodeLabel']);
    if (swarm.edgeNodeLabel === undefined) problem(ctx, undefined, edgeNodeLabelHint(swarm.nodes), ['edgeNodeLabel']);
  }, whenValid('nodes'));

const dockerEngineSchema = z.strictObject({
  host: documented(
    pattern(DOCKER_HOST_RE, 'unix:///path, tcp://host:port or ssh://user@host', "use 'unix:///var/run/docker.sock' (local) or 'ssh://deploy@host'").default(
      'unix:///var/run/docker.sock',
    ),
    'The Docker daemon address: the local socket, or ssh://user@host for a remote engine.',
  ),
  mode: documented(
    withHint(z.enum(['standalone', 'swarm']), { fix: "use 'standalone' (containers on one engine) or 'swarm' (services on a swarm)" }).default('standalone'),
    'standalone: containers on one engine; swarm: services on a swarm.',
  ),
  listenAddress: documented(
    pattern(IPV4_RE, 'an IPv4 address of the host', "use '0.0.0.0' (all addresses) or '127.0.0.1' (this host only)").default('0.0.0.0'),
    'The address the load balancer publishes its port on.',
  ),
  httpPort: documented(
    int(1, 65535, 'a TCP port from 1 to 65535', 'set httpPort to the port the load balancer publishes (default 80)').default(80),
    'The port the load balancer publishes.',
  ),
  acmeEmail: documented(
    withHint(z.email(), { allowed: 'an e-mail address', fix: "set the contact for Let's Encrypt, or remove acmeEmail to serve plain HTTP" }).optional(),
    "Enables HTTPS on 443 with Let's Encrypt, with this contact.",
  ),
  debugPorts: documented(
    withHint(z.boolean(), { fix: 'use true (publish data-store ports on 127.0.0.1) or false, without quotes' }).default(false),
    'Publish the data stores\' ports on 127.0.0.1 (standalone only).',
  ),
  endpointMode: documented(
    withHint(z.enum(['vip', 'dnsrr']), {
      fix: "use 'vip' (a virtual IP per service, needs IPVS in the nodes' kernels) or 'dnsrr' (DNS round robin over the tasks)",
    }).default('vip'),
    "Swarm only. vip: a virtual IP per service (IPVS in the nodes' kernels); dnsrr: DNS round robin over the tasks.",
  ),
  hostMemoryMb: documented(
    int(2048, 4194304, 'an integer number of MiB from 2048 to 4194304', 'give the memory of the Docker host (of each swarm node) in MiB, e.g. 8192 for 8 GiB').default(8192),
    'Memory of the host (Swarm: of each node) in MiB; synthesis fails when the reservations do not fit it less 1024 MiB.',
  ),
  serverOpenFiles: documented(
    int(
      1024,
      1048576,
      "an integer from 1024 to 1048576, at most the Docker engine's own hard limit",
      "use 65536 (Docker's systemd unit gives the engine 1048576), or what 'ulimit -Hn' of the engine allows",
    ).default(65536),
    'Open-files limit (nofile) of MariaDB and Valkey.',
  ),
  swapLimit: documented(
    withHint(z.boolean(), {
      fix: "use true (containers get no swap beyond their memory limit) or false where 'docker info' warns 'No swap limit support', without quotes",
    }).default(true),
    "Containers get no swap beyond their memory limit; false where 'docker info' warns 'No swap limit support'.",
  ),
  swarm: documented(dockerSwarmSchema.optional(), 'Swarm only: the nodes of the swarm and the node labels that pin the stateful services and Traefik.'),
});

/** One role's memory and CPUs; what is left out keeps the role's default (DEFAULT_RESOURCES). */
function roleResources(role: string): z.ZodType<{ memoryMb?: number; reservationMb?: number; cpus?: number }> {
  return z
    .strictObject({
      memoryMb: int(16, 1048576, 'an integer number of MiB from 16 to 1048576', `set the memory limit of one ${role} container in MiB, e.g. 512`).optional(),
      reservationMb: int(0, 1048576, 'an integer number of MiB from 0 to memoryMb', `set the memory set aside for one ${role} container in MiB, or leave it out`).optional(),
      cpus: withHint(z.number().min(0.01).max(64), { allowed: 'a number of CPUs from 0.01 to 64', fix: `use e.g. 0.5 or 2 for ${role}` }).optional(),
    })
    .superRefine((r, ctx) => {
      if (r.reservationMb !== undefined && r.memoryMb !== undefined && r.reservationMb > r.memoryMb) {
        problem(ctx, r.reservationMb, { allowed: `at most memoryMb (${r.memoryMb})`, fix: 'reserve at most the limit, or leave reservationMb out' }, ['reservationMb']);
      }
    });
}

/** Per-role resources of a Docker environment (a role the app does not run is not created, so its entry has no effect). */
const dockerResourcesSchema = z.strictObject({
  loadBalancer: roleResources('load balancer (Traefik)').optional(),
  app: roleResources('app').optional(),
  worker: roleResources('queue worker').optional(),
  scheduler: roleResources('scheduler').optional(),
  admin: roleResources('admin').optional(),
  database: roleResources('MariaDB').optional(),
  redis: z
    .strictObject({
      cache: roleResources('Redis cache').optional(),
      sessions: roleResources('Redis sessions').optional(),
      critical: roleResources('Redis critical').optional(),
      queue: roleResources('Redis queue').optional(),
    })
    .optional(),
  storage: roleResources('MinIO').optional(),
  logs: roleResources('Fluent Bit').optional(),
  httpCache: roleResources('Varnish').optional(),
  search: roleResources('Solr').optional(),
  documentDatabase: roleResources('MongoDB member').optional(),
  backup: roleResources('backup job').optional(),
});

const dockerImagesSchema = z.strictObject({
  app: pinnedImage('the app (your project image built FROM the vendor base image)').optional(),
  traefik: pinnedImage('Traefik').optional(),
  valkey: pinnedImage('Valkey/Redis').optional(),
  mariadb: pinnedImage('MariaDB/MySQL').optional(),
  minio: pinnedImage('MinIO').optional(),
  s3Client: pinnedImage('the bucket set-up task (an image with /bin/sh and curl >= 7.75)').optional(),
  // Renamed: the bucket set-up speaks plain S3 with curl now, so a MinIO client image no longer fits.
  minioClient: withHint(z.never(), {
    allowed: 'no such key any more (the bucket set-up uses curl, not the MinIO client)',
    fix: "rename it to images.s3Client and give an image with /bin/sh and curl >= 7.75, e.g. 'curlimages/curl:8.11.1'",
  }).optional(),
  fluentBit: pinnedImage('Fluent Bit').optional(),
  busybox: pinnedImage("BusyBox for Fluent Bit's health check (an image with a statically linked /bin/busybox)").optional(),
});

const dockerEnvironmentFields = z
  .strictObject({
    name: commonEnvironmentShape.name,
    app: commonEnvironmentShape.app,
    backend: documented(z.literal('docker'), 'Where it runs: aws (VMs) or docker (one engine or a swarm).'),
    domain: commonEnvironmentShape.domain,
    ingressCidrs: commonEnvironmentShape.ingressCidrs,
    adminCidrs: commonEnvironmentShape.adminCidrs,
    docker: documented(dockerEngineSchema.prefault({}), 'The Docker engine or swarm.'),
    replicas: z
      .strictObject({
        app: documented(int(1, 50, 'an integer from 1 to 50', 'set replicas.app to the number of app containers (default 2)').default(2), 'App containers.'),
      })
      .prefault({}),
    workers: commonEnvironmentShape.workers,
    database: z
      .strictObject({
        replica: documented(withHint(z.boolean(), { fix: 'use true (add a read replica) or false, without quotes' }).default(false), 'Add a MariaDB read replica.'),
      })
      .prefault({}),
    images: documented(dockerImagesSchema.prefault({}), 'Image overrides, each pinned by tag or digest; set app to your project image.'),
    backup: backupSchema,
    resources: documented(
      dockerResourcesSchema.prefault({}),
      'Memory limit, reservation (MiB) and CPUs of one container of each role; what is left out keeps the default.',
    ),
    allowDestroy: commonEnvironmentShape.allowDestroy,
    stateBackend: commonEnvironmentShape.stateBackend,
    split: commonEnvironmentShape.split,
    tags: commonEnvironmentShape.tags,
    policy: commonEnvironmentShape.policy,
  })
  .superRefine((env, ctx) => {
    if (env.docker.mode !== 'swarm' && env.docker.endpointMode !== 'vip') {
      problem(
        ctx,
        env.docker.endpointMode,
        { allowed: "'vip' on a standalone engine (the endpoint mode is a Swarm service setting)", fix: 'remove endpointMode, or use mode: swarm' },
        ['docker', 'endpointMode'],
      );
    }
    if (env.docker.mode !== 'swarm' && env.docker.swarm !== undefined) {
      problem(
        ctx,
        env.docker.swarm,
        { allowed: "no swarm block on a standalone engine (nodes and node labels are Swarm settings)", fix: 'remove swarm, or use mode: swarm' },
        ['docker', 'swarm'],
      );
    }
    if (env.docker.mode === 'swarm' && env.docker.debugPorts) {
      problem(
        ctx,
        true,
        {
          allowed: 'false on swarm (Swarm publishes ports on every address of every node, never on 127.0.0.1 only)',
          fix: "set debugPorts: false, or use mode: standalone to reach data stores on 127.0.0.1",
        },
        ['docker', 'debugPorts'],
      );
    }
  }, whenValid('docker'));

/** One environment on Docker (one engine or a swarm). */
export const dockerEnvironmentSchema = dockerEnvironmentFields.transform((env) => ({
  ...env,
  stateBackend: resolveStateBackend(env.stateBackend, env.name),
  backup: resolveBackup(env.backup, env.name, env.docker.mode),
}));

// ---------------------------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------------------------

/** One environment, of any backend. Add new backends to this list. */
export const environmentSchema = withHint(z.discriminatedUnion('backend', [awsEnvironmentSchema, dockerEnvironmentSchema]), {
  allowed: 'a mapping with name, app, backend and the settings of that backend (see webcluster.yaml)',
  fix: `set backend to ${BACKENDS.map((b) => `'${b}'`).join(' or ')}`,
});

/** The whole configuration file. */
export const webclusterConfigSchema = withHint(
  z.strictObject({
    environments: withHint(z.array(environmentSchema).min(1), {
      allowed: 'a list of at least one environment',
      fix: "add at least one environment under 'environments:' (see webcluster.yaml in the repository root)",
    }).superRefine(
      (envs: readonly unknown[], ctx) => {
        const seen = new Map<string, number>();
        envs.forEach((env, i) => {
          const name = isRecord(env) ? env.name : undefined;
          if (typeof name !== 'string') return;
          const first = seen.get(name);
          if (first === undefined) {
            seen.set(name, i);
            return;
          }
          problem(
            ctx,
            name,
            {
              allowed: `a name no other environment uses (environments[${first}] is already named '${name}')`,
              fix: 'rename one of them; the name becomes the stack name and prefixes resource names',
            },
            [i, 'name'],
          );
        });
      },
      { when: (payload) => Array.isArray(payload.value) },
    ),
  }),
  {
    allowed: "a mapping with the key 'environments' (a list of environments)",
    fix: "add an 'environments' list (start from webcluster.yaml in the repository root)",
  },
);

/** The parsed configuration, defaults applied. */
export type WebclusterConfig = z.output<typeof webclusterConfigSchema>;
/** One environment of any backend, defaults applied. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
/** One AWS environment, defaults applied. */
export type AwsEnvironmentConfig = z.output<typeof awsEnvironmentSchema>;
/** Where Terraform state is kept. */
export type StateBackendConfig = AwsEnvironmentConfig['stateBackend'];
/** One Docker environment, defaults applied. */
export type DockerEnvironmentConfig = z.output<typeof dockerEnvironmentSchema>;
/** Instance sizes of an AWS environment. */
export type AwsSizesConfig = AwsEnvironmentConfig['sizes'];
/** The input accepted by the schema (before defaults). */
export type WebclusterConfigInput = z.input<typeof webclusterConfigSchema>;
