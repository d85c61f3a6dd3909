/**
 * The swarm layout of a `DockerStack`: its rules (Swarm only, label keys in Docker's format, both
 * labels on a swarm of several nodes) and the placements it gives the stateful services and the
 * load balancer.
 */
import type { ValidationRule } from '../constructs/core/validation-error';
import type { LoadBalancerSwarmPlacement } from '../constructs/docker/load-balancer';
import { dataNodeLabelHint, edgeNodeLabelHint, NODE_LABEL_KEY_ALLOWED, nodeLabelConstraint, nodeLabelKeyProblem, type NodeLabelHint } from '../constructs/docker/swarm-placement';
import type { DockerStackProps, DockerSwarmLayout } from './docker-stack-props';

/** Where the swarm layout puts the stateful services and the load balancer. */
export interface SwarmPlacements {
  /**
   * Constraints of the stateful services: on the labelled data node.
   * @default - the stores' default placement
   */
  readonly data?: string[];
  /**
   * Placement of the load balancer: on the labelled edge node(s).
   * @default - the load balancer's default placement
   */
  readonly loadBalancer?: LoadBalancerSwarmPlacement;
}

/** The placements of a swarm layout (none without one, or without its labels). */
export function swarmPlacements(swarm: DockerSwarmLayout | undefined): SwarmPlacements {
  return {
    data: swarm?.dataNodeLabel === undefined ? undefined : [nodeLabelConstraint(swarm.dataNodeLabel)],
    loadBalancer: swarm?.edgeNodeLabel === undefined ? undefined : { mode: swarm.loadBalancer ?? 'global', constraints: [nodeLabelConstraint(swarm.edgeNodeLabel)] },
  };
}

/** The swarm layout's rules: Swarm only, label keys in Docker's format, both labels on a swarm of several nodes. */
export function swarmLayoutRules(props: DockerStackProps): ValidationRule[] {
  const swarm = props.swarm;
  const mode = props.mode ?? 'standalone';
  const nodes = swarm?.nodes ?? 1;
  const labels: [string, string | undefined, NodeLabelHint, string][] = [
    ['dataNodeLabel', swarm?.dataNodeLabel, dataNodeLabelHint(nodes), 'webcluster.data'],
    ['edgeNodeLabel', swarm?.edgeNodeLabel, edgeNodeLabelHint(nodes), 'webcluster.edge'],
  ];
  return [
    {
      failed: swarm !== undefined && mode !== 'swarm',
      message: () => `swarm: got a swarm layout with mode '${mode}'; allowed: a swarm layout only with mode 'swarm'; fix: remove swarm, or set mode: 'swarm'`,
    },
    ...labels.flatMap(([field, key, hint, example]) => [
      {
        failed: key !== undefined && nodeLabelKeyProblem(key) !== undefined,
        message: () => `swarm.${field}: got '${key}' (${nodeLabelKeyProblem(key ?? '')}); allowed: ${NODE_LABEL_KEY_ALLOWED}; fix: use e.g. '${example}'`,
      },
      {
        failed: key === undefined && nodes > 1,
        message: () => `swarm.${field}: got nothing; allowed: ${hint.allowed}; fix: ${hint.fix}`,
      },
    ]),
  ];
}
