/**
 * Constants and fields every environment has, whatever its backend: name, app, domain, client
 * address blocks, workers, state backend, tags and policy.
 */
import { z } from 'zod';
import { policySchema } from '../../policies/config-schema';
import { documented, withHint } from '../errors';
import { cidrBlock, cidrList, int, pattern } from './fields';

/** Applications the configuration accepts (the stack layer decides which are implemented per backend). */
export const APPS = ['shopware', 'ezplatform', 'steedos'] as const;

/** An application profile: one of {@link APPS}. */
export type App = (typeof APPS)[number];

/**
 * Other names `app` accepts, replaced by the profile's name at parse time, so the parsed configuration
 * (and every stack) only sees {@link APPS}: `ibexa` is the `ezplatform` profile (eZ Platform 3.x / Ibexa DXP 4.x).
 */
export const APP_ALIASES = { ibexa: 'ezplatform' } as const satisfies Record<string, App>;

/** What `app` accepts: the profiles and their aliases. */
const APP_NAMES = ['shopware', 'ezplatform', 'ibexa', 'steedos'] as const satisfies readonly (App | keyof typeof APP_ALIASES)[];
const APP_ALLOWED = "'shopware', 'ezplatform' (alias 'ibexa') or 'steedos'";

/** Backends implemented so far. */
export const BACKENDS = ['aws', 'docker'] as const;

/** Environment names: used in resource names and as the stack name. */
export const ENVIRONMENT_NAME_RE = /^[a-z][a-z0-9-]{1,30}$/;
/** AWS region names, e.g. `eu-central-1`, `us-gov-west-1`. */
export const AWS_REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** Lowercase DNS host names with at least two labels. */
export const HOSTNAME_RE = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** S3 bucket names. */
export const S3_BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

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
  app: documented(
    withHint(z.enum(APP_NAMES), { allowed: APP_ALLOWED, fix: 'set app to one of the allowed names' }).transform((name): App => (name === 'ibexa' ? APP_ALIASES[name] : name)),
    `The application to run (ezplatform: eZ Platform 3.x / Ibexa DXP 4.x). Allowed: ${APP_ALLOWED}.`,
  ),
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

type StateBackendFields = z.output<typeof stateBackendSchema>;

/** The state backend with its default S3 key (`<environment name>/terraform.tfstate`) filled in. */
export function resolveStateBackend(state: StateBackendFields, envName: string) {
  return state.type === 'local' ? state : { ...state, key: state.key ?? `${envName}/terraform.tfstate` };
}
