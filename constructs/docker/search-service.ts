/**
 * SearchService (Docker): a Solr container with its index on a named volume, on the internal backend
 * network only.
 */
import { Construct } from 'constructs';
import { Port } from '../core/port';
import type { ISearchService } from '../core/roles';
import { validate } from '../core/validation-error';
import { DockerConnections } from './docker-connections';
import { dataStoreRules, debugPorts, DockerDataStoreProps, statefulPlacement } from './private/data-store';
import type { WorkloadVolume } from './runtime';
import { ContainerResources, DEFAULT_RESOURCES, resourceRules } from './container-resources';
import { Workload } from './workload';

/** Default Solr image. */
export const DEFAULT_SOLR_IMAGE = 'solr:9.7.0';
/** Solr's port. */
const SOLR_PORT = 8983;
/** Where the config set source is mounted, in the Solr container and in the publisher's containers. */
export const SOLR_CONFIG_SOURCE_PATH = '/var/lib/webcluster/solr-source';
/** File the publisher creates last, when the source is complete. */
export const SOLR_CONFIG_SOURCE_READY_FILE = '.ready';

/** Where the core's configuration comes from, when not from Solr's `_default` config set. */
export interface DockerSolrConfigSetSource {
  /**
   * Shell command run as the `solr` user in the source directory that writes the core's
   * configuration into `$CONFIG_SET_DIR/conf` (the directory does not exist yet); `/opt/solr` is the
   * Solr installation. Ibexa:
   * `bash bin/generate-solr-config.sh --destination-dir="$CONFIG_SET_DIR/conf" --solr-install-dir=/opt/solr`.
   */
  readonly prepareCommand: string;
}

/** Properties of a {@link SearchService}. */
export interface SearchServiceProps extends DockerDataStoreProps {
  /**
   * Solr image, pinned by tag or digest (the official image's `solr-precreate` creates the core).
   * @default 'solr:9.7.0'
   */
  readonly image?: string;
  /**
   * Name of the core created at first start.
   * @default 'collection1'
   */
  readonly coreName?: string;
  /**
   * Build the core's configuration from a source the app publishes into the volume
   * {@link SearchService.configSourceVolume} (it mounts the volume, copies the source, then creates
   * `.ready`); Solr starts once the source is there.
   * @default - the core uses Solr's `_default` config set
   */
  readonly configSet?: DockerSolrConfigSetSource;
  /**
   * Java heap of Solr (`SOLR_HEAP`), e.g. `1g`; at most three quarters of the memory limit (the
   * JVM and the index's memory-mapped files need the rest).
   * @default '1g'
   */
  readonly heapSize?: string;
  /**
   * Memory limit, memory reservation and CPUs of the Solr container.
   * The reservation defaults to the whole limit.
   * @default { memoryMb: 1536, cpus: 1 }
   */
  readonly resources?: ContainerResources;
}

/**
 * Solr (`solr:9.7.0`) with its home, index and logs on a named volume `<prefix>-solr-data` at
 * `/var/solr` (protected from destroy unless the cluster allows it), listening only on the internal
 * backend network under the alias `solr` (port 8983 published only as a `debugPort` on 127.0.0.1),
 * health-checked by pinging its core.
 *
 * The core is created once with the image's `solr-precreate`: from Solr's `_default` config set, or,
 * with `configSet`, from a source the app publishes into the volume `<prefix>-solr-config-source`
 * ({@link configSourceVolume}, mounted read-only here): the container waits for the `.ready` file,
 * runs `configSet.prepareCommand` and then creates the core and starts Solr. The app must then not
 * wait for Solr before its init task ran (the source comes from that task). Schema changes of later
 * releases need a manual core reload.
 *
 * @resource docker_container
 */
export class SearchService extends Construct implements ISearchService {
  /** Network access: clients join the backend network; the default port is 8983. */
  public readonly connections: DockerConnections;
  /** The Solr workload. */
  public readonly workload: Workload;
  /** Base URL on the backend network, `http://solr:8983/solr`. @attribute */
  public readonly url: string;
  /** The volume the app publishes the config set source to (mount it read-write), with `configSet`. */
  public readonly configSourceVolume?: WorkloadVolume;
  /** Resolved settings. */
  public readonly coreName: string;
  public readonly image: string;
  public readonly port: number = SOLR_PORT;

  constructor(scope: Construct, id: string, props: SearchServiceProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.coreName = props.coreName ?? 'collection1';
    this.image = props.image ?? DEFAULT_SOLR_IMAGE;
    const resources = props.resources ?? DEFAULT_RESOURCES.search;
    const heap = props.heapSize ?? `${Math.floor(resources.memoryMb / 2)}m`;
    const heapMb = /^[1-9]\d*[mg]$/.test(heap) ? Number(heap.slice(0, -1)) * (heap.endsWith('g') ? 1024 : 1) : 0;
    const prepare = props.configSet?.prepareCommand;
    validate(this, [
      {
        failed: !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(this.coreName),
        message: () => `coreName: got '${this.coreName}'; allowed: letters, digits, '_' and '-', starting with a letter; fix: use e.g. 'collection1'`,
      },
      {
        failed: !/^[1-9]\d*[mg]$/.test(heap),
        message: () => `heapSize: got '${heap}'; allowed: a size in m or g such as 1g; fix: use e.g. '1g'`,
      },
      ...resourceRules('resources', resources, 256),
      {
        failed: heapMb > resources.memoryMb * 0.75,
        message: () =>
          `heapSize: got '${heap}' with resources.memoryMb ${resources.memoryMb}; allowed: at most three quarters of the memory limit (${Math.floor(resources.memoryMb * 0.75)}m); fix: lower heapSize or raise resources.memoryMb`,
      },
      {
        failed: prepare !== undefined && (prepare.trim() === '' || /\$\{|%\{/.test(prepare)),
        message: () =>
          `configSet.prepareCommand: got '${prepare}'; allowed: a non-empty shell command without '\${' or '%{' (Terraform template syntax); fix: write $VAR instead of \${VAR}`,
      },
      ...dataStoreRules(props, 1),
    ]);

    this.connections = new DockerConnections(this, cluster.backend, Port.tcp(SOLR_PORT));
    const volumes: WorkloadVolume[] = [{ volumeName: cluster.addVolume(this, 'DataVolume', 'solr-data', true), containerPath: '/var/solr' }];
    if (prepare !== undefined) {
      // Republished by the app on every deploy: nothing to protect.
      const volumeName = cluster.addVolume(this, 'ConfigSourceVolume', 'solr-config-source', false);
      this.configSourceVolume = { volumeName, containerPath: SOLR_CONFIG_SOURCE_PATH };
      volumes.push({ volumeName, containerPath: SOLR_CONFIG_SOURCE_PATH, readOnly: true });
    }
    const ping = `http://127.0.0.1:${SOLR_PORT}/solr/${this.coreName}/admin/ping`;

    this.workload = new Workload(this, 'Solr', {
      cluster,
      name: 'solr',
      role: 'search',
      image: this.image,
      command: prepare === undefined ? ['solr-precreate', this.coreName] : ['bash', '-c', startScript(this.coreName, prepare)],
      environment: { SOLR_HEAP: heap },
      listenNetwork: cluster.backend,
      defaultPort: Port.tcp(SOLR_PORT),
      volumes,
      healthcheck: {
        test: ['CMD-SHELL', `wget -qO- ${ping} >/dev/null 2>&1 || curl -fsS ${ping} >/dev/null`],
        intervalSec: 10,
        timeoutSec: 5,
        retries: 5,
        // With a published config set the first start waits for the app's init task.
        startPeriodSec: prepare === undefined ? 60 : 600,
      },
      ports: debugPorts(props, SOLR_PORT),
      placement: statefulPlacement(props),
      stopGraceSec: 60,
      stateful: true,
      resources,
      dataStore: true,
    });
    this.url = `http://solr:${SOLR_PORT}/solr`;
  }
}

/** Waits for the published source, prepares the config set, then creates the core and starts Solr. */
function startScript(core: string, prepare: string): string {
  return [
    'set -eu',
    `core=${core}`,
    `src=${SOLR_CONFIG_SOURCE_PATH}`,
    'build=/var/solr/webcluster-configset',
    '# The core exists on the volume after the first start.',
    'if [ -f "/var/solr/data/$core/core.properties" ]; then exec solr-foreground; fi',
    `echo "waiting for $src/${SOLR_CONFIG_SOURCE_READY_FILE} (published by the app's init task)"`,
    `until [ -f "$src/${SOLR_CONFIG_SOURCE_READY_FILE}" ]; do sleep 5; done`,
    'rm -rf "$build"',
    'export CONFIG_SET_DIR="$build"',
    `(cd "$src" && ${prepare})`,
    'exec solr-precreate "$core" "$build"',
  ].join('\n');
}
