/**
 * The VCL template (constructs/core/assets/cache.vcl) as the constructs render it, compiled by the real
 * Varnish compiler (`varnishd -C`, Debian's `varnish` and `varnish-modules`; .ci/run installs them), for
 * each distinct rendering: with and without a probe, invalidator blocks given literally, as Terraform
 * tokens (what both backends pass by default) or none; plus the template notation itself.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Fn } from '../../../constructs/core/cdktf';
import { renderVarnishVcl, renderVclTemplate, VarnishVclOptions } from '../../../constructs/core/vcl';

const VARNISHD_CANDIDATES = ['/usr/sbin/varnishd', '/usr/local/sbin/varnishd'];

/** varnishd, or a failure that says how to get it: the test never skips. */
function varnishd(): string {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'varnishd'));
  const found = [...onPath, ...VARNISHD_CANDIDATES].find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new Error('varnishd is not installed: the VCL compile test needs it. Install Debian\'s varnish and varnish-modules (apt-get install varnish varnish-modules; .ci/run does).');
  }
  return found;
}

/**
 * Makes a rendering compilable on this machine; only what the compiler cannot see here is replaced,
 * each replacement must match exactly once:
 * - Terraform tokens of an invalidator block (`"${address}"/${prefix}`, split by Terraform at apply)
 *   become a concrete block, 10.0.48.0/20.
 * - vmod_dynamic (in the official varnish image, not packaged by Debian) becomes vmod_directors' hash
 *   director, whose `.backend(STRING)` takes the app's name like `dynamic.director`'s does, over one
 *   static backend with the rendered port and probe. That backend's host is 127.0.0.1 because
 *   `varnishd -C` resolves a backend's host at compile time and fails on a name that does not resolve
 *   (the app's real name only resolves on the deployed network).
 */
function compilable(vcl: string): string {
  let text = vcl.replace(/"\$\{TfToken\[TOKEN\.\d+\]\}"\/\$\{TfToken\[TOKEN\.\d+\]\}/g, '"10.0.48.0"/20');
  if (text.includes('${')) throw new Error(`an unresolved token is left in the VCL:\n${text}`);
  const replaceOnce = (pattern: RegExp, replacement: (...groups: string[]) => string): void => {
    const matches = text.match(new RegExp(pattern.source, `${pattern.flags}g`)) ?? [];
    if (matches.length !== 1) throw new Error(`expected exactly one match of ${pattern} in the rendered VCL, found ${matches.length}`);
    text = text.replace(pattern, (_m, ...groups: string[]) => replacement(...groups));
  };
  replaceOnce(/^import dynamic;$/m, () => 'import directors;');
  let backend = '';
  replaceOnce(/^ {4}new app = dynamic\.director\(port = "(\d+)", ttl = 10s(, probe = app_health)?\);$/m, (port, probe) => {
    backend = ['backend stand_in {', '    .host = "127.0.0.1";', `    .port = "${port}";`, ...(probe ? ['    .probe = app_health;'] : []), '}', '', ''].join('\n');
    return '    new app = directors.hash();\n    app.add_backend(stand_in, 1.0);';
  });
  replaceOnce(/^sub vcl_init \{$/m, () => `${backend}sub vcl_init {`);
  return text;
}

/** Runs `varnishd -C` on the text; returns its exit status and what it printed on failure. */
function compile(vcl: string): { status: number | null; errors: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-vcl-'));
  try {
    const file = path.join(dir, 'cache.vcl');
    fs.writeFileSync(file, vcl);
    // -n: a working directory of its own (the default one is not writable for everyone); -j none: no
    // privilege separation, so the compiler may write there as the user running the test.
    const result = spawnSync(varnishd(), ['-C', '-j', 'none', '-n', path.join(dir, 'work'), '-f', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    // On success the generated C goes to stderr; on failure the compiler's message does.
    return { status: result.status, errors: result.status === 0 ? '' : result.stderr.slice(0, 4000) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const base = { owner: 'test/HttpCache', backendPort: 80 };
const tokenCidr = Fn.cidrsubnet('10.0.0.0/16', 4, 3);
const renderings: [string, VarnishVclOptions][] = [
  ['AWS: load balancer name, literal invalidator blocks, no probe', { ...base, backendHost: 'internal-app.eu-central-1.elb.amazonaws.com', invalidatorCidrs: ['10.0.16.0/20', '10.0.32.0/20'] }],
  ['AWS default: subnet CIDRs as tokens, no probe', { ...base, backendHost: 'internal-app.eu-central-1.elb.amazonaws.com', invalidatorCidrs: [tokenCidr, tokenCidr] }],
  ['Docker: network subnet as a token, probe', { ...base, backendHost: 'app', backendPort: 8080, invalidatorCidrs: [tokenCidr], backendProbePath: '/api/ibexa/v2/' }],
  ['Docker: no probe', { ...base, backendHost: 'app', invalidatorCidrs: [tokenCidr] }],
  ['no invalidator blocks, probe', { ...base, backendHost: 'app', invalidatorCidrs: [], backendProbePath: '/health' }],
];

describe('the rendered VCL compiles with varnishd -C', () => {
  test.each(renderings)('%s', (_name, options) => {
    const result = compile(compilable(renderVarnishVcl(options)));
    expect(result.errors).toBe('');
    expect(result.status).toBe(0);
  });

  test('a broken VCL fails to compile (the check can fail)', () => {
    const broken = compilable(renderVarnishVcl(renderings[0][1])).replace('sub vcl_recv {', 'sub vcl_recv {\n    set req.nonsense = 1;');
    expect(compile(broken).status).not.toBe(0);
  });
});

describe('renderVarnishVcl', () => {
  test('the probe is declared and used only when the app has a probe path', () => {
    const withProbe = renderVarnishVcl({ ...base, backendHost: 'app', invalidatorCidrs: [], backendProbePath: '/health' });
    const without = renderVarnishVcl({ ...base, backendHost: 'app', invalidatorCidrs: [] });
    expect(withProbe).toContain('\n\nprobe app_health {\n    .url = "/health";\n');
    expect(withProbe).toContain('new app = dynamic.director(port = "80", ttl = 10s, probe = app_health);');
    expect(without).not.toContain('app_health');
    expect(without).toContain('import dynamic;\n\n// The app nodes');
    expect(without).toContain('new app = dynamic.director(port = "80", ttl = 10s);');
  });

  test('no template notation is left in a rendering', () => {
    for (const [, options] of renderings) expect(renderVarnishVcl(options)).not.toMatch(/\{\{|\}\}/);
  });

  test('an empty invalidator list leaves only the local address in the ACL', () => {
    expect(renderVarnishVcl({ ...base, backendHost: 'app', invalidatorCidrs: [] })).toContain('acl invalidators {\n    "127.0.0.1";\n}');
  });
});

describe('renderVclTemplate', () => {
  test('drops comment lines, keeps or drops sections, expands values and lists', () => {
    const template = '{{! a comment }}\na {{x}}\n{{#s}}\nin s\n{{/s}}\n{{list}}\nb{{#s}} inline{{/s}}.\n';
    expect(renderVclTemplate(template, { x: '1', list: ['l1', 'l2'] }, { s: true })).toBe('a 1\nin s\nl1\nl2\nb inline.\n');
    expect(renderVclTemplate(template, { x: '1', list: [] }, { s: false })).toBe('a 1\nb.\n');
  });

  test('inserts values in one pass (a value is never read as notation)', () => {
    expect(renderVclTemplate('{{a}} {{b}}', { a: '{{b}}', b: '2' }, {})).toBe('{{b}} 2');
  });

  test('a placeholder without a value fails', () => {
    expect(() => renderVclTemplate('{{missing}}', {}, {})).toThrow('VCL template: no value for {{missing}}');
  });

  test('a section without a flag fails', () => {
    expect(() => renderVclTemplate('{{#s}}x{{/s}}', {}, {})).toThrow('VCL template: no value for {{s}}');
  });

  test('a list placeholder inside a line fails', () => {
    expect(() => renderVclTemplate('a {{list}}\n', { list: ['x'] }, {})).toThrow('VCL template: the list {{list}} must stand alone on its line');
  });
});
