{{! The Varnish configuration of the shared HTTP cache, a template rendered by constructs/core/vcl.ts }}
{{! (renderVarnishVcl) for both backends. Placeholders: {{name}} is a value the code fills in; a line }}
{{! holding only {{invalidators}} becomes one ACL entry per line (none for an empty list); the text }}
{{! between {{#probe}} and {{/probe}} is kept only when the app has a probe path (a marker alone on its }}
{{! line takes its line break with it); lines like these, {{! ... }}, are dropped. test/constructs/core/vcl.test.ts }}
{{! compiles every rendering with varnishd -C. }}
vcl 4.1;
// Rendered by webcluster ({{owner}}); changes here are overwritten on deploy.

import std;
import xkey;
import dynamic;

{{#probe}}
probe app_health {
    .url = "{{probePath}}";
    .interval = 10s;
    .timeout = 5s;
    .window = 5;
    .threshold = 3;
}

{{/probe}}
// The app nodes: the only clients that may invalidate cached pages.
acl invalidators {
    "127.0.0.1";
{{invalidators}}
}

sub vcl_init {
    // The app by name, resolved again every 10 s.
    new app = dynamic.director(port = "{{backendPort}}", ttl = 10s{{#probe}}, probe = app_health{{/probe}});
}

sub vcl_recv {
    set req.backend_hint = app.backend("{{backendHost}}");
    if (req.url == "{{healthPath}}") {
        return (synth(200, "OK"));
    }
    // Symfony builds absolute URLs from these (the load balancer terminates TLS).
    if (req.http.X-Forwarded-Proto == "https") {
        set req.http.X-Forwarded-Port = "443";
    } else {
        set req.http.X-Forwarded-Port = "80";
    }
    set req.http.Surrogate-Capability = "abc=ESI/1.0";
    call webcluster_invalidate;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    // Authenticated API calls (basic auth, tokens) are never served from the shared cache.
    if (req.http.Authorization) {
        return (pass);
    }
    // Keep only the session cookie and the app's own cookies; tracking cookies would make every page a miss.
    if (req.http.Cookie) {
        set req.http.Cookie = ";" + req.http.Cookie;
        set req.http.Cookie = regsuball(req.http.Cookie, "; +", ";");
        set req.http.Cookie = regsuball(req.http.Cookie, ";(IBX_SESSION_ID[^=]*|eZSESSID[^=]*|ibexa-[^=]*)=", "; \1=");
        set req.http.Cookie = regsuball(req.http.Cookie, ";[^ ][^;]*", "");
        set req.http.Cookie = regsuball(req.http.Cookie, "^[; ]+|[; ]+$", "");
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    // Static files do not vary by user.
    if (req.url ~ "\.(css|js|map|gif|jpe?g|png|webp|avif|svg|ico|woff2?|ttf|eot|otf|mp3|mp4|webm|pdf|zip|gz)(\?.*)?$") {
        return (hash);
    }
    set req.url = std.querysort(req.url);
    call webcluster_user_context_hash;
    return (hash);
}

// PURGEKEYS (xkey tags, what Ibexa sends), PURGE (one URL) and BAN (URL pattern), from the app nodes only.
sub webcluster_invalidate {
    if (req.method == "PURGEKEYS" || req.method == "PURGE" || req.method == "BAN") {
        if (!(client.ip ~ invalidators)) {
            return (synth(405, "Method not allowed"));
        }
    }
    if (req.method == "PURGEKEYS") {
        if (!req.http.xkey-purge && !req.http.xkey-softpurge) {
            return (synth(400, "Neither xkey-purge nor xkey-softpurge set"));
        }
        set req.http.n-gone = 0;
        set req.http.n-softgone = 0;
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        }
        if (req.http.xkey-softpurge) {
            set req.http.n-softgone = xkey.softpurge(req.http.xkey-softpurge);
        }
        return (synth(200, "Purged " + req.http.n-gone + ", expired " + req.http.n-softgone));
    }
    if (req.method == "PURGE") {
        return (purge);
    }
    if (req.method == "BAN") {
        if (!req.http.X-Url) {
            return (synth(400, "BAN needs an X-Url header"));
        }
        if (!req.http.X-Host) {
            set req.http.X-Host = ".*";
        }
        if (std.ban("obj.http.X-Host ~ " + req.http.X-Host + " && obj.http.X-Url ~ " + req.http.X-Url)) {
            return (synth(200, "Banned"));
        }
        return (synth(400, std.ban_error()));
    }
}

// The FOSHttpCache user-context hash: pages vary by the hash of the user's permissions, which the
// app computes once per session at /_fos_user_context_hash (cached per session cookie).
sub webcluster_user_context_hash {
    // Clients must not bring their own hash.
    if (req.restarts == 0 && (req.http.Accept ~ "application/vnd.fos.user-context-hash" || req.http.X-User-Context-Hash)) {
        return (synth(400));
    }
    if (req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
        if (req.http.Accept) {
            set req.http.X-Fos-Original-Accept = req.http.Accept;
        }
        set req.http.Accept = "application/vnd.fos.user-context-hash";
        set req.http.X-Fos-Original-Url = req.url;
        set req.url = "/_fos_user_context_hash";
        return (hash);
    }
    if (req.restarts > 0 && req.http.Accept == "application/vnd.fos.user-context-hash") {
        set req.url = req.http.X-Fos-Original-Url;
        unset req.http.X-Fos-Original-Url;
        if (req.http.X-Fos-Original-Accept) {
            set req.http.Accept = req.http.X-Fos-Original-Accept;
            unset req.http.X-Fos-Original-Accept;
        } else {
            unset req.http.Accept;
        }
        return (hash);
    }
}

sub vcl_backend_response {
    // A failing hash lookup must not be cached for everyone.
    if (bereq.http.Accept ~ "application/vnd.fos.user-context-hash" && beresp.status >= 500) {
        return (abandon);
    }
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    // Serve stale pages for up to an hour while the app is slow or down.
    set beresp.grace = 1h;
    set beresp.keep = 10m;
    if (beresp.http.Content-Type ~ "^(text/|application/javascript|application/json|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    // Translation-specific tags (Ibexa sends x-lang with translated content).
    if (beresp.http.xkey && beresp.http.x-lang) {
        set beresp.http.xkey = beresp.http.xkey + " " + regsuball(beresp.http.xkey, "(\S+)", "\1" + beresp.http.x-lang);
    }
    // For BAN by URL pattern.
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Host = bereq.http.host;
}

sub vcl_deliver {
    // The hash lookup answered: copy the hash into the original request and run it again.
    if (req.restarts == 0 && resp.http.Content-Type ~ "application/vnd.fos.user-context-hash") {
        set req.http.X-User-Context-Hash = resp.http.X-User-Context-Hash;
        return (restart);
    }
    if (resp.http.Vary ~ "X-User-Context-Hash") {
        set resp.http.Vary = regsub(resp.http.Vary, "(?i),? *X-User-Context-Hash *", "");
        set resp.http.Vary = regsub(resp.http.Vary, "^, *", "");
        if (resp.http.Vary == "") {
            unset resp.http.Vary;
        }
        // Pages that vary by user rights must not be kept by browsers or shared proxies for long.
        if (req.http.Cookie) {
            set resp.http.Cache-Control = "private, no-cache, no-store, must-revalidate";
        } else if (resp.http.Cache-Control ~ "public") {
            set resp.http.Cache-Control = "public, s-maxage=600, stale-while-revalidate=300, stale-if-error=300";
        }
    }
    unset resp.http.xkey;
    unset resp.http.x-lang;
    unset resp.http.X-User-Context-Hash;
    unset resp.http.X-Url;
    unset resp.http.X-Host;
}
