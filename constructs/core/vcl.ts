/**
 * The Varnish configuration (VCL 4.1) of the shared HTTP cache, the template `assets/cache.vcl` rendered by
 * our code for both backends (AWS: written to the cache hosts by cloud-init; Docker: uploaded into the
 * Varnish container).
 */
import * as path from 'path';
import { Fn, Token } from './cdktf';
import { readAsset, renderTemplate, TemplateSections, TemplateValues } from './template';

/** Path Varnish answers itself with 200 (load balancer health checks of the cache nodes). */
export const VARNISH_HEALTH_PATH = '/_varnish/health';

/** Port varnishd listens on inside its container (unprivileged; hosts publish it on their own port). */
export const VARNISH_CONTAINER_PORT = 6081;

/** What the configuration depends on. */
export interface VarnishVclOptions {
  /** Construct path of the cache, for the header comment. */
  readonly owner: string;
  /** DNS name of the app (a load balancer, or a name resolving to every app container). */
  readonly backendHost: string;
  /** Port of the app's web server. */
  readonly backendPort: number;
  /**
   * Address blocks allowed to invalidate (PURGE, PURGEKEYS, BAN): the app nodes' networks only.
   * Tokens (e.g. a subnet's `cidr_block`) are fine.
   */
  readonly invalidatorCidrs: readonly string[];
  /**
   * Path Varnish polls on every resolved app address; unhealthy addresses get no traffic and
   * cached pages are served in grace meanwhile.
   * @default - no probe (a load balancer in between checks the app)
   */
  readonly backendProbePath?: string;
}

/** The template, `assets/cache.vcl` next to this file (also in dist/ and lib/, scripts/copy-assets.js). */
export const VCL_TEMPLATE_PATH = path.join(__dirname, 'assets', 'cache.vcl');

/**
 * A VCL with the contract of Ibexa's reference configuration (`vendor/ibexa/http-cache/docs/varnish/vcl/varnish7.vcl`,
 * FOSHttpCache): tag invalidation with `PURGEKEYS` and the xkey vmod, `PURGE` of one URL, `BAN` by
 * URL pattern, the user-context hash that lets pages vary by permissions instead of by session, ESI,
 * grace. Invalidation is allowed only from `invalidatorCidrs` (`acl invalidators`); everything else
 * gets 405, also when it comes through the load balancer. The app is reached through vmod_dynamic,
 * which re-resolves its name (a load balancer's changing addresses, restarted containers); both
 * vmods ship with the official `varnish` image (varnish-modules and vmod_dynamic since 7.1).
 * The text is the template `assets/cache.vcl` (read once at synth), filled in by {@link renderVclTemplate}.
 */
export function renderVarnishVcl(options: VarnishVclOptions): string {
  const probe = options.backendProbePath;
  return renderVclTemplate(
    readAsset(VCL_TEMPLATE_PATH),
    {
      owner: options.owner,
      backendHost: options.backendHost,
      backendPort: String(options.backendPort),
      healthPath: VARNISH_HEALTH_PATH,
      probePath: probe ?? '',
      invalidators: options.invalidatorCidrs.map((c) => `    ${vclAclEntry(c)};`),
    },
    { probe: probe !== undefined },
  );
}

/**
 * Fills in a template in the notation of `assets/cache.vcl`, {@link renderTemplate} (errors name the
 * `VCL template`).
 */
export function renderVclTemplate(text: string, values: TemplateValues, sections: TemplateSections): string {
  return renderTemplate(text, values, sections, 'VCL template');
}

/**
 * One `acl` entry, `"10.0.16.0"/20`, for a CIDR block given literally or as a token (the block is
 * then split by Terraform).
 */
export function vclAclEntry(cidr: string): string {
  if (Token.isUnresolved(cidr)) {
    return `"${Fn.element(Fn.split('/', cidr), 0)}"/${Fn.element(Fn.split('/', cidr), 1)}`;
  }
  const [address, prefix] = cidr.split('/');
  return prefix === undefined ? `"${address}"` : `"${address}"/${prefix}`;
}
