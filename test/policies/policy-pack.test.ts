/**
 * The policy pack as an Aspect: annotations, failing synth on errors, suppressions with reasons,
 * allowDestroy, and the catalogue of rules (one rule per file, named after the file).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES } from '../../policies/catalog';
import { checkEnvironmentPolicies } from '../../policies/environment-policies';
import { globToRegExp } from '../../policies/private/glob';
import { PolicyPack } from '../../policies/policy-pack';
import { RULE_IDS, RULES_BY_ID } from '../../policies/rule-ids';
import { makeStack } from '../util';

const RULES_DIR = path.resolve(__dirname, '..', '..', 'policies', 'rules');

/** Annotations of `type` on `node`. */
function annotations(node: Construct, type: 'error' | 'warn' | 'info'): unknown[] {
  return node.node.metadata.filter((m) => m.type === `@cdktf/${type}`).map((m) => m.data);
}

describe('catalogue', () => {
  test('one rule per file under policies/rules, exported under the file name, all in ALL_RULES', () => {
    const files = fs.readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBe(ALL_RULES.length);
    for (const file of files) {
      const name = path.basename(file, '.ts');
      const mod = require(path.join(RULES_DIR, file)) as Record<string, { name: string }>;
      expect(Object.keys(mod)).toEqual([name]);
      expect(mod[name].name).toBe(name);
      expect(ALL_RULES).toContain(mod[name]);
    }
  });

  test('ids are unique, in the id list the config schema uses, and named as there', () => {
    expect(ALL_RULES.map((r) => r.id)).toEqual(RULE_IDS);
    for (const rule of ALL_RULES) expect(RULES_BY_ID[rule.id]).toBe(rule.name);
  });

  test('every rule has a level, a one-line info and an explanation', () => {
    for (const rule of ALL_RULES) {
      expect(['error', 'warning']).toContain(rule.level);
      expect(rule.info).toMatch(/^[A-Z].+\.$/);
      expect(rule.info).not.toContain('\n');
      expect(rule.explanation.length).toBeGreaterThan(80);
      expect(rule.id).toMatch(/^WC-(AWS|DKR)-\d{3}$/);
    }
  });
});

describe('PolicyPack', () => {
  let stack: TerraformStack;
  beforeEach(() => {
    stack = makeStack();
  });

  test('annotates errors and warnings on the resource with [id] info', () => {
    // GIVEN an unprotected, unencrypted bucket and a log group without retention
    const bucket = new S3Bucket(new Construct(stack, 'Storage'), 'Resource', {});
    const logs = new CloudwatchLogGroup(stack, 'Logs', {});
    const pack = new PolicyPack();
    // WHEN
    const findings = pack.check(stack);
    // THEN
    expect(findings.map((f) => `${f.level} ${f.rule.id} ${f.path}`)).toEqual([
      'error WC-AWS-001 test/Storage/Resource',
      'error WC-AWS-004 test/Storage/Resource',
      'error WC-AWS-010 test/Storage/Resource',
      'error WC-AWS-013 test/Storage/Resource',
      'warning WC-AWS-012 test/Logs',
    ]);
    expect(annotations(bucket, 'error')).toContain(`[WC-AWS-010] ${ALL_RULES.find((r) => r.id === 'WC-AWS-010')?.info}`);
    expect(annotations(logs, 'warn')).toEqual([expect.stringMatching(/^\[WC-AWS-012\] The log group keeps events forever/)]);
  });

  test('as an Aspect, an error fails the synth with the construct path', () => {
    new CloudwatchLogGroup(stack, 'Logs', { retentionInDays: 30 });
    new S3Bucket(stack, 'Bucket', {});
    Aspects.of(stack).add(new PolicyPack());
    expect(() => Testing.fullSynth(stack)).toThrow(/\[test\/Bucket\] \[WC-AWS-001\]/);
  });

  test('warnings alone do not fail the synth', () => {
    new CloudwatchLogGroup(stack, 'Logs', {});
    Aspects.of(stack).add(new PolicyPack());
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });

  test('a construct is checked once, however often the pack visits it', () => {
    const logs = new CloudwatchLogGroup(stack, 'Logs', {});
    const pack = new PolicyPack();
    Aspects.of(stack).add(pack);
    pack.check(stack);
    Testing.synth(stack);
    pack.check(stack);
    expect(pack.findings).toHaveLength(1);
    expect(annotations(logs, 'warn')).toHaveLength(1);
  });

  test('a suppression with a reason turns the finding into an info line', () => {
    const logs = new CloudwatchLogGroup(new Construct(stack, 'Audit'), 'Logs', {});
    const pack = new PolicyPack({ suppressions: [{ rule: 'WC-AWS-012', resource: 'Audit/Logs', reason: 'kept forever by law (GoBD)' }] });
    const findings = pack.check(stack);
    expect(findings.map((f) => f.level)).toEqual(['suppressed']);
    expect(annotations(logs, 'warn')).toEqual([]);
    expect(annotations(logs, 'info')).toEqual(['suppressed [WC-AWS-012] test/Audit/Logs: kept forever by law (GoBD)']);
    expect(pack.unusedSuppressions).toEqual([]);
  });

  test('suppressions match the full path, globs, and constructs below the named path; only for their rule', () => {
    const bucket = new S3Bucket(new Construct(new Construct(stack, 'Storage'), 'Public'), 'Resource', { lifecycle: { preventDestroy: true } });
    const pack = new PolicyPack({
      rules: ALL_RULES.filter((r) => ['WC-AWS-001', 'WC-AWS-004', 'WC-AWS-010'].includes(r.id)),
      suppressions: [
        { rule: 'WC-AWS-001', resource: 'test/Storage/Public/Resource', reason: 'full path' },
        { rule: 'WC-AWS-004', resource: 'Storage/*/Resource', reason: 'glob' },
        { rule: 'WC-AWS-007', resource: 'Storage', reason: 'another rule' },
      ],
    });
    const findings = pack.check(stack);
    expect(findings.map((f) => `${f.rule.id} ${f.level} ${f.suppression?.reason ?? '-'}`)).toEqual([
      'WC-AWS-001 suppressed full path',
      'WC-AWS-004 suppressed glob',
      'WC-AWS-010 error -',
    ]);
    expect(annotations(bucket, 'error')).toHaveLength(1);
    expect(pack.unusedSuppressions.map((s) => s.rule)).toEqual(['WC-AWS-007']);
  });

  test('a suppression of an ancestor covers its resources', () => {
    new S3Bucket(new Construct(stack, 'Storage'), 'Resource', { lifecycle: { preventDestroy: true } });
    const pack = new PolicyPack({ suppressions: [{ rule: 'WC-AWS-010', resource: 'Storage', reason: 'account-level block' }] });
    expect(pack.check(stack).find((f) => f.rule.id === 'WC-AWS-010')?.level).toBe('suppressed');
  });

  test('allowDestroy turns the deletion-protection rule off and says so', () => {
    new S3Bucket(stack, 'Bucket', {});
    const pack = new PolicyPack({ allowDestroy: true });
    const ids = pack.check(stack).map((f) => f.rule.id);
    expect(ids).not.toContain('WC-AWS-013');
    expect(ids).toContain('WC-AWS-001');
    expect(pack.skippedRules.map((r) => r.id)).toEqual(['WC-AWS-013']);
  });
});

describe('checkEnvironmentPolicies', () => {
  function appWith(build: (stack: TerraformStack) => void): Construct {
    const app = Testing.app();
    build(new TerraformStack(app, 'shop-dev'));
    return app;
  }

  test('one line per finding, suppressed findings as info, unused suppressions and allowDestroy as notes', () => {
    const app = appWith((s) => {
      new CloudwatchLogGroup(s, 'Logs', {});
      new CloudwatchLogGroup(s, 'Audit', {});
      new S3Bucket(s, 'Bucket', { lifecycle: { preventDestroy: true } });
    });
    const report = checkEnvironmentPolicies(
      app,
      [
        {
          name: 'shop-dev',
          allowDestroy: true,
          policy: {
            suppressions: [
              { rule: 'WC-AWS-012', resource: 'Audit', reason: 'kept by law' },
              { rule: 'WC-AWS-002', resource: 'Redis/**', reason: 'left over' },
            ],
          },
        },
        { name: 'not-built' },
      ],
      'webcluster.yaml',
    );
    expect(report.errors).toEqual([
      expect.stringMatching(/^\[WC-AWS-001\] shop-dev\/Bucket: The data store is not encrypted at rest/),
      expect.stringMatching(/^\[WC-AWS-004\] shop-dev\/Bucket: /),
      expect.stringMatching(/^\[WC-AWS-010\] shop-dev\/Bucket: /),
    ]);
    expect(report.warnings).toEqual([
      expect.stringMatching(/^\[WC-AWS-012\] shop-dev\/Logs: /),
      "webcluster.yaml: environments[0].policy.suppressions[1]: [WC-AWS-002] 'Redis/**' matched no finding in shop-dev; " +
        'fix: remove the suppression, or correct its rule id or construct path',
    ]);
    expect(report.infos).toEqual([
      'suppressed [WC-AWS-012] shop-dev/Audit: kept by law',
      '[WC-AWS-013] StatefulDeletionProtection is off for shop-dev: allowDestroy is set, stateful resources may be destroyed',
    ]);
  });
});

describe('globToRegExp', () => {
  test.each([
    ['Storage/*/Resource', 'Storage/Public/Resource', true],
    ['Storage/*/Resource', 'Storage/Public/Inner/Resource', false],
    ['Storage/**', 'Storage/Public/Inner/Resource', true],
    ['Storage/**/Resource', 'Storage/Resource', true],
    ['Redis/Cache?/Resource', 'Redis/Cache1/Resource', true],
    ['Load.Balancer', 'LoadxBalancer', false],
  ])('%s matches %s: %s', (glob, p, expected) => {
    expect(globToRegExp(glob).test(p)).toBe(expected);
  });
});
