/**
 * The root entry point of the `webcluster` package: the backend-neutral core (ports, peers, the
 * connections model, the role contracts, validation errors), the configuration loader and the policy
 * pack. It loads no provider bindings: the constructs and stacks are imported one file at a time,
 *
 *   import { LoadBalancer } from 'webcluster/constructs/aws/load-balancer';
 *   import { AwsVmStack } from 'webcluster/stacks/aws-vm-stack';
 *
 * so a program pays only for the AWS or Docker resources it uses (see docs/performance.md).
 *
 * @module
 */
export { isConnectable } from './constructs/core/connections';
export type { IConnectable, IConnections } from './constructs/core/connections';
export { Peer } from './constructs/core/peer';
export type { IPeer } from './constructs/core/peer';
export { Port } from './constructs/core/port';
export type { PortProtocol } from './constructs/core/port';
export { REDIS_DATA_CLASSES } from './constructs/core/roles';
export type {
  Endpoint,
  IAdminServer,
  IAppServerGroup,
  IBucket,
  IDatabaseCluster,
  IDocumentDatabase,
  IHttpCache,
  ILoadBalancer,
  ILogShipping,
  IRedisCluster,
  ISearchService,
  ISharedStorage,
  RedisDataClass,
  RedisDataClassTraits,
} from './constructs/core/roles';
export { ValidationError } from './constructs/core/validation-error';
export { ConfigError, CONFIG_ENV_VAR, DEFAULT_CONFIG_FILE, loadConfig, loadConfigFile, parseConfig, resolveConfigPath } from './config/load';
export type { LoadedConfig } from './config/load';
export type { AwsEnvironmentConfig, DockerEnvironmentConfig, EnvironmentConfig, WebclusterConfig, WebclusterConfigInput } from './config/schema';
export { ALL_RULES, AWS_RULES, DOCKER_RULES } from './policies/catalog';
export { PolicyError } from './policies/policy-error';
export { PolicyPack } from './policies/policy-pack';
export type { PolicyFinding, PolicyPackProps, PolicySuppression } from './policies/policy-pack';
export type { Compliance, PolicyRule, RuleLevel } from './policies/rule';
