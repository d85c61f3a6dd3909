/**
 * `npm run release -- <docker environment>`: the Terraform steps of a standalone rollout (init, each
 * app container alone with a wait for the load balancer's health check, workers, scheduler, then
 * the rest) and of a Swarm one (a single apply), with a recorded stand-in for Terraform. The real
 * rollout, with requests on, is in test/engine/standalone.engine.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ReleaseError } from '../release/aws-release';
import type { CommandResult } from '../release/commands';
import { DRAIN_SEC, releaseDocker, SETTLE_SEC } from '../release/docker-release';

const STACK = 'shop';
const at = (p: string, body: Record<string, unknown> = {}): Record<string, unknown> => ({ '//': { metadata: { path: `${STACK}/${p}` } }, ...body });
const ROUTES = [
  'http:',
  '  services:',
  '    app:',
  '      loadBalancer:',
  '        servers:',
  '          - url: http://${docker_container.AppServers_App_Container1_A.name}:8000',
  '          - url: http://${docker_container.AppServers_App_Container2_B.name}:8000',
  '    admin:',
  '      loadBalancer:',
  '        servers:',
  '          - url: http://${docker_container.Admin_Admin_Container1_G.name}:8000',
  '',
].join('\n');
const JSON_STACK = {
  resource: {
    docker_image: { Traefik_X: { name: 'traefik:v3.3.5' } },
    docker_volume: { LoadBalancer_RoutesVolume_Y: at('LoadBalancer/RoutesVolume', { name: 'shop-traefik-routes' }) },
    docker_container: {
      LoadBalancer_Routes_Task_H: at('LoadBalancer/Routes/Task', {
        image: '${docker_image.Traefik_X.image_id}',
        volumes: [{ container_path: '/etc/traefik/routes', volume_name: '${docker_volume.LoadBalancer_RoutesVolume_Y.name}' }],
        upload: [{ file: '/etc/traefik/dynamic.yml', content: ROUTES }],
      }),
      AppServers_App_Container2_B: at('AppServers/App/Container2', { name: 'shop-app-2' }),
      AppServers_App_Container1_A: at('AppServers/App/Container1', { name: 'shop-app-1' }),
      Admin_Admin_Container1_G: at('Admin/Admin/Container1', { name: 'shop-admin-1' }),
      AppServers_Init_Task_C: at('AppServers/Init/Task'),
      AppServers_Worker_Container1_D: at('AppServers/Worker/Container1'),
      AppServers_Worker_Container2_E: at('AppServers/Worker/Container2'),
      AppServers_Scheduler_Container1_F: at('AppServers/Scheduler/Container1'),
      Database_Primary_Container1_I: at('Database/Primary/Container1'),
    },
  },
};
const REPLACE = ['delete', 'create'];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-docker-release-'));
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(JSON_STACK));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function rollout(mode: 'standalone' | 'swarm', changes: Record<string, string[]>, failOn?: string) {
  const calls: string[] = [];
  const events: string[] = [];
  const out: string[] = [];
  const run = async (command: string, args: readonly string[], cwd?: string, _quiet?: boolean, input?: string): Promise<CommandResult> => {
    if (command === 'docker') {
      expect(args.slice(0, -1)).toEqual(['--host', 'ssh://deploy@shop-host', 'run', '--rm', '-i', '--network', 'none', '--entrypoint', '/bin/sh', '-v', 'shop-traefik-routes:/etc/traefik/routes', 'traefik:v3.3.5', '-c']);
      const servers = (input ?? '').split('\n').filter((l) => l.includes('- url: http://shop-app-')).map((l) => l.trim().slice(14, 24));
      events.push(`routes ${servers.join(' ')}`);
      return { status: 0, stdout: '', stderr: '' };
    }
    expect([command, cwd]).toEqual(['terraform', dir]);
    const line = args.join(' ');
    calls.push(line);
    events.push(`terraform ${args[0]}${args.filter((a) => a.startsWith('-target=')).map((a) => ` ${a.slice(8)}`).join('')}`);
    if (failOn !== undefined && line.includes(failOn)) return { status: 1, stdout: '', stderr: '╷\n│ Error: container exited immediately\n╵' };
    if (args[0] === 'show') {
      const resource_changes = Object.entries(changes).map(([address, actions]) => ({ address, change: { actions } }));
      return { status: 0, stdout: JSON.stringify({ resource_changes }), stderr: '' };
    }
    return { status: 0, stdout: '', stderr: '' };
  };
  const promise = releaseDocker(
    { environment: STACK, stackDir: dir, terraform: 'terraform', mode, dockerHost: 'ssh://deploy@shop-host' },
    { run, out: (l) => out.push(l), now: () => new Date(0), sleep: async (ms) => void events.push(`sleep ${ms / 1000}`) },
  );
  return { promise, calls, events, out };
}

const ALL = {
  'docker_container.AppServers_Init_Task_C': REPLACE,
  'docker_container.AppServers_App_Container1_A': REPLACE,
  'docker_container.AppServers_App_Container2_B': REPLACE,
  'docker_container.AppServers_Worker_Container1_D': REPLACE,
  'docker_container.AppServers_Worker_Container2_E': REPLACE,
  'docker_container.AppServers_Scheduler_Container1_F': REPLACE,
  'docker_container.Admin_Admin_Container1_G': REPLACE,
  'docker_image.Images_app_2': ['create'],
  'docker_container.Database_Primary_Container1_I': ['no-op'],
};

describe('npm run release (Docker)', () => {
  test('standalone: init; each app container drained, replaced, put back, waited for; workers, scheduler, then everything else', async () => {
    const r = await rollout('standalone', ALL);
    await r.promise;
    expect(r.events).toEqual([
      'terraform plan',
      'terraform show',
      'terraform apply docker_container.AppServers_Init_Task_C',
      'routes shop-app-2',
      `sleep ${DRAIN_SEC}`,
      'terraform apply docker_container.AppServers_App_Container1_A',
      'routes shop-app-1 shop-app-2',
      `sleep ${DRAIN_SEC}`,
      `sleep ${SETTLE_SEC}`,
      'routes shop-app-1',
      `sleep ${DRAIN_SEC}`,
      'terraform apply docker_container.AppServers_App_Container2_B',
      'routes shop-app-1 shop-app-2',
      `sleep ${DRAIN_SEC}`,
      `sleep ${SETTLE_SEC}`,
      'terraform apply docker_container.AppServers_Worker_Container1_D docker_container.AppServers_Worker_Container2_E',
      'terraform apply docker_container.AppServers_Scheduler_Container1_F',
      'routes shop-app-1 shop-app-2',
      `sleep ${DRAIN_SEC}`,
      'terraform apply',
    ]);
    expect(r.calls.filter((c) => c.startsWith('apply')).every((c) => c.includes('-auto-approve -input=false -no-color'))).toBe(true);
    expect(r.out).toEqual([
      'release shop (standalone): 8 change(s) planned; 5 step(s) before the rest',
      '[1/6] init task (migrations): docker_container.AppServers_Init_Task_C',
      '[2/6] app container 1 of 2: docker_container.AppServers_App_Container1_A',
      `      drained: out of Traefik's routes; ${DRAIN_SEC} s for Traefik to reload and requests in flight to finish`,
      '      back in the routes',
      `      ${SETTLE_SEC} s for the load balancer's health check to see it`,
      '[3/6] app container 2 of 2: docker_container.AppServers_App_Container2_B',
      `      drained: out of Traefik's routes; ${DRAIN_SEC} s for Traefik to reload and requests in flight to finish`,
      '      back in the routes',
      `      ${SETTLE_SEC} s for the load balancer's health check to see it`,
      '[4/6] workers: docker_container.AppServers_Worker_Container1_D docker_container.AppServers_Worker_Container2_E',
      '[5/6] scheduler: docker_container.AppServers_Scheduler_Container1_F',
      '[6/6] everything else: terraform apply',
      '      routes as rendered',
      'released shop in 0 s',
    ]);
    expect(fs.existsSync(path.join(dir, 'webcluster-release.plan'))).toBe(false);
  });

  test('standalone: only the containers that change get a step', async () => {
    const r = await rollout('standalone', { 'docker_container.LoadBalancer_Routes_Task_H': REPLACE });
    await r.promise;
    expect(r.events).toEqual(['terraform plan', 'terraform show', 'routes shop-app-1 shop-app-2', `sleep ${DRAIN_SEC}`, 'terraform apply']);
  });

  test('standalone: a failing step stops the rollout with one line naming it', async () => {
    const r = await rollout('standalone', ALL, 'AppServers_App_Container2_B');
    await expect(r.promise).rejects.toThrow(ReleaseError);
    await expect(r.promise).rejects.toThrow(
      'the app container 2 of 2 step failed: Error: container exited immediately; the steps before it are done; fix: correct the cause (terraform output above) and run npm run release -- shop again',
    );
    // The drained container is put back into the routes even so.
    expect(r.events.slice(-3)).toEqual(['terraform apply docker_container.AppServers_App_Container2_B', 'routes shop-app-1 shop-app-2', `sleep ${DRAIN_SEC}`]);
  });

  test('swarm: one apply (the services roll in dependency order, new tasks before old)', async () => {
    const r = await rollout('swarm', ALL);
    await r.promise;
    expect(r.events).toEqual(['terraform apply']);
  });

  test('standalone without a routes task (one app container): replaced without draining, and said so', async () => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as typeof JSON_STACK;
    delete (json.resource.docker_container as Record<string, unknown>).LoadBalancer_Routes_Task_H;
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
    const r = await rollout('standalone', { 'docker_container.AppServers_App_Container1_A': REPLACE });
    await r.promise;
    expect(r.events).toEqual(['terraform plan', 'terraform show', 'terraform apply docker_container.AppServers_App_Container1_A', `sleep ${SETTLE_SEC}`, 'terraform apply']);
    expect(r.out).toContain('      not drained (no routes file, or the only server of its route): requests may fail while it is replaced');
  });

  test('no synthesized stack: one line with the fix', async () => {
    fs.rmSync(path.join(dir, 'cdk.tf.json'));
    const r = await rollout('standalone', ALL);
    await expect(r.promise).rejects.toThrow(/^no synthesized stack at .*cdk\.tf\.json; fix: set images\.app, run npm run synth/);
  });
});
