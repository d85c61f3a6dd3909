/**
 * Turns a validated webcluster.yaml into stacks: one stack per environment, named after it, or three
 * (`<name>-network`, `<name>-data`, `<name>-app`) for an environment with `split: true`.
 */
import type { Construct, IConstruct } from 'constructs';
import { ConfigError } from '../config/errors';
import type { AwsEnvironmentConfig, DockerEnvironmentConfig, EnvironmentConfig, WebclusterConfig } from '../config/schema';
import { ListenerCertificate } from '../constructs/aws/load-balancer';
import type { RedisDataClass } from '../constructs/core/roles';
import { type ContainerResources, DEFAULT_RESOURCES, type DockerRoleResources } from '../constructs/docker/container-resources';
import type { ConfigSource } from '../config/source';
import type { TerraformStack } from '../constructs/core/cdktf';
import { ValidationError } from '../constructs/core/validation-error';
import { addAwsVmSplitStacks, AwsVmStack, type AwsVmStackProps } from './aws-vm-stack';
import { yamlProblemLine } from './config-problems';
import { DockerStack } from './docker-stack';
import { EZPLATFORM_VM_PROFILE } from './aws/profiles/ezplatform';
import { SHOPWARE_VM_PROFILE } from './aws/profiles/shopware';
import { STEEDOS_VM_PROFILE } from './aws/profiles/steedos';
import type { VmAppProfile } from './aws/vm-profile';
import type { ContainerAppProfile } from './docker/container-profile';
import { EZPLATFORM_CONTAINER_PROFILE } from './docker/profiles/ezplatform';
import { SHOPWARE_CONTAINER_PROFILE } from './docker/profiles/shopware';
import { STEEDOS_CONTAINER_PROFILE } from './docker/profiles/steedos';

type Backend = EnvironmentConfig['backend'];

/** The profile type each backend renders (the app's needs plus how it runs there). */
interface BackendProfile {
  readonly aws: VmAppProfile;
  readonly docker: ContainerAppProfile;
}

/** App profiles implemented per backend: the one place a new backend or app is registered. */
const PROFILES: { readonly [B in Backend]: Readonly<Record<string, BackendProfile[B]>> } = {
  aws: { shopware: SHOPWARE_VM_PROFILE, steedos: STEEDOS_VM_PROFILE, ezplatform: EZPLATFORM_VM_PROFILE },
  docker: { shopware: SHOPWARE_CONTAINER_PROFILE, steedos: STEEDOS_CONTAINER_PROFILE, ezplatform: EZPLATFORM_CONTAINER_PROFILE },
};

/** How each backend turns an environment into its stacks. */
const BUILDERS: { readonly [B in Backend]: (scope: Construct, env: Extract<EnvironmentConfig, { backend: B }>, profile: BackendProfile[B]) => TerraformStack[] } = {
  aws: addAwsStack,
  docker: addDockerStack,
};

/** Backends that implement split stacks (`split: true`). */
const SPLIT_BACKENDS: readonly Backend[] = ['aws'];

/** Options of {@link addEnvironmentStacks} and {@link validateEnvironmentStacks}. */
export interface EnvironmentStacksOptions {
  /**
   * Where each field of the configuration is written: problems then carry the line of the field.
   * @default - problems name the file without a line
   */
  readonly source?: ConfigSource;
  /**
   * Build only the environment of this name (problems still give its index in the file).
   * @default - every environment
   */
  readonly only?: string;
}

/** The index in `environments` of the environment each stack was built for. */
const ENVIRONMENT_OF_STACK = new WeakMap<IConstruct, number>();

/** The path of a construct below its stack (`acme-shop/Storage/Cdn` → `Storage/Cdn`). */
function belowStack(path: string): string {
  return path.split('/').slice(1).join('/');
}

/**
 * Adds the stacks of every environment of `config` to `scope`: one per environment, three for a
 * split one (network, data, app, in deployment order).
 *
 * A construct that refuses its props makes a problem line in webcluster.yaml terms (the field, at its
 * line in `source` when given; see stacks/config-problems.ts), one per environment.
 * @throws ConfigError listing the problems
 */
export function addEnvironmentStacks(scope: Construct, config: WebclusterConfig, fileLabel: string, options: EnvironmentStacksOptions = {}): TerraformStack[] {
  const { source, only } = options;
  const problems = config.environments.flatMap((env, i) => [
    ...(env.app in PROFILES[env.backend]
      ? []
      : [
          `${fileLabel}: environments[${i}].app: got "${env.app}"; allowed on backend ${env.backend}: ${Object.keys(PROFILES[env.backend]).join(', ')}; fix: use one of those apps or another backend`,
        ]),
    ...(env.split && !SPLIT_BACKENDS.includes(env.backend)
      ? [
          `${fileLabel}: environments[${i}].split: got true; allowed on backend ${env.backend}: false (split stacks are implemented for backend ${SPLIT_BACKENDS.join(', ')}); fix: remove split or use backend aws`,
        ]
      : []),
  ]);
  if (problems.length > 0) throw new ConfigError(problems);
  const stacks: TerraformStack[] = [];
  const refused: string[] = [];
  config.environments.forEach((env, index) => {
    if (only !== undefined && env.name !== only) return;
    try {
      const built = build(scope, env);
      for (const stack of built) ENVIRONMENT_OF_STACK.set(stack, index);
      stacks.push(...built);
    } catch (err) {
      if (!ValidationError.isValidationError(err)) throw err;
      refused.push(yamlProblemLine({ index, env, construct: belowStack(err.path), problem: err.problem }, fileLabel, source));
    }
  });
  if (refused.length > 0) throw new ConfigError(refused);
  return stacks;
}

/** A construct problem at `path` (a full construct path) as one line, in webcluster.yaml terms when its stack came from `config`. */
function problemLine(scope: Construct, path: string, problem: string, config: WebclusterConfig, fileLabel: string, source?: ConfigSource): string {
  const stack = scope.node.tryFindChild(path.split('/')[0]);
  const index = stack === undefined ? undefined : ENVIRONMENT_OF_STACK.get(stack);
  return index === undefined
    ? `${path}: ${problem}`
    : yamlProblemLine({ index, env: config.environments[index], construct: belowStack(path), problem }, fileLabel, source);
}

/**
 * Runs the deferred checks (`node.addValidation`) of every construct of the stacks added by
 * {@link addEnvironmentStacks} to `scope`: one line per problem, in webcluster.yaml terms.
 */
export function validateEnvironmentStacks(scope: Construct, config: WebclusterConfig, fileLabel: string, options: EnvironmentStacksOptions = {}): string[] {
  const { source } = options;
  return scope.node
    .findAll()
    .flatMap((c) => c.node.validate().map((problem) => problemLine(scope, c.node.path, problem, config, fileLabel, source)));
}

/**
 * A `ValidationError` raised later (e.g. while `scope` synthesizes) by a construct of the stacks added
 * by {@link addEnvironmentStacks}, as one line in webcluster.yaml terms.
 */
export function environmentErrorLine(scope: Construct, err: ValidationError, config: WebclusterConfig, fileLabel: string, options: EnvironmentStacksOptions = {}): string {
  return problemLine(scope, err.path, err.problem, config, fileLabel, options.source);
}

function build<B extends Backend>(scope: Construct, env: Extract<EnvironmentConfig, { backend: B }>): TerraformStack[] {
  const builder = BUILDERS[env.backend as B];
  return builder(scope, env, PROFILES[env.backend as B][env.app]);
}

function addAwsStack(scope: Construct, env: AwsEnvironmentConfig, profile: VmAppProfile): TerraformStack[] {
  const certificate =
    'arn' in env.certificate
      ? ListenerCertificate.fromArn(env.certificate.arn)
      : ListenerCertificate.dnsValidated(env.domain, env.certificate.hostedZoneId);
  const sizes = env.sizes;
  const props: AwsVmStackProps = {
    profile,
    region: env.region,
    availabilityZones: env.zoneNames,
    vpcCidr: env.vpcCidr,
    natGateways: env.natGateways,
    domain: env.domain,
    certificate,
    ingressCidrs: env.ingressCidrs,
    adminCidrs: env.adminCidrs,
    sshCidrs: env.sshCidrs,
    app: { instanceType: sizes.app.instanceType, minCapacity: sizes.app.min, maxCapacity: sizes.app.max, desiredCapacity: sizes.app.desired },
    workersPerHost: env.workers,
    admin: { instanceType: sizes.admin.instanceType },
    database: { instanceClass: sizes.database.instanceClass, readers: sizes.database.readers },
    redis: { nodeType: sizes.redis.nodeType, replicasPerClass: sizes.redis.replicas },
    logRetentionDays: env.logRetentionDays,
    cdn: env.cdn,
    encryptionKey: env.encryptionKey,
    allowDestroy: env.allowDestroy,
    stateBackend: env.stateBackend,
    tags: env.tags,
  };
  if (!env.split) return [new AwsVmStack(scope, env.name, props)];
  const split = addAwsVmSplitStacks(scope, env.name, props);
  return [split.network, split.data, split.app];
}

function addDockerStack(scope: Construct, env: DockerEnvironmentConfig, profile: ContainerAppProfile): TerraformStack[] {
  const stack = new DockerStack(scope, env.name, {
    profile,
    domain: env.domain,
    dockerHost: env.docker.host,
    mode: env.docker.mode,
    endpointMode: env.docker.endpointMode,
    swarm: env.docker.swarm,
    listenAddress: env.docker.listenAddress,
    httpPort: env.docker.httpPort,
    acmeEmail: env.docker.acmeEmail,
    ingressCidrs: env.ingressCidrs,
    adminCidrs: env.adminCidrs,
    appReplicas: env.replicas.app,
    workers: env.workers,
    databaseReplica: env.database.replica,
    debugPorts: env.docker.debugPorts,
    images: env.images,
    allowDestroy: env.allowDestroy,
    stateBackend: env.stateBackend,
    labels: env.tags,
    backup: env.backup.enabled ? { target: env.backup.target, intervalHours: env.backup.intervalHours, at: env.backup.at, keep: env.backup.keep } : false,
    resources: dockerResources(env.resources),
    hostMemoryMb: env.docker.hostMemoryMb,
    serverOpenFiles: env.docker.serverOpenFiles,
    swapLimit: env.docker.swapLimit,
  });
  return [stack];
}

type RoleSizes = { readonly memoryMb?: number; readonly reservationMb?: number; readonly cpus?: number };
type SizedRole = Exclude<keyof DockerRoleResources, 'redis'>;

/** A role's sizes from the config, what it leaves out taken from the role's default. */
function sized(given: RoleSizes | undefined, fallback: ContainerResources): ContainerResources | undefined {
  if (given === undefined) return undefined;
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...fallback, ...set };
}

/** The `resources:` block as the stack takes it. */
function dockerResources(config: DockerEnvironmentConfig['resources']): DockerRoleResources {
  const { redis, ...roles } = config;
  const out: Partial<Record<SizedRole, ContainerResources>> = {};
  for (const [role, given] of Object.entries(roles) as [SizedRole, RoleSizes | undefined][]) {
    const resources = sized(given, DEFAULT_RESOURCES[role]);
    if (resources) out[role] = resources;
  }
  const redisSizes = Object.fromEntries(
    Object.entries(redis ?? {})
      .map(([c, given]) => [c, sized(given, DEFAULT_RESOURCES.redis[c as RedisDataClass])] as const)
      .filter(([, r]) => r !== undefined),
  ) as Partial<Record<RedisDataClass, ContainerResources>>;
  return { ...out, ...(Object.keys(redisSizes).length > 0 ? { redis: redisSizes } : {}) };
}
