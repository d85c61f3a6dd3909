/**
 * Turns a validated webcluster.yaml into stacks: one stack per environment, named after it.
 */
import type { Construct } from 'constructs';
import { ListenerCertificate } from '../constructs/aws/load-balancer';
import type { EnvironmentConfig, WebclusterConfig } from '../config/schema';
import { AwsVmStack } from './aws-vm-stack';
import type { AppProfile } from './profiles/app-profile';
import { SHOPWARE_PROFILE } from './profiles/shopware';
import { ConfigError } from '../config/errors';

/** App profiles available on the AWS VM backend. */
const AWS_PROFILES: Readonly<Record<string, AppProfile>> = { shopware: SHOPWARE_PROFILE };

/** Adds one stack per environment of `config` to `scope`. */
export function addEnvironmentStacks(scope: Construct, config: WebclusterConfig, fileLabel: string): void {
  const problems = config.environments.flatMap((env, i) => checkSupported(env, i, fileLabel));
  if (problems.length > 0) throw new ConfigError(problems);
  for (const env of config.environments) addAwsStack(scope, env);
}

function checkSupported(env: EnvironmentConfig, index: number, fileLabel: string): string[] {
  if (env.backend === 'aws' && !(env.app in AWS_PROFILES)) {
    return [
      `${fileLabel}: environments[${index}].app: got "${env.app}"; allowed on backend aws: ${Object.keys(AWS_PROFILES).join(', ')}; fix: use one of those apps or another backend`,
    ];
  }
  return [];
}

function addAwsStack(scope: Construct, env: EnvironmentConfig): AwsVmStack {
  const azs = env.zoneNames ?? Array.from({ length: env.availabilityZones }, (_, i) => `${env.region}${String.fromCharCode(97 + i)}`);
  const certificate =
    'arn' in env.certificate
      ? ListenerCertificate.fromArn(env.certificate.arn)
      : ListenerCertificate.dnsValidated(env.domain, env.certificate.hostedZoneId);
  const sizes = env.sizes;
  return new AwsVmStack(scope, env.name, {
    profile: AWS_PROFILES[env.app],
    region: env.region,
    availabilityZones: azs,
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
    allowDestroy: env.allowDestroy,
    stateBackend: env.stateBackend,
    tags: env.tags,
  });
}
