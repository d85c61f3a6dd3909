/**
 * The committed architecture diagrams (docs/architecture/<stack>.md, and the blocks docs/architecture/README.md embeds)
 * are what `npm run diagram` would write now, for every stack of the default webcluster.yaml.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../config/load';
import { DIAGRAM_DIR, DIAGRAM_PAGE, diagramsForConfig, embeddedStacks, GENERATED_MARKER, mermaidBlock, staleFiles, updateEmbeddedDiagrams, type StackDiagram } from '../scripts/diagram';

const root = path.resolve(__dirname, '..');
const config = path.join(root, 'webcluster.yaml');
const FIX = 'run `npm run diagram` and commit the result';

describe('architecture diagrams (npm run diagram)', () => {
  let diagrams: StackDiagram[];
  beforeAll(() => {
    diagrams = diagramsForConfig(config);
  });

  test('one diagram per stack of webcluster.yaml', () => {
    expect(diagrams.map((d) => d.stack)).toEqual(loadConfig(config).environments.map((e) => e.name));
    for (const d of diagrams) {
      expect(d.file).toBe(path.join(DIAGRAM_DIR, `${d.stack}.md`));
      expect(d.markdown.startsWith(GENERATED_MARKER)).toBe(true);
    }
  });

  test('the committed diagrams are up to date', () => {
    const problems = diagrams.flatMap((d) => {
      const file = path.join(root, d.file);
      if (!fs.existsSync(file)) return [`${d.file} is missing; ${FIX}`];
      return fs.readFileSync(file, 'utf8') === d.markdown ? [] : [`${d.file} is out of date; ${FIX}`];
    });
    const stale = staleFiles(root, diagrams).map((f) => `${f} belongs to no stack any more; ${FIX}`);
    if (problems.length + stale.length > 0) throw new Error([...problems, ...stale].join('\n'));
  });

  test('the architecture page embeds the Shopware diagrams, up to date', () => {
    const page = fs.readFileSync(path.join(root, DIAGRAM_PAGE), 'utf8');
    expect(embeddedStacks(page)).toEqual(expect.arrayContaining(['shopware-aws', 'shopware-docker']));
    if (updateEmbeddedDiagrams(page, diagrams) !== page) throw new Error(`${DIAGRAM_PAGE}: an embedded diagram is out of date; ${FIX}`);
  });

  test('the AWS diagram shows tiers, zones, security-group rules and IAM grants', () => {
    const aws = mermaidBlock(diagrams.find((d) => d.stack === 'shopware-aws')?.markdown ?? '');
    for (const tier of ['Load balancer tier', 'App tier', 'Admin tier', 'Data tier']) expect(aws).toContain(tier);
    expect(aws).toContain('Auto Scaling group in a, b, c');
    expect(aws).toMatch(/n_LoadBalancer -->\|"tcp\/80"\| n_AppServers/);
    expect(aws).toMatch(/n_AppServers -->\|"tcp\/3306"\| n_Database/);
    expect(aws).toMatch(/in_0_0_0_0_0 -->\|"tcp\/443, tcp\/80"\| n_LoadBalancer/);
    expect(aws).toMatch(/n_AppServers -\.->\|"IAM s3"\| n_Storage/);
    // No data store is reachable from the internet or from the load balancer.
    expect(aws).not.toMatch(/(in_0_0_0_0_0|n_LoadBalancer) -->\|[^|]*\| n_(Database|Redis)\b/);
  });

  test('the Docker diagram shows networks and the connections rules', () => {
    const md = diagrams.find((d) => d.stack === 'shopware-docker')?.markdown ?? '';
    expect(md).toMatch(/\| backend \| yes \| .*Database/);
    expect(md).toMatch(/\| frontend \| no \| .*LoadBalancer/);
    expect(mermaidBlock(md)).toMatch(/n_AppServers -->\|"tcp\/3306"\| n_Database/);
    expect(mermaidBlock(md)).toMatch(/n_LoadBalancer -->\|"tcp\/9000"\| n_Storage/);
  });
});
