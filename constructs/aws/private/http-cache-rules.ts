/**
 * The checks of an HttpCache's resolved settings (one rule per property, ValidationError messages
 * naming the value, what is allowed and the fix).
 */
import type { Construct } from 'constructs';
import { Token } from '../../core/cdktf';
import { isIpv4Cidr } from '../../core/cidr';
import { imageRefProblem } from '../../core/image-ref';
import { validate } from '../../core/validation-error';
import { VARNISH_HEALTH_PATH } from '../../core/vcl';
import { instanceTypeAllowed, instanceTypeProblem } from '../instance-types';
import type { IAwsNetwork } from '../network';
import { DEFAULT_AWS_VARNISH_IMAGE } from './cache-node-host';

/** The settings, defaults applied. */
export interface HttpCacheSettings {
  readonly network: IAwsNetwork;
  /** As given (undefined: the app subnets). */
  readonly invalidatorCidrs?: readonly string[];
  /** The target's health check path, when it has one. */
  readonly targetHealthPath?: string;
  readonly nodes: number;
  readonly appPort: number;
  readonly healthPath: string;
  readonly image: string;
  readonly instanceType: string;
  readonly cacheSizeMiB: number;
  readonly rootGiB: number;
}

/** Throws a ValidationError on `scope` for the first bad setting. */
export function validateHttpCache(scope: Construct, settings: HttpCacheSettings): void {
  const { network: net, invalidatorCidrs, targetHealthPath, nodes, appPort, healthPath, image, instanceType, cacheSizeMiB, rootGiB } = settings;
  const imageProblem = imageRefProblem(image);
  const badCidr = (invalidatorCidrs ?? []).find((c) => !Token.isUnresolved(c) && !isIpv4Cidr(c));
    validate(scope, [
    {
      failed: targetHealthPath !== undefined && targetHealthPath !== VARNISH_HEALTH_PATH,
      message: () =>
        `target.healthCheckPath: got '${targetHealthPath}'; allowed: '${VARNISH_HEALTH_PATH}' (answered by Varnish itself; a check through it to the app would make the nodes' ELB health checks replace every cache node while the app is down); fix: give the load balancer target healthCheckPath '${VARNISH_HEALTH_PATH}'`,
    },
    {
      failed: !Number.isInteger(nodes) || nodes < 2 || nodes > 10,
      message: () => `nodes: got ${nodes}; allowed: an integer from 2 to 10; fix: run at least two cache nodes so one can fail`,
    },
    {
      failed: !Number.isInteger(appPort) || appPort < 1 || appPort > 65535,
      message: () => `appPort: got ${appPort}; allowed: 1 to 65535; fix: use the port the app hosts' web server listens on`,
    },
    {
      failed: !/^\/[A-Za-z0-9._~%/-]*$/.test(healthPath),
      message: () => `appHealthCheckPath: got '${healthPath}'; allowed: an absolute path of letters, digits and . _ ~ % / -; fix: start it with '/'`,
    },
    {
      failed: invalidatorCidrs !== undefined && invalidatorCidrs.length === 0,
      message: () => 'invalidatorCidrs: got []; allowed: one or more IPv4 CIDR blocks of the app nodes; fix: leave it out for the app subnets',
    },
    {
      failed: badCidr !== undefined,
      message: () => `invalidatorCidrs: got '${badCidr}'; allowed: IPv4 CIDR blocks with zero host bits; fix: write it like 10.0.16.0/20`,
    },
    {
      failed: imageProblem !== undefined,
      message: () => `image: got '${image}' (${imageProblem}); allowed: an image pinned by tag or digest; fix: use e.g. '${DEFAULT_AWS_VARNISH_IMAGE}'`,
    },
    {
      failed: instanceTypeProblem(instanceType, 'ec2') !== undefined,
      message: () =>
        `instanceType: got '${instanceType}' (${instanceTypeProblem(instanceType, 'ec2')}); allowed: ${instanceTypeAllowed('ec2')}; fix: use a type offered in ${net.region}, e.g. m7i.large`,
    },
    {
      failed: !Number.isInteger(cacheSizeMiB) || cacheSizeMiB < 64 || cacheSizeMiB > 1048576,
      message: () => `cacheSizeMiB: got ${cacheSizeMiB}; allowed: an integer from 64 to 1048576; fix: use about 3/4 of the instance memory, e.g. 4096 on m7i.large`,
    },
    {
      failed: !Number.isInteger(rootGiB) || rootGiB < 8 || rootGiB > 16384,
      message: () => `rootVolumeSizeGiB: got ${rootGiB}; allowed: 8 to 16384; fix: pick a value in range`,
    },
  ]);
}
