/**
 * The Varnish configuration (VCL 4.1) of the shared HTTP cache, rendered by our code for both backends
 * (AWS: written to the cache hosts by cloud-init; Docker: uploaded into the Varnish container).
 */
import { Fn, Token } from './cdktf';

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

/**
 * A VCL with the contract of Ibexa's reference configuration (`vendor/ibexa/http-cache/docs/varnish/vcl/varnish7.vcl`,
 * FOSHttpCache): tag invalidation with `PURGEKEYS` and the xkey vmod, `PURGE` of one URL, `BAN` by
 * URL pattern, the user-context hash that lets pages vary by permissions instead of by session, ESI,
 * grace. Invalidation is allowed only from `invalidatorCidrs` (`acl invalidators`); everything else
 * gets 405, also when it comes through the load balancer. The app is reached through vmod_dynamic,
 * which re-resolves its name (a load balancer's changing addresses, restarted containers); both
 * vmods ship with the official `varnish` image (varnish-modules and vmod_dynamic since 7.1).
 */
export function renderVarnishVcl(options: VarnishVclOptions): string {
  const probe = options.backendProbePath;
  const acl = ['    "127.0.0.1";', ...options.invalidatorCidrs.map((c) => `    ${vclAclEntry(c)};`)];
  const lines = [
    'vcl 4.1;',
    `// Rendered by webcluster (${options.owner}); changes here are overwritten on deploy.`,
    '',
    'import std;',
    'import xkey;',
    'import dynamic;',
    '',
    ...(probe !== undefined
      ? [
          'probe app_health {',
          `    .url = "${probe}";`,
          '    .interval = 10s;',
          '    .timeout = 5s;',
          '    .window = 5;',
          '    .threshold = 3;',
          '}',
          '',
        ]
      : []),
    '// The app nodes: the only clients that may invalidate cached pages.',
    'acl invalidators {',
    ...acl,
    '}',
    '',
    'sub vcl_init {',
    '    // The app by name, resolved again every 10 s.',
    `    new app = dynamic.director(port = "${options.backendPort}", ttl = 10s${probe !== undefined ? ', probe = app_health' : ''});`,
    '}',
    '',
    'sub vcl_recv {',
    `    set req.backend_hint = app.backend("${options.backendHost}");`,
    `    if (req.url == "${VARNISH_HEALTH_PATH}") {`,
    '        return (synth(200, "OK"));',
    '    }',
    '    // Symfony builds absolute URLs from these (the load balancer terminates TLS).',
    '    if (req.http.X-Forwarded-Proto == "https") {',
    '        set req.http.X-Forwarded-Port = "443";',
    '    } else {',
    '        set req.http.X-Forwarded-Port = "80";',
    '    }',
    '    set req.http.Surrogate-Capability = "abc=ESI/1.0";',
    '    call webcluster_invalidate;',
    '    if (req.method != "GET" && req.method != "HEAD") {',
    '        return (pass);',
    '    }',
    '    // Authenticated API calls (basic auth, tokens) are never served from the shared cache.',
    '    if (req.http.Authorization) {',
    '        return (pass);',
    '    }',
    '    // Keep only the session cookie and the app\'s own cookies; tracking cookies would make every page a miss.',
    '    if (req.http.Cookie) {',
    '        set req.http.Cookie = ";" + req.http.Cookie;',
    '        set req.http.Cookie = regsuball(req.http.Cookie, "; +", ";");',
    '        set req.http.Cookie = regsuball(req.http.Cookie, ";(IBX_SESSION_ID[^=]*|eZSESSID[^=]*|ibexa-[^=]*)=", "; \\1=");',
    '        set req.http.Cookie = regsuball(req.http.Cookie, ";[^ ][^;]*", "");',
    '        set req.http.Cookie = regsuball(req.http.Cookie, "^[; ]+|[; ]+$", "");',
    '        if (req.http.Cookie == "") {',
    '            unset req.http.Cookie;',
    '        }',
    '    }',
    '    // Static files do not vary by user.',
    '    if (req.url ~ "\\.(css|js|map|gif|jpe?g|png|webp|avif|svg|ico|woff2?|ttf|eot|otf|mp3|mp4|webm|pdf|zip|gz)(\\?.*)?$") {',
    '        return (hash);',
    '    }',
    '    set req.url = std.querysort(req.url);',
    '    call webcluster_user_context_hash;',
    '    return (hash);',
    '}',
    '',
    '// PURGEKEYS (xkey tags, what Ibexa sends), PURGE (one URL) and BAN (URL pattern), from the app nodes only.',
    'sub webcluster_invalidate {',
    '    if (req.method == "PURGEKEYS" || req.method == "PURGE" || req.method == "BAN") {',
    '        if (!(client.ip ~ invalidators)) {',
    '            return (synth(405, "Method not allowed"));',
    '        }',
    '    }',
    '    if (req.method == "PURGEKEYS") {',
    '        if (!req.http.xkey-purge && !req.http.xkey-softpurge) {',
    '            return (synth(400, "Neither xkey-purge nor xkey-softpurge set"));',
    '        }',
    '        set req.http.n-gone = 0;',
    '        set req.http.n-softgone = 0;',
    '        if (req.http.xkey-purge) {',
    '            set req.http.n-gone = xkey.purge(req.http.xkey-purge);',
    '        }',
    '        if (req.http.xkey-softpurge) {',
    '            set req.http.n-softgone = xkey.softpurge(req.http.xkey-softpurge);',
    '        }',
    '        return (synth(200, "Purged " + req.http.n-gone + ", expired " + req.http.n-softgone));',
    '    }',
    '    if (req.method == "PURGE") {',
    '        return (purge);',
    '    }',
    '    if (req.method == "BAN") {',
    '        if (!req.http.X-Url) {',
    '            return (synth(400, "BAN needs an X-Url header"));',
    '        }',
    '        if (!req.http.X-Host) {',
    '            set req.http.X-Host = ".*";',
    '        }',
    '        if (std.ban("obj.http.X-Host ~ " + req.http.X-Host + " && obj.http.X-Url ~ " + req.http.X-Url)) {',
    '            return (synth(200, "Banned"));',
    '        }',
    '        return (synth(400, std.ban_error()));',
    '    }',
    '}',
    '',
    '// The FOSHttpCache user-context hash: pages vary by the hash of the user\'s permissions, which the',
    '// app computes once per session at /_fos_user_context_hash (cached per session cookie).',
    'sub webcluster_user_context_hash {',
    '    // Clients must not bring their own hash.',
    '    if (req.restarts == 0 && (req.http.Accept ~ "application/vnd.fos.user-context-hash" || req.http.X-User-Context-Hash)) {',
    '        return (synth(400));',
    '    }',
    '    if (req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {',
    '        if (req.http.Accept) {',
    '            set req.http.X-Fos-Original-Accept = req.http.Accept;',
    '        }',
    '        set req.http.Accept = "application/vnd.fos.user-context-hash";',
    '        set req.http.X-Fos-Original-Url = req.url;',
    '        set req.url = "/_fos_user_context_hash";',
    '        return (hash);',
    '    }',
    '    if (req.restarts > 0 && req.http.Accept == "application/vnd.fos.user-context-hash") {',
    '        set req.url = req.http.X-Fos-Original-Url;',
    '        unset req.http.X-Fos-Original-Url;',
    '        if (req.http.X-Fos-Original-Accept) {',
    '            set req.http.Accept = req.http.X-Fos-Original-Accept;',
    '            unset req.http.X-Fos-Original-Accept;',
    '        } else {',
    '            unset req.http.Accept;',
    '        }',
    '        return (hash);',
    '    }',
    '}',
    '',
    'sub vcl_backend_response {',
    '    // A failing hash lookup must not be cached for everyone.',
    '    if (bereq.http.Accept ~ "application/vnd.fos.user-context-hash" && beresp.status >= 500) {',
    '        return (abandon);',
    '    }',
    '    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {',
    '        unset beresp.http.Surrogate-Control;',
    '        set beresp.do_esi = true;',
    '    }',
    '    // Serve stale pages for up to an hour while the app is slow or down.',
    '    set beresp.grace = 1h;',
    '    set beresp.keep = 10m;',
    '    if (beresp.http.Content-Type ~ "^(text/|application/javascript|application/json|image/svg\\+xml)") {',
    '        set beresp.do_gzip = true;',
    '    }',
    '    // Translation-specific tags (Ibexa sends x-lang with translated content).',
    '    if (beresp.http.xkey && beresp.http.x-lang) {',
    '        set beresp.http.xkey = beresp.http.xkey + " " + regsuball(beresp.http.xkey, "(\\S+)", "\\1" + beresp.http.x-lang);',
    '    }',
    '    // For BAN by URL pattern.',
    '    set beresp.http.X-Url = bereq.url;',
    '    set beresp.http.X-Host = bereq.http.host;',
    '}',
    '',
    'sub vcl_deliver {',
    '    // The hash lookup answered: copy the hash into the original request and run it again.',
    '    if (req.restarts == 0 && resp.http.Content-Type ~ "application/vnd.fos.user-context-hash") {',
    '        set req.http.X-User-Context-Hash = resp.http.X-User-Context-Hash;',
    '        return (restart);',
    '    }',
    '    if (resp.http.Vary ~ "X-User-Context-Hash") {',
    '        set resp.http.Vary = regsub(resp.http.Vary, "(?i),? *X-User-Context-Hash *", "");',
    '        set resp.http.Vary = regsub(resp.http.Vary, "^, *", "");',
    '        if (resp.http.Vary == "") {',
    '            unset resp.http.Vary;',
    '        }',
    '        // Pages that vary by user rights must not be kept by browsers or shared proxies for long.',
    '        if (req.http.Cookie) {',
    '            set resp.http.Cache-Control = "private, no-cache, no-store, must-revalidate";',
    '        } else if (resp.http.Cache-Control ~ "public") {',
    '            set resp.http.Cache-Control = "public, s-maxage=600, stale-while-revalidate=300, stale-if-error=300";',
    '        }',
    '    }',
    '    unset resp.http.xkey;',
    '    unset resp.http.x-lang;',
    '    unset resp.http.X-User-Context-Hash;',
    '    unset resp.http.X-Url;',
    '    unset resp.http.X-Host;',
    '}',
    '',
  ];
  return lines.join('\n');
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
