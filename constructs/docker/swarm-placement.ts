/**
 * Swarm placement: the syntax of placement constraints, node-label constraints, and whether a set of
 * constraints ties a workload to one node (which a stateful workload with a local volume needs on a
 * swarm of several nodes).
 */

/** A Swarm placement constraint: `<attribute> == <value>` or `<attribute> != <value>`. */
const CONSTRAINT_PATTERN = /^[A-Za-z][A-Za-z0-9._-]*\s*(==|!=)\s*\S+$/;

/**
 * Constraints that select nodes by something the operator gives one node: a node label, its host
 * name or its id. `node.role == manager` is not one: a swarm usually has three managers.
 */
const PIN_PATTERN = /^(node\.labels\.[A-Za-z0-9._-]+|node\.hostname|node\.id)\s*==\s*\S+$/;

/**
 * Docker's format of label keys: lowercase letters, digits, `.` and `-`, beginning and ending with a
 * letter, no two separators in a row.
 */
const LABEL_KEY_PATTERN = /^[a-z](?:[.-]?[a-z0-9])*$/;

/** Label namespaces Docker reserves for itself. */
const RESERVED_LABEL_PREFIXES: readonly string[] = ['com.docker.', 'io.docker.', 'org.dockerproject.'];

/** What a node label key may be, for the `allowed:` part of a problem. */
export const NODE_LABEL_KEY_ALLOWED =
  "a Docker label key: lowercase letters, digits, '.' and '-', beginning and ending with a letter, no two '.' or '-' in a row, not in com.docker., io.docker. or org.dockerproject.";

/** The constraints of `constraints` that are not `<attribute> == <value>` or `<attribute> != <value>`. */
export function malformedConstraints(constraints: readonly string[]): string[] {
  return constraints.filter((c) => !CONSTRAINT_PATTERN.test(c));
}

/**
 * Whether the constraints tie a workload to the node(s) an operator chose: at least one
 * `node.labels.<key> == <value>`, `node.hostname == <name>` or `node.id == <id>`.
 */
export function pinsToChosenNodes(constraints: readonly string[]): boolean {
  return constraints.some((c) => PIN_PATTERN.test(c));
}

/** Why `key` is not a usable node label key, or undefined when it is. */
export function nodeLabelKeyProblem(key: string): string | undefined {
  if (!LABEL_KEY_PATTERN.test(key) || !/[a-z]$/.test(key)) return 'not in the format of Docker label keys';
  const reserved = RESERVED_LABEL_PREFIXES.find((p) => key.startsWith(p));
  return reserved === undefined ? undefined : `the namespace ${reserved} is reserved by Docker`;
}

/** The constraint selecting the nodes labelled `<key>=true`: `node.labels.<key> == true`. */
export function nodeLabelConstraint(key: string): string {
  return `node.labels.${key} == true`;
}

/** `[a, b]` as `['a', 'b']`, for the `got` part of a problem. */
export function constraintList(constraints: readonly string[]): string {
  return `[${constraints.map((c) => `'${c}'`).join(', ')}]`;
}

/** What a problem about a missing node label says: what is allowed and how to fix it. */
export interface NodeLabelHint {
  /** The `allowed:` part. */
  readonly allowed: string;
  /** The `fix:` part. */
  readonly fix: string;
}

/** Why a swarm of `nodes` nodes needs `dataNodeLabel`, and how to set it (stack and configuration). */
export function dataNodeLabelHint(nodes: number): NodeLabelHint {
  return {
    allowed: `a node label key on a swarm of ${nodes} nodes (stateful services keep their data on a local volume of one node, and the label pins them there)`,
    fix: 'label that one node (docker node update --label-add webcluster.data=true <node>) and set dataNodeLabel to webcluster.data',
  };
}

/** Why a swarm of `nodes` nodes needs `edgeNodeLabel`, and how to set it (stack and configuration). */
export function edgeNodeLabelHint(nodes: number): NodeLabelHint {
  return {
    allowed: `a node label key on a swarm of ${nodes} nodes (Traefik publishes its ports in host mode: only the labelled edge nodes answer, and DNS points at them)`,
    fix: 'label the edge node(s) (docker node update --label-add webcluster.edge=true <node>) and set edgeNodeLabel to webcluster.edge',
  };
}
