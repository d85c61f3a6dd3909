/**
 * Running one measured command for scripts/bench.js: wall time of the whole command, its CPU time
 * (user + system of every process it started, from /proc/self/stat; unlike wall time it hardly
 * depends on what else the machine runs), and the peak RSS of the largest node process it started
 * (scripts/report-rss.js is preloaded into each one through NODE_OPTIONS; esbuild's and
 * terraform's own binaries are not counted).
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPORT_RSS = path.join(__dirname, '..', 'report-rss.js');

/** Milliseconds of one clock tick of /proc/self/stat. */
const TICK_MS = fs.existsSync('/proc/self/stat') ? 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) : undefined;

/** CPU time (ms) of the children this process has waited for; undefined where /proc is missing. */
function childrenCpuMs() {
  if (TICK_MS === undefined) return undefined;
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state as field 3.
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/**
 * Runs `command` (argv: [file, ...args]) in `cwd` with a fresh output directory ($CDKTF_OUTDIR, also
 * handed to `outputArgs(dir)` for commands that take it as an argument) and returns
 * { wallMs, cpuMs, rssMiB, stacks }. Throws when it fails.
 */
function measure(label, command, { cwd, env = {}, unset = [], outputArgs = () => [] }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-bench-'));
  const rssFile = path.join(tmp, 'rss');
  const outdir = path.join(tmp, 'cdktf.out');
  const fullEnv = { ...process.env, CDKTF_OUTDIR: outdir, WEBCLUSTER_RSS_FILE: rssFile, ...env };
  fullEnv.NODE_OPTIONS = `${fullEnv.NODE_OPTIONS ?? ''} --require ${REPORT_RSS}`.trim();
  for (const name of unset) delete fullEnv[name];
  const [file, ...args] = command;
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const r = spawnSync(file, [...args, ...outputArgs(outdir)], { cwd, env: fullEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = cpuBefore === undefined ? undefined : childrenCpuMs() - cpuBefore;
  try {
    if (r.status !== 0) {
      process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
      throw new Error(`${label}: ${command.join(' ')} exited with ${r.status}${r.error ? ` (${r.error.message})` : ''}`);
    }
    const rss = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number) : [0];
    const stacksDir = path.join(outdir, 'stacks');
    const stacks = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).length : 0;
    return { wallMs, cpuMs, rssMiB: Math.max(...rss) / 1024, stacks };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `runs` measurements after one unmeasured warm-up run. */
function repeat(runs, label, command, options) {
  measure(`${label} (warm-up)`, command, options);
  return Array.from({ length: runs }, () => measure(label, command, options));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and spread of the wall times, median CPU time and the peak RSS of a set of runs. */
function summary(samples) {
  const walls = samples.map((s) => s.wallMs);
  return {
    runs: samples.length,
    wallMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    cpuMs: samples[0].cpuMs === undefined ? undefined : median(samples.map((s) => s.cpuMs)),
    rssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    stacks: samples[0].stacks,
  };
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** One line: label, median wall (min-max), median CPU, peak RSS, stacks. */
function formatSummary(label, s) {
  const spread = s.runs > 1 ? ` (${seconds(s.minMs)}-${seconds(s.maxMs)}, ${s.runs} runs)` : ' (1 run)';
  const cpu = s.cpuMs === undefined ? '' : `  CPU ${seconds(s.cpuMs)}`;
  return `${label.padEnd(60)} ${seconds(s.wallMs).padStart(8)}${spread}${cpu}  peak RSS ${s.rssMiB.toFixed(0)} MiB  stacks ${s.stacks}`;
}

/** `wall ratio (CPU ratio)` of a to b, as `<digits>x`. */
function ratios(a, b, digits = 1) {
  const cpu = a.cpuMs === undefined || b.cpuMs === undefined ? '' : ` (CPU ${(a.cpuMs / b.cpuMs).toFixed(digits)}x)`;
  return `${(a.wallMs / b.wallMs).toFixed(digits)}x${cpu}`;
}

/** `PASS`/`FAIL` line of a target. */
function verdict(ok, text) {
  return `  ${ok ? 'PASS' : 'FAIL'}  ${text}`;
}

module.exports = { measure, repeat, median, summary, formatSummary, ratios, verdict, seconds };
