/**
 * Renders Traefik's configuration: the static part as command-line arguments and the dynamic part
 * (routers, middlewares, services) as the YAML document the file provider reads. Pure functions, so
 * the load balancer can render lazily, after every target was added.
 */
import { stringify } from 'yaml';

/** Path of the dynamic configuration inside the Traefik container (Swarm: a Swarm config). */
export const DYNAMIC_CONFIG_PATH = '/etc/traefik/dynamic.yml';
/**
 * Directory the file provider watches on a standalone engine: a volume that a one-shot task writes
 * the routes into, so new routes reach the running Traefik without replacing its container.
 */
export const ROUTES_DIR = '/etc/traefik/routes';
/** Directory of the ACME account and certificates (a named volume). */
export const ACME_DIR = '/letsencrypt';
/** Name of the certificate resolver. */
export const CERT_RESOLVER = 'letsencrypt';
/**
 * Middleware on every entry point: a request whose backend container gave no answer (it died, or
 * was stopped, before the health check took it out) is sent once more, to another container. Only
 * requests without any answer are retried, never one that got an error status.
 */
export const RETRY_MIDDLEWARE = 'retry';
/** Attempts of {@link RETRY_MIDDLEWARE}, the first one included. */
export const RETRY_ATTEMPTS = 2;
/** A source range no client ever has: an ipAllowList with it answers every request with 403. */
export const DENY_ALL_RANGE = '255.255.255.255/32';

/** Static configuration of the Traefik process. */
export interface TraefikStaticOptions {
  /** Contact for Let's Encrypt; enables the `websecure` entry point on :443. */
  readonly acmeEmail?: string;
  /** Host port HTTPS is published on (the redirect from HTTP targets it). */
  readonly httpsPort: number;
  /** Idle timeout of client connections, seconds. */
  readonly idleTimeoutSec: number;
  /** Where the file provider reads the routes: one file, or a directory it watches. */
  readonly routes: { readonly file: string } | { readonly directory: string };
  /**
   * A new connection to the backend for every request, so that each request resolves the backend's
   * name again (Swarm dnsrr: the answer rotates over the tasks; pooled connections would keep
   * every request on the tasks resolved first).
   * @default false
   */
  readonly connectionPerRequest?: boolean;
}

/**
 * Command-line arguments: entry points `web` (:80) and, with ACME, `websecure` (:443) with an HTTP-01
 * resolver and a redirect from `web`; the file provider; `/ping` on the internal `traefik` entry
 * point (:8080, not published) for the health check; JSON access log on stdout. No Docker provider,
 * no API or dashboard, no usage reporting.
 */
export function traefikStaticArgs(options: TraefikStaticOptions): string[] {
  const tls = options.acmeEmail !== undefined;
  const idle = `${options.idleTimeoutSec}s`;
  const args = [
    '--global.checknewversion=false',
    '--global.sendanonymoususage=false',
    '--log.level=INFO',
    '--accesslog=true',
    '--accesslog.format=json',
    '--entrypoints.web.address=:80',
    `--entrypoints.web.transport.respondingTimeouts.idleTimeout=${idle}`,
    `--entrypoints.web.http.middlewares=${RETRY_MIDDLEWARE}@file`,
    '--entrypoints.traefik.address=:8080',
    '--ping=true',
    ...(options.connectionPerRequest ? ['--serversTransport.maxIdleConnsPerHost=-1'] : []),
    '--ping.entrypoint=traefik',
    'file' in options.routes ? `--providers.file.filename=${options.routes.file}` : `--providers.file.directory=${options.routes.directory}`,
    '--providers.file.watch=true',
  ];
  if (tls) {
    // The ACME HTTP-01 challenge router outranks the redirect, so the challenge still works on :80.
    const to = options.httpsPort === 443 ? 'websecure' : `:${options.httpsPort}`;
    args.push(
      '--entrypoints.websecure.address=:443',
      `--entrypoints.websecure.transport.respondingTimeouts.idleTimeout=${idle}`,
      `--entrypoints.websecure.http.middlewares=${RETRY_MIDDLEWARE}@file`,
      `--entrypoints.web.http.redirections.entrypoint.to=${to}`,
      '--entrypoints.web.http.redirections.entrypoint.scheme=https',
      `--certificatesResolvers.${CERT_RESOLVER}.acme.email=${options.acmeEmail}`,
      `--certificatesResolvers.${CERT_RESOLVER}.acme.storage=${ACME_DIR}/acme.json`,
      `--certificatesResolvers.${CERT_RESOLVER}.acme.httpChallenge=true`,
      `--certificatesResolvers.${CERT_RESOLVER}.acme.httpChallenge.entrypoint=web`,
    );
  }
  return args;
}

/** One route of the dynamic configuration. */
export interface TraefikRoute {
  /** Router and service name. */
  readonly name: string;
  /** Backend base URLs, `http://<host>:<port>`. */
  readonly serverUrls: readonly string[];
  /** Health check path. */
  readonly healthCheckPath: string;
  /** Path prefixes; empty for the catch-all route. */
  readonly pathPrefixes: readonly string[];
  /** Router priority. */
  readonly priority: number;
  /** Client ranges allowed on this route; undefined: no restriction; empty: nobody (403). */
  readonly sourceCidrs?: readonly string[];
}

/** Everything the dynamic configuration depends on. */
export interface TraefikDynamicOptions {
  /** Construct path of the load balancer, for the header comment. */
  readonly owner: string;
  /** Host name routes are bound to; undefined: any host. */
  readonly domain?: string;
  /** Whether routers sit on `websecure` with the ACME resolver. */
  readonly tls: boolean;
  /** Client ranges allowed at all; undefined: everyone. */
  readonly ingressCidrs?: readonly string[];
  /** Name of the sticky-session cookie of the catch-all route; undefined: no stickiness. */
  readonly stickyCookieName?: string;
  /** Routes, in the order they were added. */
  readonly routes: readonly TraefikRoute[];
}

/** Seconds between active health checks of each backend server. */
export const HEALTH_CHECK_INTERVAL_SEC = 10;
/** Seconds before a health check counts as failed. */
export const HEALTH_CHECK_TIMEOUT_SEC = 5;

/** Traefik's dynamic configuration as YAML. */
export function renderTraefikDynamicConfig(options: TraefikDynamicOptions): string {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  // Referenced by every entry point (traefikStaticArgs), so it is always defined.
  const middlewares: Record<string, unknown> = { [RETRY_MIDDLEWARE]: { retry: { attempts: RETRY_ATTEMPTS, initialInterval: '100ms' } } };
  const common: string[] = [];
  if (options.ingressCidrs !== undefined) {
    middlewares['ingress-allowlist'] = { ipAllowList: { sourceRange: [...options.ingressCidrs] } };
    common.push('ingress-allowlist');
  }
  for (const route of options.routes) {
    const own: string[] = [];
    if (route.sourceCidrs !== undefined && route.sourceCidrs.length === 0) {
      middlewares['deny-all'] = { ipAllowList: { sourceRange: [DENY_ALL_RANGE] } };
      own.push('deny-all');
    } else if (route.sourceCidrs !== undefined) {
      middlewares[`${route.name}-allowlist`] = { ipAllowList: { sourceRange: [...route.sourceCidrs] } };
      own.push(`${route.name}-allowlist`);
    }
    const chain = [...common, ...own];
    const sticky = stickyCookie(options.stickyCookieName, route);
    routers[route.name] = {
      entryPoints: [options.tls ? 'websecure' : 'web'],
      rule: routerRule(options.domain, route.pathPrefixes),
      priority: route.priority,
      service: route.name,
      ...(chain.length > 0 ? { middlewares: chain } : {}),
      ...(options.tls ? { tls: { certResolver: CERT_RESOLVER } } : {}),
    };
    services[route.name] = {
      loadBalancer: {
        servers: route.serverUrls.map((url) => ({ url })),
        healthCheck: {
          path: route.healthCheckPath,
          interval: `${HEALTH_CHECK_INTERVAL_SEC}s`,
          timeout: `${HEALTH_CHECK_TIMEOUT_SEC}s`,
          ...(options.domain !== undefined ? { hostname: options.domain } : {}),
        },
        passHostHeader: true,
        ...(sticky !== undefined ? { sticky: { cookie: { name: sticky, httpOnly: true, secure: options.tls, sameSite: 'lax' } } } : {}),
      },
    };
  }
  const http: Record<string, unknown> = { routers, middlewares, services };
  const header = `# Traefik dynamic configuration rendered by webcluster (${options.owner}); changes here are overwritten on deploy.\n`;
  return header + stringify({ http }, { lineWidth: 0 });
}

/**
 * The sticky cookie of a route: none for a single server (nothing to pin to); the configured name
 * on the catch-all route and `<name>_<route>` on path routes, so two services never overwrite each
 * other's cookie (a value naming a server of another service would unpin the client).
 */
function stickyCookie(name: string | undefined, route: TraefikRoute): string | undefined {
  if (name === undefined || route.serverUrls.length < 2) return undefined;
  return route.pathPrefixes.length === 0 ? name : `${name}_${route.name}`;
}

/** `Host(...) && (PathPrefix(...) || ...)`, or `PathPrefix(/)` for the catch-all route on any host. */
function routerRule(domain: string | undefined, prefixes: readonly string[]): string {
  const host = domain !== undefined ? `Host(\`${domain}\`)` : undefined;
  const paths = prefixes.map((p) => `PathPrefix(\`${p}\`)`);
  const path = paths.length === 0 ? undefined : paths.length === 1 ? paths[0] : `(${paths.join(' || ')})`;
  if (host && path) return `${host} && ${path}`;
  return host ?? path ?? 'PathPrefix(`/`)';
}
