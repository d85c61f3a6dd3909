/**
 * `npm run vars -- <environment>`: the TF_VAR_ names an environment needs are the variables its
 * synthesized stacks declare, each marked set or missing; never a value.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runVars } from '../vars';
import { synthDefaultStacks } from './stacks/default-stacks';

function run(argv: string[], env: Record<string, string> = {}): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runVars(argv, env, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

describe('npm run vars', () => {
  test('lists exactly the variables the synthesized stack declares, by their TF_VAR_ names; exit 1 while one is missing', () => {
    const json = synthDefaultStacks('docker').find((s) => s.name === 'shopware-docker')?.json as unknown as { variable: Record<string, unknown> };
    const declared = Object.keys(json.variable).sort();
    const { code, out, err } = run(['shopware-docker'], { TF_VAR_shopware_docker_db_password: 'a-value-that-is-never-printed' });
    expect(err).toEqual([]);
    expect(code).toBe(1);
    const listed = out.slice(0, -1).map((l) => l.split(/\s+/)[1]);
    expect(listed).toEqual(declared.map((n) => `TF_VAR_${n}`));
    expect(out.find((l) => l.includes('TF_VAR_shopware_docker_db_password'))).toMatch(/^set\s+TF_VAR_shopware_docker_db_password\s+Password of the MariaDB user 'app'/);
    expect(out.filter((l) => l.startsWith('MISSING'))).toHaveLength(declared.length - 1);
    expect(out.at(-1)).toMatch(/^shopware-docker: 1 of 5 set; export the missing ones before cdktf deploy/);
    expect(out.join('\n')).not.toContain('a-value-that-is-never-printed');
  });

  test('exit 0 when every variable is set', () => {
    const env = Object.fromEntries(
      ['app_secret', 'db_password', 'db_root_password', 'minio_root_password', 'minio_root_user'].map((n) => [`TF_VAR_shopware_docker_${n}`, 'x'.repeat(24)]),
    );
    const { code, out } = run(['shopware-docker'], env);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('shopware-docker: 5 of 5 set');
  });

  test('an AWS environment needs none', () => {
    expect(run(['shopware-aws'])).toEqual({ code: 0, out: ['shopware-aws: no variables to set (its secrets are generated and kept by the cloud, not given)'], err: [] });
  });

  test('an unknown environment: one line naming the environments there are', () => {
    const { code, err } = run(['shop-prod']);
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^error: vars: got 'shop-prod'; allowed: one environment of webcluster\.yaml: shopware-aws, shopware-docker, .+; fix: npm run vars -- <environment>$/)]);
  });

  test('a problem of the chosen environment names its index and line in the file, not in the one environment built', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-vars-'));
    const file = path.join(dir, 'webcluster.yaml');
    fs.writeFileSync(
      file,
      ['environments:', '  - name: shop', '    app: shopware', '    backend: docker', '    domain: shop.example.com', '  - name: chat', '    app: steedos', '    backend: docker', '    domain: chat.example.com', '    docker: { mode: swarm }', ''].join('\n'),
    );
    const saved = process.env.WEBCLUSTER_CONFIG;
    process.env.WEBCLUSTER_CONFIG = file;
    try {
      const { code, err } = run(['chat']);
      expect(code).toBe(1);
      expect(err).toEqual([expect.stringMatching(/^error: .*webcluster\.yaml:10: environments\[1\]\.docker\.mode: got "swarm"; allowed: 'standalone' for app steedos /)]);
    } finally {
      if (saved === undefined) delete process.env.WEBCLUSTER_CONFIG;
      else process.env.WEBCLUSTER_CONFIG = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
