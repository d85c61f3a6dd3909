/**
 * Schema of `webcluster.yaml`: a list of environments, each discriminated by `backend`.
 *
 * Every object is strict (unknown keys are errors), defaults are applied by the schema so the parsed
 * {@link WebclusterConfig} has every optional field filled in, and every schema that can fail carries a
 * {@link FieldHint} (what is allowed, how to fix it) that the loader puts into its one-line problems.
 *
 * Adding a backend: define `<backend>EnvironmentSchema` in `config/schema/<backend>.ts` from
 * {@link commonEnvironmentShape} plus its own fields (with `backend: z.literal('<backend>')`) and add it to
 * the list in {@link environmentSchema}.
 */
import { z } from 'zod';
import { withHint } from './errors';
import { awsEnvironmentSchema } from './schema/aws';
import { BACKENDS } from './schema/common';
import { dockerEnvironmentSchema } from './schema/docker';
import { isRecord, problem } from './schema/fields';

// The sections live in config/schema/ (fields.ts: building blocks; common.ts: what every environment has;
// aws.ts, docker.ts: the backends); this module keeps exporting what it always did.
export { ACM_CERTIFICATE_ARN_RE, AWS_ZONE_RE, awsEnvironmentSchema, HOSTED_ZONE_ID_RE, LOG_RETENTION_DAYS } from './schema/aws';
export { type App, APP_ALIASES, APPS, AWS_REGION_RE, BACKENDS, commonEnvironmentShape, ENVIRONMENT_NAME_RE, HOSTNAME_RE, S3_BUCKET_RE } from './schema/common';
export { DOCKER_HOST_RE, dockerEnvironmentSchema } from './schema/docker';

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
