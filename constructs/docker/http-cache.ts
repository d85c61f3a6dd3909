/**
 * HttpCache (Docker): a Varnish container between Traefik and the app containers, with purges
 * allowed only from the app's network.
 */
import { DataDockerNetwork } from '@cdktf/provider-docker/lib/data-docker-network';
import { Construct } from 'constructs';
import { Port } from '../core/port';
import type { Endpoint, IHttpCache } from '../core/roles';
import { validate } from '../core/validation-error';
import { renderVarnishVcl, VARNISH_CONTAINER_PORT, VARNISH_HEALTH_PATH } from '../core/vcl';
import { DockerConnections, IDockerNetwork } from './docker-connections';
import { ContainerResources, DEFAULT_RESOURCES, resourceRules } from './container-resources';
import type { DockerCluster } from './docker-cluster';
import type { LoadBalancer, LoadBalancerTarget } from './load-balancer';
import { Workload } from './workload';

/** Default Varnish image: the official image, which ships varnish-modules (xkey) and vmod_dynamic. */
export const DEFAULT_VARNISH_IMAGE = 'varnish:7.6.1';

/** Where the VCL is uploaded in the container. */
const VCL_PATH = '/etc/varnish/default.vcl';

/** Properties of an {@link HttpCache}. */
export interface HttpCacheProps {
  /** The cluster (runtime, naming, networks). */
  readonly cluster: DockerCluster;
  /** Load balancer; the cache becomes its catch-all route (the app must not take it as well). */
  readonly loadBalancer: LoadBalancer;
  /**
   * The app as Varnish reaches it on the cache network: a DNS name (the app workload's alias, which
   * resolves to every app container) and its port.
   */
  readonly backend: Endpoint;
  /**
   * Path Varnish polls on every app container; unhealthy ones get no traffic.
   * @default - no probe
   */
  readonly backendProbePath?: string;
  /**
   * Varnish image, pinned by tag or digest; it must provide the xkey and dynamic vmods.
   * @default 'varnish:7.6.1'
   */
  readonly image?: string;
  /**
   * Memory for cached objects, in MiB (Varnish `malloc` storage); at most half of the memory limit
   * (Varnish needs the rest for its per-object overhead, transient storage and threads).
   * @default - half of `resources.memoryMb`
   */
  readonly cacheSizeMiB?: number;
  /**
   * Memory limit, memory reservation and CPUs of the Varnish container.
   * @default { memoryMb: 512, cpus: 0.5 }
   */
  readonly resources?: ContainerResources;
  /**
   * Name within the cluster (`<prefix>-<name>`), also the host name the app purges.
   * @default 'varnish'
   */
  readonly name?: string;
}

/**
 * One Varnish container (a Swarm service on Swarm) running `varnishd` with the VCL our code renders
 * ({@link vcl}), uploaded as a file (a Swarm config on Swarm). It sits on two internal networks of
 * its own, so the load balancer and the app never share a network with each other through it:
 *
 * - `<prefix>-httpcache-edge`: the load balancer's catch-all route goes to Varnish here (Traefik
 *   joins it through the route);
 * - `<prefix>-httpcache`: Varnish reaches the app by name here (vmod_dynamic re-resolves it, so
 *   restarted or scaled containers are picked up), and the app sends its purges to `<name>` here.
 *   Clients join it with `connections.allowDefaultPortFrom(app)`.
 *
 * The VCL's `acl invalidators` holds the subnet of the `httpcache` network only (read from the
 * engine with a `docker_network` data source once the network exists), so the load balancer, which
 * is not on that network, cannot pass a client's PURGE on: it gets 405.
 *
 * @resource docker_container
 */
export class HttpCache extends Construct implements IHttpCache {
  /** Membership of the cache network (default port: Varnish's); clients granted join it. */
  public readonly connections: DockerConnections;
  /** The Varnish workload. */
  public readonly workload: Workload;
  /** The network between Varnish and the app (purges and backend fetches). */
  public readonly network: IDockerNetwork;
  /** The network between the load balancer and Varnish. */
  public readonly edgeNetwork: IDockerNetwork;
  /** The load balancer's catch-all route to Varnish. */
  public readonly target: LoadBalancerTarget;
  /** Host names the app purges (the workload's alias on the cache network). @attribute */
  public readonly purgeHosts: readonly string[];
  /** Port Varnish listens on. */
  public readonly port: number = VARNISH_CONTAINER_PORT;
  /** Subnet of the cache network, the only address block allowed to invalidate. @attribute */
  public readonly invalidatorCidr: string;
  /** The rendered VCL. */
  public readonly vcl: string;
  /** Varnish image in use. */
  public readonly image: string;

  constructor(scope: Construct, id: string, props: HttpCacheProps) {
    super(scope, id);
    const cluster = props.cluster;
    const name = props.name ?? 'varnish';
    const resources = props.resources ?? DEFAULT_RESOURCES.httpCache;
    const cacheSizeMiB = props.cacheSizeMiB ?? Math.floor(resources.memoryMb / 2);
    const probe = props.backendProbePath;
    validate(this, [
      {
        failed: !/^[a-z][a-z0-9-]{0,30}$/.test(name),
        message: () => `name: got '${name}'; allowed: lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'varnish'`,
      },
      {
        failed: !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(props.backend.hostname),
        message: () => `backend.hostname: got '${props.backend.hostname}'; allowed: a DNS name; fix: use the app workload's name, e.g. 'app'`,
      },
      {
        failed: !Number.isInteger(props.backend.port) || props.backend.port < 1 || props.backend.port > 65535,
        message: () => `backend.port: got ${props.backend.port}; allowed: 1 to 65535; fix: use the port the app listens on in its container`,
      },
      {
        failed: probe !== undefined && !/^\/[A-Za-z0-9._~%/-]*$/.test(probe),
        message: () => `backendProbePath: got '${probe}'; allowed: an absolute path of letters, digits and . _ ~ % / -; fix: use the app's health check path`,
      },
      ...resourceRules('resources', resources, 64),
      {
        failed: !Number.isInteger(cacheSizeMiB) || cacheSizeMiB < 16 || cacheSizeMiB > Math.floor(resources.memoryMb / 2),
        message: () =>
          `cacheSizeMiB: got ${cacheSizeMiB}; allowed: an integer from 16 to half of resources.memoryMb (${Math.floor(resources.memoryMb / 2)}); fix: lower cacheSizeMiB or raise resources.memoryMb`,
      },
    ]);
    this.image = props.image ?? DEFAULT_VARNISH_IMAGE;

    this.edgeNetwork = cluster.addNetwork(this, 'EdgeNetwork', 'httpcache-edge', true);
    this.network = cluster.addNetwork(this, 'Network', 'httpcache', true);
    // Docker picks the subnet; Terraform reads it once the network exists (the read waits for it).
    const networkInfo = new DataDockerNetwork(this, 'NetworkInfo', { name: this.network.networkName });
    this.invalidatorCidr = networkInfo.ipamConfig.get(0).subnet;
    this.vcl = renderVarnishVcl({
      owner: this.node.path,
      backendHost: props.backend.hostname,
      backendPort: props.backend.port,
      invalidatorCidrs: [this.invalidatorCidr],
      backendProbePath: probe,
    });

    this.workload = new Workload(this, 'Varnish', {
      cluster,
      name,
      role: 'http-cache',
      image: this.image,
      entrypoint: ['varnishd'],
      // Transient storage (short-lived and uncacheable objects) is unbounded by default: an eighth of
      // the limit keeps Varnish inside its container's memory.
      command: ['-F', '-a', `:${VARNISH_CONTAINER_PORT}`, '-f', VCL_PATH, '-s', `malloc,${cacheSizeMiB}m`, '-s', `Transient=malloc,${Math.max(16, Math.floor(resources.memoryMb / 8))}m`],
      resources,
      listenNetwork: this.edgeNetwork,
      defaultPort: Port.tcp(VARNISH_CONTAINER_PORT),
      files: [{ path: VCL_PATH, content: this.vcl }],
      healthcheck: {
        // bash's /dev/tcp, so the check needs neither curl nor wget in the image.
        test: [
          'CMD',
          'bash',
          '-c',
          `exec 3<>/dev/tcp/127.0.0.1/${VARNISH_CONTAINER_PORT} && printf 'GET ${VARNISH_HEALTH_PATH} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`,
        ],
        intervalSec: 10,
        timeoutSec: 5,
        retries: 3,
        startPeriodSec: 10,
      },
    });
    this.workload.connections.join(this.network);
    this.connections = new DockerConnections(this.workload, this.network, Port.tcp(VARNISH_CONTAINER_PORT));
    this.purgeHosts = [name];
    this.target = props.loadBalancer.addTarget('httpcache', { workload: this.workload, port: VARNISH_CONTAINER_PORT, healthCheckPath: VARNISH_HEALTH_PATH });
  }
}
