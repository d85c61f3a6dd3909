/**
 * The files the AWS hosts receive (constructs/aws/assets/: scripts, configuration, systemd units),
 * checked by real tools: every shell asset passes shellcheck as a template (placeholders filled with a
 * stand-in), every bash script the host constructs actually write passes it as rendered, and every
 * systemd unit they write (files and units built by code) passes `systemd-analyze verify`. A missing
 * shellcheck or systemd-analyze fails the tests (Debian: shellcheck, systemd; .ci/run installs both);
 * nothing is skipped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TerraformStack } from 'cdktf';
import { AdminServer } from '../../../constructs/aws/admin-server';
import { AppServerGroup } from '../../../constructs/aws/app-server-group';
import { DocumentDatabase } from '../../../constructs/aws/document-database';
import { HttpCache } from '../../../constructs/aws/http-cache';
import { ListenerCertificate, LoadBalancer } from '../../../constructs/aws/load-balancer';
import { SearchService } from '../../../constructs/aws/search-service';
import { AWS_ASSETS_DIR } from '../../../constructs/aws/private/assets';
import { VARNISH_HEALTH_PATH } from '../../../constructs/core/vcl';
import { hostScripts, withoutInterpolations } from '../../engine/host-scripts';
import { makeNetwork, makeStack, synthJson, SynthJson } from '../../util';
import { runTool } from '../../tools';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/abc';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:app-AbCdEf';

/** Every file below the assets folder, relative to it. */
function assetFiles(dir = AWS_ASSETS_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? assetFiles(path.join(dir, e.name)) : [path.relative(AWS_ASSETS_DIR, path.join(dir, e.name))]))
    .sort();
}

/**
 * A template as shellcheck can read it: `{{! shellcheck ... }}` lines become directives, other
 * template comments and section markers go (both branches of a section stay), a placeholder alone on
 * its line becomes the command `: TFVALUE`, any other placeholder the word TFVALUE.
 */
function shellcheckable(template: string): string {
  return template
    .replace(/^\{\{! (shellcheck .*) \}\}$/gm, '# $1')
    .replace(/^\{\{!.*\}\}\n/gm, '')
    .replace(/^\{\{[#/]\w+\}\}\n/gm, '')
    .replace(/^\{\{\w+\}\}$/gm, ': TFVALUE')
    .replace(/\{\{\w+\}\}/g, 'TFVALUE');
}

/** One stack with every AWS host construct, in the variants that change their scripts and units. */
function allHosts(): SynthJson {
  const stack: TerraformStack = makeStack();
  const network = makeNetwork(stack);
  const lb = new LoadBalancer(stack, 'LoadBalancer', { network, certificate: ListenerCertificate.fromArn(CERT_ARN), appTarget: { healthCheckPath: VARNISH_HEALTH_PATH } });
  const workload = {
    packages: ['nginx'],
    environment: { APP_ENV: 'prod' },
    secretEnvironment: {
      APP_SECRET: { secretArn: SECRET_ARN },
      DATABASE_URL: { secretArn: SECRET_ARN, template: 'mysql://{username}:{password}@db:3306/app' },
    },
    systemServices: ['nginx'],
    release: { bucketName: 'releases', hook: 'ln -s /mnt/shared/media public/media' },
  };
  new AppServerGroup(stack, 'AppServers', { network, target: lb.addPathTarget('App', { pathPatterns: ['/app*'], priority: 20 }), workload, workerCommand: '/usr/bin/php bin/console messenger:consume async' });
  new AdminServer(stack, 'Admin', {
    network,
    target: lb.addPathTarget('Admin', { pathPatterns: ['/admin*'], priority: 10 }),
    workload,
    setupCommand: '/var/www/app/bin/setup',
    schedulerCommand: '/usr/bin/php /var/www/app/bin/console scheduled-task:run',
    generatedSecretArns: [SECRET_ARN],
  });
  new DocumentDatabase(stack, 'Mongo', { network });
  new SearchService(stack, 'Search', { network, configSet: { prepareCommand: 'bash bin/generate-solr-config.sh --destination-dir="$CONFIG_SET_DIR/conf"' } });
  new SearchService(stack, 'DefaultSearch', { network, zoneIndex: 1 });
  new HttpCache(stack, 'HttpCache', { network, target: lb.appTarget });
  return synthJson(stack);
}

/** Every file below /etc/systemd/system/ that a cloud-config document of the stack writes, by path. */
function writtenUnits(json: SynthJson): Map<string, string> {
  const units = new Map<string, string>();
  for (const value of Object.values(json.locals ?? {})) {
    if (typeof value !== 'string' || !value.startsWith('#cloud-config\n')) continue;
    const doc = JSON.parse(withoutInterpolations(value).slice('#cloud-config\n'.length)) as { write_files: { path: string; content: string }[] };
    for (const f of doc.write_files) if (f.path.startsWith('/etc/systemd/system/')) units.set(f.path.slice('/etc/systemd/system/'.length), f.content);
  }
  return units;
}

/**
 * `systemd-analyze verify` of `units` (path below /etc/systemd/system/ -> content) in a unit folder of
 * their own: each `Exec*=` program becomes a stub of the same name (the programs are installed on the
 * hosts, not here) and each unit they require that neither they nor this machine define a stub
 * service. Returns what it reports ('' when it has nothing).
 */
function verifyUnits(units: Map<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'units-'));
  const bin = path.join(dir, 'bin');
  const unitDir = path.join(dir, 'system');
  fs.mkdirSync(bin);
  fs.mkdirSync(unitDir);
  try {
    const referenced = new Set<string>();
    for (const [file, content] of units) {
      const text = content.replace(/^(Exec\w+=)([-@:+!]*)(\S+)/gm, (_m, key: string, flags: string, program: string) => {
          const stub = path.join(bin, path.basename(program));
          fs.writeFileSync(stub, '#!/bin/sh\n', { mode: 0o755 });
          return `${key}${flags}${stub}`;
        });
      for (const m of text.matchAll(/^(?:Requires|Wants|After|Before)=(.*)$/gm)) for (const name of m[1].split(' ')) referenced.add(name);
      fs.mkdirSync(path.dirname(path.join(unitDir, file)), { recursive: true });
      fs.writeFileSync(path.join(unitDir, file), text);
    }
    for (const name of referenced) {
      const known = units.has(name) || fs.existsSync(path.join('/lib/systemd/system', name)) || fs.existsSync(path.join('/usr/lib/systemd/system', name));
      if (!known && name.endsWith('.service')) fs.writeFileSync(path.join(unitDir, name), `[Service]\nExecStart=${path.join(bin, 'stand-in')}\n`);
    }
    fs.writeFileSync(path.join(bin, 'stand-in'), '#!/bin/sh\n', { mode: 0o755 });
    // Drop-ins are verified with the unit they change (a stub for a system service such as nginx).
    const names = [...units.keys()].map((file) => file.split('/')[0].replace(/\.d$/, ''));
    for (const name of names) if (!fs.existsSync(path.join(unitDir, name))) fs.writeFileSync(path.join(unitDir, name), `[Service]\nExecStart=${path.join(bin, 'stand-in')}\n`);
    const r = runTool('systemd-analyze', ['verify', '--man=no', ...new Set(names)], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:`, SYSTEMD_LOG_COLOR: '0' } });
    return r.status === 0 && r.output.trim() === '' ? '' : `exit ${r.status}:\n${r.output.split(dir).join('<tmp>')}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('files of the AWS hosts (constructs/aws/assets)', () => {
  const files = assetFiles();
  const shell = files.filter((f) => f.endsWith('.sh'));

  test('the folder holds the scripts, configuration files and units', () => {
    expect(shell.length).toBeGreaterThanOrEqual(8);
    expect(files.filter((f) => /\.(service|timer)$/.test(f)).length).toBeGreaterThanOrEqual(5);
  });

  test.each(shell)('%s passes shellcheck', (file) => {
    const r = runTool('shellcheck', ['--shell=bash', '-'], { input: shellcheckable(fs.readFileSync(path.join(AWS_ASSETS_DIR, file), 'utf8')) });
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  test('no file holds Terraform template syntax (${ or %{): the text goes into Terraform strings as it is', () => {
    const offending = files.filter((f) => /\$\{|%\{/.test(fs.readFileSync(path.join(AWS_ASSETS_DIR, f), 'utf8')));
    expect(offending).toEqual([]);
  });

  test('every file is used by the AWS constructs', () => {
    const sources = [path.join(AWS_ASSETS_DIR, '..'), path.join(AWS_ASSETS_DIR, '..', 'private')]
      .flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')))
      .join('\n');
    expect(files.filter((f) => !sources.includes(`'${f}'`))).toEqual([]);
  });
});

describe('what the AWS host constructs write', () => {
  let json: SynthJson;
  beforeAll(() => {
    json = allHosts();
  });

  // SC2016 is left out: the generate function's JMESPath literal (`{}`) is single-quoted on purpose;
  // its file carries the directive (assets/app-host/generate-secret.sh), the rendered text cannot.
  test('every bash script and runcmd passes shellcheck as rendered (Terraform references as TFVALUE)', () => {
    const scripts = hostScripts(json);
    expect(scripts.length).toBeGreaterThanOrEqual(15);
    const findings = scripts.flatMap((script) => {
      const r = runTool('shellcheck', ['--shell=bash', '--exclude=SC2016', '--format=gcc', '-'], { input: script.text });
      return r.output.split('\n').filter((line) => line.trim() !== '').map((line) => `${script.origin}: ${line.replace(/^-:/, '')}`);
    });
    expect(findings).toEqual([]);
  });

  test('every systemd unit and drop-in passes systemd-analyze verify', () => {
    const units = writtenUnits(json);
    expect([...units.keys()]).toEqual(
      expect.arrayContaining(['solr.service', 'webcluster-solr-core.service', 'varnish.service', 'webcluster-mongo-rs-init.service', 'webcluster-secrets-refresh.timer', 'nginx.service.d/webcluster.conf']),
    );
    expect(verifyUnits(units)).toBe('');
  });

  test('the unit check finds a misspelt key, in a unit and in a drop-in', () => {
    const report = verifyUnits(
      new Map([
        ['broken.service', '[Unit]\nDescription=x\n\n[Service]\nTyp=oneshot\nExecStart=/usr/local/bin/x\n'],
        ['nginx.service.d/webcluster.conf', '[Service]\nEnvironmentFil=/etc/webcluster/app.env\n'],
      ]),
    );
    expect(report).toContain("Unknown key 'Typ'");
    expect(report).toContain("Unknown key 'EnvironmentFil'");
  });
});
