#!/usr/bin/env node
/**
 * Plan guard: reads a Terraform plan as JSON (`terraform show -json <planfile>`), prints how many
 * resources of each type would be created, updated, replaced and deleted, and fails when a resource
 * whose loss cannot be undone would be deleted or replaced: data stores (database, cache, bucket,
 * file system, volume), generated secrets, keys, log groups and public addresses.
 *
 *   npm run plan-guard -- plan.json                     # fail on protected deletes/replacements
 *   npm run plan-guard -- plan.json --stack shop-dev    # allowed when that environment has allowDestroy: true
 *   npm run plan-guard -- plan.json --allow-destroy     # allowed, e.g. for a reviewed one-off change
 *   terraform show -json plan | npm run plan-guard -- -
 *
 * --stack <name> reads the environment from --config <file>, else $WEBCLUSTER_CONFIG, else
 * ./webcluster.yaml (only its `allowDestroy`; the file is validated by `npm run synth`).
 *
 * Exit codes: 0 fine, 1 a protected resource would be deleted or replaced, 2 bad usage or input.
 * Plain Node (no build step), so CI can run it on any checkout.
 */
'use strict';
const fs = require('fs');
const path = require('path');

/**
 * Types whose deletion or replacement loses something that cannot be made again, with what is lost
 * (given the resource change, for types whose loss depends on its values). Kept equal to
 * IRREVERSIBLE_RESOURCE_TYPES of policies/stateful.ts (a test checks it).
 */
const PROTECTED = {
  aws_rds_cluster: () => "the database's data (restore from a snapshot to a new cluster)",
  aws_rds_cluster_instance: () => 'a database instance (a replacement of the writer fails over and drops connections)',
  aws_db_instance: () => "the database's data (restore from a snapshot to a new instance)",
  aws_elasticache_replication_group: () => 'the Redis data (queues, sessions, locks)',
  aws_s3_bucket: () => 'every object in the bucket',
  aws_efs_file_system: () => 'every file on the file system',
  aws_ebs_volume: () => 'the data on the volume (only what the last snapshot holds survives)',
  docker_volume: () => 'the data in the volume',
  aws_ebs_snapshot: () => 'the snapshot, a backup',
  aws_db_cluster_snapshot: () => 'the snapshot, a backup',
  aws_secretsmanager_secret: (rc) => {
    const days = rc.change && rc.change.before ? rc.change.before.recovery_window_in_days : undefined;
    const window =
      days === 0
        ? 'it is deleted at once (recovery window 0)'
        : `deleting only schedules deletion: within the recovery window (${days === undefined ? 30 : days} days) aws secretsmanager restore-secret brings it back, but Terraform no longer manages it`;
    return `the generated secret value (app secret, credentials or key file): the hosts generate a new one, which no longer matches sessions, encrypted data, database users or replica set members; ${window}`;
  },
  aws_ssm_parameter: (rc) => {
    const before = rc.change && rc.change.before;
    return before && before.type === 'SecureString' ? 'the secret value stored in the parameter' : undefined;
  },
  aws_kms_key: () => 'the key: everything encrypted with it becomes unreadable once its deletion window ends (aws kms cancel-key-deletion stops it until then)',
  aws_cloudwatch_log_group: () => 'every log event in the group (audit, error, access and flow logs within their retention)',
  aws_eip: () => 'the public address: a new one is assigned, and allow lists or DNS entries outside this stack that name the old one break',
  random_password: () => 'the generated password: whatever uses it no longer matches',
  random_id: () => 'the generated id: names or keys derived from it change',
  tls_private_key: () => 'the private key: certificates and trust built on it no longer match',
};
/** The protected types. */
const PROTECTED_TYPES = Object.keys(PROTECTED);

const USAGE = 'usage: npm run plan-guard -- <plan.json | -> [--stack <environment>] [--config <webcluster.yaml>] [--allow-destroy]';

class UsageError extends Error {}

/** The kind of change of one resource_changes entry. */
function changeKind(actions) {
  const a = Array.isArray(actions) ? actions.join(',') : '';
  switch (a) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    default:
      return undefined; // no-op, read, forget
  }
}

/** Why Terraform plans this, and how to avoid it. */
function explain(rc, kind) {
  const reason = rc.action_reason;
  const paths = (rc.change && Array.isArray(rc.change.replace_paths) ? rc.change.replace_paths : [])
    .map((p) => (Array.isArray(p) ? p.join('.') : String(p)))
    .filter((p) => p !== '');
  if (kind === 'replace') {
    if (reason === 'replace_because_tainted') return `it is tainted; fix: if it is healthy, run terraform untaint ${rc.address}`;
    if (reason === 'replace_by_request') return 'replacement was requested with -replace; fix: drop -replace unless you mean it';
    const what = paths.length > 0 ? `${paths.join(', ')} cannot be changed in place` : 'an attribute cannot be changed in place';
    return `${what}; fix: revert that change, or migrate the data to a new resource first`;
  }
  if (reason === 'delete_because_no_resource_config') {
    return 'it is no longer in the configuration (a renamed construct ID or a removed construct); fix: restore the construct ID, or keep the state with moveFromId()/moveTo() (see test/stable-addresses.test.ts)';
  }
  if (reason === 'delete_because_no_module' || reason === 'delete_because_wrong_repetition' || reason === 'delete_because_count_index' || reason === 'delete_because_each_key') {
    return `its ${reason.replace('delete_because_', '').replace(/_/g, ' ')} changed; fix: keep the count/for_each keys stable, or move the state with a moved block`;
  }
  return 'fix: check why the plan removes it (was the resource or its stack removed?)';
}

/**
 * Analyses a parsed plan. Returns the per-type summary, the offending changes of protected resources and the
 * total counts. `allowDestroy` only changes whether offenders fail.
 */
function analyzePlan(plan) {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan) || typeof plan.format_version !== 'string') {
    throw new UsageError('not a plan in JSON format (expected the output of terraform show -json <planfile>, with format_version)');
  }
  if (!/^1\./.test(plan.format_version)) {
    throw new UsageError(`unsupported plan format_version ${plan.format_version} (this guard reads 1.x)`);
  }
  const byType = new Map();
  const offenders = [];
  const changes = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  for (const rc of changes) {
    if (!rc || rc.mode === 'data') continue;
    const kind = changeKind(rc.change && rc.change.actions);
    if (!kind) continue;
    const counts = byType.get(rc.type) || { create: 0, update: 0, replace: 0, delete: 0 };
    counts[kind] += 1;
    byType.set(rc.type, counts);
    const lost = (kind === 'delete' || kind === 'replace') && Object.prototype.hasOwnProperty.call(PROTECTED, rc.type) ? PROTECTED[rc.type](rc) : undefined;
    if (lost) {
      const address = rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address;
      offenders.push({ address, type: rc.type, kind, lost, reason: explain(rc, kind) });
    }
  }
  const types = [...byType.keys()].sort();
  const total = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const counts of byType.values()) for (const k of Object.keys(total)) total[k] += counts[k];
  return { terraformVersion: plan.terraform_version, summary: types.map((type) => ({ type, ...byType.get(type) })), total, offenders };
}

/** The summary table. */
function formatSummary(label, result) {
  const header = `plan-guard: ${label}${result.terraformVersion ? ` (terraform ${result.terraformVersion})` : ''}`;
  if (result.summary.length === 0) return `${header}: no changes`;
  const width = Math.max(4, ...result.summary.map((s) => s.type.length));
  const row = (name, c) => `  ${name.padEnd(width)}  ${[c.create, c.update, c.replace, c.delete].map((n) => String(n).padStart(7)).join(' ')}`;
  return [
    header,
    `  ${'type'.padEnd(width)}  ${['create', 'update', 'replace', 'delete'].map((h) => h.padStart(7)).join(' ')}`,
    ...result.summary.map((s) => row(s.type, s)),
    row('total', result.total),
  ].join('\n');
}

/** One line per offender. */
function formatOffender(o) {
  return `plan-guard: ${o.address} (${o.type}) would be ${o.kind === 'replace' ? 'replaced' : 'deleted'}, losing ${o.lost}: ${o.reason}`;
}

/** Whether the environment `stack` of the configuration file sets `allowDestroy: true`. */
function environmentAllowsDestroy(stack, configPath) {
  const file = path.resolve(configPath || process.env.WEBCLUSTER_CONFIG || 'webcluster.yaml');
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the configuration ${file} (${err.code || err.message}); pass --config <webcluster.yaml>`);
  }
  const { parse } = require('yaml');
  let config;
  try {
    config = parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML (${err.message.split('\n')[0]}); run npm run synth to see the problems`);
  }
  const envs = config && Array.isArray(config.environments) ? config.environments : [];
  const env = envs.find((e) => e && e.name === stack);
  if (!env) {
    const names = envs.map((e) => e && e.name).filter(Boolean);
    throw new UsageError(`no environment named '${stack}' in ${file} (environments: ${names.join(', ') || 'none'})`);
  }
  return env.allowDestroy === true;
}

function parseArgs(argv) {
  const opts = { file: undefined, stack: undefined, config: undefined, allowDestroy: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--allow-destroy') opts.allowDestroy = true;
    else if (arg === '--stack') opts.stack = value();
    else if (arg === '--config') opts.config = value();
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (opts.file === undefined) opts.file = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (opts.file === undefined && !opts.help) throw new UsageError('no plan file given');
  return opts;
}

function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const label = opts.file === '-' ? 'stdin' : opts.file;
  let text;
  try {
    text = fs.readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${label} (${err.code || err.message})`);
  }
  let plan;
  try {
    plan = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${label} is not JSON (${err.message}); write the plan with terraform show -json <planfile> > plan.json`);
  }
  const result = analyzePlan(plan);
  process.stdout.write(`${formatSummary(label, result)}\n`);
  if (result.offenders.length === 0) return 0;
  let allowedBy;
  if (opts.allowDestroy) allowedBy = '--allow-destroy';
  else if (opts.stack !== undefined && environmentAllowsDestroy(opts.stack, opts.config)) allowedBy = `allowDestroy of environment ${opts.stack}`;
  if (allowedBy) {
    for (const o of result.offenders) process.stdout.write(`${formatOffender(o)} (allowed by ${allowedBy})\n`);
    return 0;
  }
  for (const o of result.offenders) process.stderr.write(`${formatOffender(o)}\n`);
  process.stderr.write(
    `plan-guard: ${result.offenders.length} resource(s) would be lost for good; fix the change, or, when the loss is intended, back up what you need and run the guard with --allow-destroy after review (a dev/test environment may set allowDestroy: true)\n`,
  );
  return 1;
}

module.exports = { PROTECTED_TYPES, analyzePlan, formatSummary, formatOffender };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`plan-guard: ${err.message}\n${USAGE}\n`);
    process.exitCode = 2;
  }
}
