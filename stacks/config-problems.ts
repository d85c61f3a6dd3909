/**
 * Construct problems restated in webcluster.yaml terms.
 *
 * The schema (config/schema.ts) checks each field on its own; some problems only show when the stack
 * layer combines fields with the app profile (Steedos has no public bucket for `cdn`, no sticky
 * sessions on Swarm, ...). The construct that finds such a problem names its own props. For a stack
 * built from webcluster.yaml, the rules below say which YAML field feeds the refused prop, and give
 * what is allowed and the fix in YAML terms, pointing at the line of the field (or, for a default, of
 * the block it would go into). A problem no rule covers is still printed in full, marked as a check of
 * the construct API, on the line of its environment.
 */
import { describeValue, formatPath } from '../config/errors';
import type { AwsEnvironmentConfig, DockerEnvironmentConfig, EnvironmentConfig } from '../config/schema';
import type { ConfigSource } from '../config/source';
import { type ProblemParts, problemParts } from '../constructs/core/validation-error';

/** A construct problem of one environment, matched by a rule. */
interface Matched<E extends EnvironmentConfig> {
  readonly env: E;
  readonly problem: ProblemParts;
  /** Matches of the rule's `construct` (path below the stack) and `field` patterns. */
  readonly construct: RegExpExecArray;
  readonly field: RegExpExecArray;
}

/** The problem in YAML terms. */
interface YamlProblem {
  /** The field below the environment, e.g. `['docker', 'mode']`. */
  readonly path: readonly (string | number)[];
  /** The value received; default: the construct's (which is the effective value), `(default)` added when the field is left out. */
  readonly got?: string;
  /** What the value is received with, printed after it (e.g. what it is compared with). */
  readonly context?: string;
  readonly allowed: string;
  readonly fix: string;
}

/** Which YAML field a construct problem comes from. */
interface YamlRule<E extends EnvironmentConfig> {
  /** Path of the construct below its stack, e.g. `^Storage$`. */
  readonly construct: RegExp;
  /** The prop the construct names (the `field` of its problem). */
  readonly field: RegExp;
  /** The problem in YAML terms; undefined when the construct's message does not have the expected form (then it is printed as it is). */
  readonly toYaml: (m: Matched<E>) => YamlProblem | undefined;
}

/** Resource roles of a Docker environment (keys of `resources:`) by the top-level construct that runs them. */
const DOCKER_ROLE_OF_CONSTRUCT: Readonly<Record<string, string>> = {
  LoadBalancer: 'loadBalancer',
  Admin: 'admin',
  Database: 'database',
  Storage: 'storage',
  Logs: 'logs',
  HttpCache: 'httpCache',
  SearchService: 'search',
  DocumentDatabase: 'documentDatabase',
  Backup: 'backup',
};

/** Roles of the app servers construct, by its resources prop. */
const DOCKER_ROLE_OF_APP_PROP: Readonly<Record<string, string>> = {
  resources: 'app',
  workerResources: 'worker',
  schedulerResources: 'scheduler',
};

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** The `resources:` entry of a Docker container's problem: `['resources', role]` or `['resources', 'redis', class]`. */
function dockerRolePath(construct: string, prop?: string): string[] | undefined {
  const [top, second] = construct.split('/');
  if (top === 'AppServers') {
    const role = prop !== undefined ? DOCKER_ROLE_OF_APP_PROP[prop] : second !== undefined ? lowerFirst(second) : undefined;
    return role !== undefined ? ['resources', role] : undefined;
  }
  if (top === 'Redis' && second !== undefined) return ['resources', 'redis', lowerFirst(second)];
  return DOCKER_ROLE_OF_CONSTRUCT[top] ? ['resources', DOCKER_ROLE_OF_CONSTRUCT[top]] : undefined;
}

/** `AppServers/Worker 16×256, Database/Primary 1024` with the YAML roles: `worker 16×256, database 1024`. */
function withRoleNames(list: string): string {
  return list.replace(/([A-Z][\w/]*) (?=\d)/g, (whole: string, construct: string) => {
    const role = dockerRolePath(construct);
    return role ? `${role.slice(1).join('.')} ` : whole;
  });
}

/**
 * Every construct problem a valid webcluster.yaml can reach, by backend (found by trying every app on
 * every backend with the edge values the schema accepts).
 */
const AWS_RULES: readonly YamlRule<AwsEnvironmentConfig>[] = [
  {
    construct: /^Storage$/,
    field: /^cdn$/,
    toYaml: ({ env }) => ({
      path: ['cdn'],
      got: describeValue(env.cdn),
      allowed: `false for app ${env.app} (it has no public bucket for CloudFront to serve)`,
      fix: `set 'cdn: false' in environment '${env.name}'`,
    }),
  },
  {
    construct: /^Redis$/,
    field: /^replication group id$/,
    toYaml: ({ env, problem }) => {
      const id = /^'([^']*)'/.exec(problem.got)?.[1];
      if (id === undefined) return undefined;
      const max = 40 - (id.length - env.name.length);
      return {
        path: ['name'],
        got: describeValue(env.name),
        allowed: `for app ${env.app} at most ${max} characters, no '--' and no '-' at the end (the name prefixes the ElastiCache id '${id}', which takes 1 to 40 lowercase letters, digits and single hyphens)`,
        fix: `${env.name.length > max ? `shorten name to ${max} characters or less` : "write name with single hyphens and no '-' at the end"} (the stack and every resource are renamed with it)`,
      };
    },
  },
  {
    construct: /^LoadBalancer$/,
    field: /^addPathTarget\('Admin'\)\.sourceCidrs$/,
    toYaml: ({ env, problem }) => {
      const counts = /at most (\d+) next to (\d+) path pattern/.exec(problem.allowed);
      if (!counts) return undefined;
      const [, max, patterns] = counts;
      return {
        path: ['adminCidrs'],
        got: `${env.adminCidrs.length} blocks`,
        allowed: `at most ${max} blocks for app ${env.app} (the load balancer rule that routes its ${patterns} admin path(s) takes 5 values in all)`,
        fix: `merge adminCidrs into ${max} blocks or fewer (two neighbouring /24 make one /23), e.g. the ranges of your VPN`,
      };
    },
  },
];

const DOCKER_RULES: readonly YamlRule<DockerEnvironmentConfig>[] = [
  {
    construct: /^Cluster$/,
    field: /^resources$/,
    toYaml: ({ env, problem }) => ({
      path: ['docker', 'hostMemoryMb'],
      got: String(env.docker.hostMemoryMb),
      context: `while ${withRoleNames(problem.got)}`,
      allowed: problem.allowed,
      fix: 'lower resources.<role>.memoryMb or reservationMb, replicas.app, workers or database.replica, or raise docker.hostMemoryMb if the host has more memory',
    }),
  },
  {
    construct: /^(?:LoadBalancer|AppServers|Admin|Database|Storage|Logs|HttpCache|SearchService|DocumentDatabase|Backup|Redis)(?:\/|$)/,
    field: /^(resources|workerResources|schedulerResources)\.(memoryMb|reservationMb)$/,
    toYaml: ({ construct, field, problem }) => {
      const role = dockerRolePath(construct.input, field[1]) ?? ['resources'];
      const key = field[2];
      const at = formatPath([...role, key]);
      return {
        path: [...role, key],
        allowed: problem.allowed,
        fix: key === 'memoryMb' ? `set ${at} within that range, or remove it for the default` : `set ${at} to at most memoryMb, or raise ${formatPath([...role, 'memoryMb'])}`,
      };
    },
  },
  {
    construct: /^Redis$/,
    field: /^resources$/,
    toYaml: ({ env, problem }) => {
      const listed = /\[([^\]]*)\]/.exec(problem.got)?.[1];
      if (listed === undefined) return undefined;
      const classes = listed.split(',').map((c) => c.trim()).filter((c) => c !== '');
      const served = problem.allowed.replace(/^the served data classes /, '');
      return {
        path: ['resources', 'redis'],
        got: `sizes for ${classes.join(', ')}`,
        allowed: `sizes for the Redis classes app ${env.app} runs: ${served}`,
        fix: `remove ${classes.map((c) => `resources.redis.${c}`).join(', ')}`,
      };
    },
  },
  {
    construct: /^LoadBalancer$/,
    field: /^httpsPort$/,
    toYaml: ({ env }) => ({
      path: ['docker', 'httpPort'],
      got: describeValue(env.docker.httpPort),
      allowed: 'a port other than 443 (with acmeEmail the load balancer publishes HTTPS on port 443)',
      fix: 'set docker.httpPort to 80 or another free port, or remove docker.acmeEmail to serve plain HTTP only',
    }),
  },
  {
    construct: /^Storage$/,
    field: /^posixShares$/,
    toYaml: ({ env }) => ({
      path: ['docker', 'mode'],
      got: describeValue(env.docker.mode),
      allowed: `'standalone' for app ${env.app} (its shared files live on a named volume, which exists on one node only)`,
      fix: `set 'mode: standalone' under docker, or use backend aws for app ${env.app} on several hosts`,
    }),
  },
  {
    construct: /^LoadBalancer$/,
    field: /^stickiness$/,
    toYaml: ({ env }) => ({
      path: ['docker', 'mode'],
      got: describeValue(env.docker.mode),
      allowed: `'standalone' for app ${env.app} (it needs sticky sessions, and Swarm's virtual IP cannot pin a client to a replica)`,
      fix: `set 'mode: standalone' under docker, or use backend aws for app ${env.app} on several hosts`,
    }),
  },
];

/** The problem in YAML terms by the first rule that matches it. */
function translate<E extends EnvironmentConfig>(rules: readonly YamlRule<E>[], env: E, constructPath: string, problem: ProblemParts): YamlProblem | undefined {
  for (const rule of rules) {
    const construct = rule.construct.exec(constructPath);
    const field = rule.field.exec(problem.field);
    const yaml = construct && field ? rule.toYaml({ env, problem, construct, field }) : undefined;
    if (yaml) return yaml;
  }
  return undefined;
}

/** A problem found by a construct of one environment's stacks. */
export interface EnvironmentConstructProblem {
  /** Index of the environment in `environments`. */
  readonly index: number;
  readonly env: EnvironmentConfig;
  /** Path of the construct below its stack, e.g. `Storage` (empty for the stack itself). */
  readonly construct: string;
  /** The construct's problem: `<prop>: got <value>; allowed: <what>; fix: <how>`. */
  readonly problem: string;
}

/**
 * One line for a construct problem of an environment built from webcluster.yaml:
 * `<file>:<line>: environments[<i>].<field>: got <value>; allowed: <what>; fix: <how>`.
 */
export function yamlProblemLine(p: EnvironmentConstructProblem, file: string, source?: ConfigSource): string {
  const envPath = ['environments', p.index];
  const where = (path: readonly PropertyKey[]): { prefix: string; given: boolean } => {
    const loc = source?.locate(path);
    return { prefix: loc ? `${file}:${loc.line}` : file, given: loc?.given ?? true };
  };
  const parts = problemParts(p.problem);
  const yaml = parts && (p.env.backend === 'aws' ? translate(AWS_RULES, p.env, p.construct, parts) : translate(DOCKER_RULES, p.env, p.construct, parts));
  if (parts && yaml) {
    const path = [...envPath, ...yaml.path];
    const { prefix, given } = where(path);
    const got = [yaml.got ?? parts.got, given ? '' : '(default)', yaml.context ?? ''].filter((t) => t !== '').join(' ');
    return `${prefix}: ${formatPath(path)}: got ${got}; allowed: ${yaml.allowed}; fix: ${yaml.fix}`;
  }
  const { prefix } = where(envPath);
  const at = p.construct === '' ? 'the stack' : p.construct;
  return `${prefix}: ${formatPath(envPath)} (${p.env.name}): ${at}: ${p.problem} (a check of the construct API with no webcluster.yaml field mapped to it: the props named are construct props)`;
}
