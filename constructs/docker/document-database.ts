/**
 * DocumentDatabase (Docker): a MongoDB replica set of `members` containers on the internal backend
 * network, with key-file authentication, a root user and an application user, initiated by a
 * one-shot task.
 */
import { Construct } from 'constructs';
import { Fn, Token } from '../core/cdktf';
import { Port } from '../core/port';
import type { Endpoint, IDocumentDatabase } from '../core/roles';
import { validate } from '../core/validation-error';
import { DockerConnections } from './docker-connections';
import { DockerSecret } from './docker-secret';
import { dataStoreRules, debugPorts, DockerDataStoreProps, statefulPlacement, variablePrefix } from './private/data-store';
import type { WorkloadHealthcheck } from './runtime';
import { ContainerResources, DEFAULT_RESOURCES, resourceRules } from './container-resources';
import { Workload } from './workload';

/** Properties of a {@link DocumentDatabase}. */
export interface DocumentDatabaseProps extends DockerDataStoreProps {
  /**
   * Replica set members: 1, 3, 5 or 7 containers `mongo-1..n`. One member still has an oplog but no
   * redundancy.
   * @default 3
   */
  readonly members?: number;
  /**
   * MongoDB image (the official `mongo` image or one built from it), pinned by tag or digest.
   * @default 'mongo:7.0.16'
   */
  readonly image?: string;
  /**
   * Name of the replica set.
   * @default 'rs0'
   */
  readonly replicaSetName?: string;
  /**
   * Databases the application user may read and write (it may also read `local`, the oplog).
   * @default ['app']
   */
  readonly appDatabases?: string[];
  /**
   * Name of the application user.
   * @default 'app'
   */
  readonly appUsername?: string;
  /**
   * Memory limit, memory reservation and CPUs of each member.
   * The WiredTiger cache gets half of what exceeds 1 GiB of the limit, at least 0.25 GiB (mongod's
   * own rule, applied to the container's limit); the reservation defaults to the whole limit.
   * @default { memoryMb: 768, cpus: 0.5 }
   */
  readonly resources?: ContainerResources;
}

/** Default MongoDB image. */
export const DEFAULT_MONGO_IMAGE = 'mongo:7.0.16';
/** MongoDB port. */
const MONGO_PORT = 27017;
/** Name of the root user created by the image on the first member. */
const ROOT_USER = 'root';
/** Where each member keeps its copy of the key file (inside the container, never on a volume). */
const KEY_FILE = '/tmp/mongo-keyfile';

/** `ping` needs no authentication, so the check works before and after users exist. */
const HEALTHCHECK: WorkloadHealthcheck = {
  test: ['CMD', 'mongosh', '--quiet', '--eval', 'quit(db.adminCommand({ping: 1}).ok ? 0 : 1)'],
  intervalSec: 10,
  timeoutSec: 10,
  retries: 5,
  startPeriodSec: 30,
};

/**
 * Runs `mongod` through the image's entrypoint with the key file copied from the secret (a
 * variable, or a Swarm secret file) to a private file owned by `mongodb`. No `${` in it: Terraform
 * would read that as interpolation.
 */
const MEMBER_SCRIPT = [
  'set -e',
  `if [ -n "$MONGO_KEYFILE_FILE" ]; then cat "$MONGO_KEYFILE_FILE" > ${KEY_FILE}; else printf '%s' "$MONGO_KEYFILE" > ${KEY_FILE}; fi`,
  'unset MONGO_KEYFILE MONGO_KEYFILE_FILE',
  `chown mongodb:mongodb ${KEY_FILE} && chmod 0400 ${KEY_FILE}`,
  `exec docker-entrypoint.sh mongod --replSet "$MONGO_REPLICA_SET" --bind_ip_all --keyFile ${KEY_FILE} --wiredTigerCacheSizeGB "$MONGO_WIREDTIGER_CACHE_GB"`,
].join('\n');

/** The one-shot initialisation: `rs.initiate` unless the set exists, wait for a primary, upsert the app user. */
const INIT_SCRIPT = [
  'set -e',
  'secret() { if [ -n "$2" ]; then cat "$2"; else printf "%s" "$1"; fi; }',
  'MONGO_ROOT_PASSWORD="$(secret "$MONGO_ROOT_PASSWORD" "$MONGO_ROOT_PASSWORD_FILE")"',
  'MONGO_APP_PASSWORD="$(secret "$MONGO_APP_PASSWORD" "$MONGO_APP_PASSWORD_FILE")"',
  'export MONGO_ROOT_PASSWORD MONGO_APP_PASSWORD',
  'first=$(echo "$MONGO_MEMBERS" | cut -d, -f1)',
  'mongosh --quiet "mongodb://$first/admin?directConnection=true" --eval \'',
  `  db.getSiblingDB("admin").auth("${ROOT_USER}", process.env.MONGO_ROOT_PASSWORD);`,
  '  let initiated = true;',
  '  try { rs.status(); } catch (e) { if (e.codeName !== "NotYetInitialized") throw e; initiated = false; }',
  '  if (!initiated) {',
  '    const hosts = process.env.MONGO_MEMBERS.split(",");',
  '    rs.initiate({_id: process.env.MONGO_REPLICA_SET, members: hosts.map((host, i) => ({_id: i, host: host, priority: i === 0 ? 2 : 1}))});',
  '    print("replica set " + process.env.MONGO_REPLICA_SET + " initiated");',
  '  }',
  '  for (let i = 0; i < 150 && !db.hello().primary; i++) sleep(2000);',
  '  if (!db.hello().primary) throw new Error("no primary after 5 minutes");',
  "'",
  'mongosh --quiet "mongodb://$MONGO_MEMBERS/admin?replicaSet=$MONGO_REPLICA_SET" --eval \'',
  '  const admin = db.getSiblingDB("admin");',
  `  admin.auth("${ROOT_USER}", process.env.MONGO_ROOT_PASSWORD);`,
  '  const user = process.env.MONGO_APP_USER;',
  '  const roles = process.env.MONGO_APP_DATABASES.split(",").map((d) => ({role: "readWrite", db: d})).concat([{role: "read", db: "local"}]);',
  '  if (admin.getUser(user)) admin.updateUser(user, {pwd: process.env.MONGO_APP_PASSWORD, roles: roles});',
  '  else admin.createUser({user: user, pwd: process.env.MONGO_APP_PASSWORD, roles: roles});',
  '  print("user " + user + " ready");',
  "'",
].join('\n');

/**
 * A MongoDB replica set on Docker, as the Steedos cluster compose file runs it but with access
 * control.
 *
 * Members `mongo-1..n` (official image) each keep their data on their own named volume
 * `<prefix>-mongo-<i>-data` at `/data/db` (protected from destroy unless the cluster allows it),
 * run `mongod --replSet <name> --bind_ip_all --keyFile ...`, listen only on the internal backend
 * network (alias `mongo-<i>`) and are checked with `mongosh` `ping`. They are stateful (never two
 * copies; pinned by `placement` on Swarm).
 *
 * Access control, chosen because it works with the official image's entrypoint: the key file
 * (`<prefix>_mongo_keyfile`, 6 to 1024 base64 characters, e.g. `openssl rand -hex 48`) makes every
 * member require authentication; only member 1 gets `MONGO_INITDB_ROOT_USERNAME`/`_PASSWORD`
 * (`root`, `<prefix>_mongo_root_password`), so the image creates the root user there on its first
 * start (without `--replSet`, as the entrypoint does) while the other members stay empty, which
 * `rs.initiate` requires. Secrets are sensitive Terraform variables; on Swarm they are Docker
 * secrets passed as `*_FILE`.
 *
 * A one-shot task `<prefix>-mongo-rs-init` starts once every member is healthy, runs
 * `rs.initiate` (member 1 at priority 2) unless the set exists, waits for a primary and creates or
 * updates the application user (`<prefix>_mongo_app_password`; roles `readWrite` on
 * `appDatabases`, `read` on `local`). It must exit 0; dependents list {@link initTask}.
 *
 * @resource docker_container
 */
export class DocumentDatabase extends Construct implements IDocumentDatabase {
  public readonly replicaSetName: string;
  public readonly members: readonly Endpoint[];
  /** Network access: clients join the backend network; the default port is 27017. */
  public readonly connections: DockerConnections;
  /** The member workloads, in order. */
  public readonly workloads: readonly Workload[];
  /** The one-shot replica set initialisation; list it in `dependsOn` to wait until the set has a primary and the app user. */
  public readonly initTask: Workload;
  /** MongoDB image in use. */
  public readonly image: string;
  /** Databases the application user may write. */
  public readonly appDatabases: readonly string[];
  /** Application user. */
  public readonly appUsername: string;
  /** Password of the application user. */
  public readonly appPasswordSecret: DockerSecret;
  /** Password of `root`. */
  public readonly rootPasswordSecret: DockerSecret;
  /** The replica set key file. */
  public readonly keyFileSecret: DockerSecret;
  /** Swarm placement of the store's stateful workloads (jobs that must run beside its volumes reuse it). */
  public readonly placement: readonly string[];

  constructor(scope: Construct, id: string, props: DocumentDatabaseProps) {
    super(scope, id);
    const cluster = props.cluster;
    const count = props.members ?? 3;
    const resources = props.resources ?? DEFAULT_RESOURCES.documentDatabase;
    const rsName = props.replicaSetName ?? 'rs0';
    const databases = props.appDatabases ?? ['app'];
    const appUser = props.appUsername ?? 'app';
    const badDatabases = databases.filter((d) => !/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(d) || ['admin', 'local', 'config'].includes(d));
    validate(this, [
      {
        failed: ![1, 3, 5, 7].includes(count),
        message: () => `members: got ${count}; allowed: 1, 3, 5 or 7 (an odd number keeps a majority); fix: use 3 members, or 1 for a test setup`,
      },
      {
        failed: !/^[A-Za-z0-9_-]{1,64}$/.test(rsName),
        message: () => `replicaSetName: got '${rsName}'; allowed: 1-64 letters, digits, '_' or '-'; fix: use e.g. 'rs0'`,
      },
      {
        failed: databases.length === 0 || badDatabases.length > 0,
        message: () =>
          `appDatabases: got [${databases.join(', ')}]; allowed: one or more names of letters, digits, '_' or '-', not admin, local or config; fix: list the app's databases, e.g. ['steedos']`,
      },
      {
        failed: !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(appUser) || appUser === ROOT_USER,
        message: () => `appUsername: got '${appUser}'; allowed: letters, digits and '_', starting with a letter, not '${ROOT_USER}'; fix: use e.g. 'app'`,
      },
      ...dataStoreRules(props, count),
      // mongod itself needs some 300 MiB beside its smallest WiredTiger cache (0.25 GiB).
      ...resourceRules('resources', resources, 640),
    ]);
    const cacheGb = Math.max(0.25, Math.floor(((resources.memoryMb - 1024) / 2 / 1024) * 100) / 100);

    this.replicaSetName = rsName;
    this.image = props.image ?? DEFAULT_MONGO_IMAGE;
    this.appDatabases = [...new Set(databases)];
    this.appUsername = appUser;
    const prefix = variablePrefix(cluster);
    this.keyFileSecret = new DockerSecret(this, 'KeyFile', {
      variableName: `${prefix}_mongo_keyfile`,
      description: `Key file of the MongoDB replica set of ${cluster.namePrefix} (6-1024 base64 characters, e.g. openssl rand -hex 48)`,
    });
    this.rootPasswordSecret = new DockerSecret(this, 'RootPassword', {
      variableName: `${prefix}_mongo_root_password`,
      description: `Password of the MongoDB user '${ROOT_USER}' of ${cluster.namePrefix}`,
    });
    this.appPasswordSecret = new DockerSecret(this, 'AppPassword', {
      variableName: `${prefix}_mongo_app_password`,
      description: `Password of the MongoDB user '${appUser}' of ${cluster.namePrefix}`,
    });

    this.connections = new DockerConnections(this, cluster.backend, Port.tcp(MONGO_PORT));
    const placement = statefulPlacement(props);
    this.placement = placement;
    const hosts = Array.from({ length: count }, (_, i) => `mongo-${i + 1}`);
    this.members = hosts.map((hostname) => ({ hostname, port: MONGO_PORT }));

    this.workloads = hosts.map((name, i) => {
      const member = new Construct(this, `Member${i + 1}`);
      return new Workload(member, 'Mongo', {
        cluster,
        name,
        role: 'document-database',
        image: this.image,
        entrypoint: ['bash', '-c'],
        command: [MEMBER_SCRIPT],
        environment: { MONGO_REPLICA_SET: rsName, MONGO_WIREDTIGER_CACHE_GB: String(cacheGb), ...(i === 0 ? { MONGO_INITDB_ROOT_USERNAME: ROOT_USER } : {}) },
        secrets: {
          MONGO_KEYFILE: { secret: this.keyFileSecret, fileVariable: 'MONGO_KEYFILE_FILE' },
          ...(i === 0 ? { MONGO_INITDB_ROOT_PASSWORD: { secret: this.rootPasswordSecret, fileVariable: 'MONGO_INITDB_ROOT_PASSWORD_FILE' } } : {}),
        },
        listenNetwork: cluster.backend,
        defaultPort: Port.tcp(MONGO_PORT),
        volumes: [{ volumeName: cluster.addVolume(member, 'DataVolume', `${name}-data`, true), containerPath: '/data/db' }],
        healthcheck: HEALTHCHECK,
        ports: debugPorts(props, MONGO_PORT, i),
        placement,
        stopGraceSec: 60,
        stateful: true,
        resources,
        dataStore: true,
      });
    });

    this.initTask = new Workload(this, 'ReplicaSetInit', {
      cluster,
      name: 'mongo-rs-init',
      role: 'init',
      image: this.image,
      entrypoint: ['bash', '-c'],
      command: [INIT_SCRIPT],
      environment: {
        MONGO_REPLICA_SET: rsName,
        MONGO_MEMBERS: this.members.map((m) => `${m.hostname}:${m.port}`).join(','),
        MONGO_APP_USER: appUser,
        MONGO_APP_DATABASES: this.appDatabases.join(','),
      },
      secrets: {
        MONGO_ROOT_PASSWORD: { secret: this.rootPasswordSecret, fileVariable: 'MONGO_ROOT_PASSWORD_FILE' },
        MONGO_APP_PASSWORD: { secret: this.appPasswordSecret, fileVariable: 'MONGO_APP_PASSWORD_FILE' },
      },
      dependsOn: [...this.workloads],
      resources: DEFAULT_RESOURCES.task,
      oneShot: true,
    });
    this.connections.allowDefaultPortFrom(this.initTask, 'replica set initialisation');
  }

  /**
   * `mongodb://app:<password>@mongo-1:27017,.../<database>?replicaSet=<name>&authSource=admin`, the
   * password a reference to its sensitive variable (URL-encoded), never a literal. `local` gives the
   * oplog URL.
   */
  public url(database: string): string {
    validate(this, [
      {
        failed: !Token.isUnresolved(database) && !/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(database),
        message: () => `database: got '${database}'; allowed: letters, digits, '_' or '-', starting with a letter; fix: use e.g. 'steedos' or 'local'`,
      },
    ]);
    const hosts = this.members.map((m) => `${m.hostname}:${m.port}`).join(',');
    return `mongodb://${this.appUsername}:${Fn.urlencode(this.appPasswordSecret.value)}@${hosts}/${database}?replicaSet=${this.replicaSetName}&authSource=admin`;
  }
}
