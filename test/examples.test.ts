/**
 * The composition example of docs/constructs.md synthesizes, and the page shows it as it is in examples/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { Testing } from 'cdktf';
import { buildShop } from '../examples/compose-in-code';

const root = path.resolve(__dirname, '..');

describe('examples', () => {
  test('compose-in-code synthesizes an app group and a database it may reach', () => {
    const stack = buildShop(Testing.app());
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(AutoscalingGroup, { min_size: 2 });
    expect(synth).toHaveResourceWithProperties(RdsCluster, { database_name: 'shop' });
    const rules = Object.values((JSON.parse(synth) as { resource: Record<string, Record<string, { from_port?: number }>> }).resource.aws_vpc_security_group_ingress_rule);
    expect(rules.some((r) => r.from_port === 3306)).toBe(true);
  });

  test('docs/constructs.md embeds the example block verbatim', () => {
    const source = fs.readFileSync(path.join(root, 'examples', 'compose-in-code.ts'), 'utf8');
    const block = /\/\/ DOCS_BLOCK_START:compose\n([\s\S]*?)\/\/ DOCS_BLOCK_END:compose/.exec(source)?.[1];
    expect(block).toBeDefined();
    const page = fs.readFileSync(path.join(root, 'docs', 'constructs.md'), 'utf8');
    expect(page).toContain(block?.trim());
  });
});
