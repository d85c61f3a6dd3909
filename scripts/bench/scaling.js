/**
 * Figure (b) of scripts/bench.js: synth of N environments, 50 of them within 5 s (wall), and linear
 * in N.
 *
 * Linear means each further environment costs the same: the cost per environment between the largest
 * two sizes, (t(50) - t(25)) / 25, is at most 1.25 times that between the smallest two,
 * (t(25) - t(10)) / 15, with t the median CPU time (wall time where the CPU time is not known: on a
 * busy machine wall time mostly measures the other processes). A least-squares line over all sizes
 * is printed with it. The sizes are measured in rounds (10, 25, 50, 10, 25, 50, ...) after one warm-up
 * run each, so a machine that gets faster or slower during the measurement shifts every size alike
 * instead of bending the line.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeEnvironmentsConfig } = require('./environments');
const { formatSummary, measure, summary, verdict } = require('./measure');

const root = path.resolve(__dirname, '..', '..');

/** Slope and intercept (ms) of the least-squares line through (n, ms). */
function leastSquares(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.n, 0) / n;
  const my = points.reduce((s, p) => s + p.ms, 0) / n;
  const slope = points.reduce((s, p) => s + (p.n - mx) * (p.ms - my), 0) / points.reduce((s, p) => s + (p.n - mx) ** 2, 0);
  return { slope, intercept: my - slope * mx };
}

/** Lines of figure (b) for the given sizes (ascending, at least three). */
function environmentFigures(runs, sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-bench-envs-'));
  const lines = [];
  try {
    const configs = new Map(sizes.map((n) => [n, writeEnvironmentsConfig(dir, n)]));
    const run = (n) => measure(`${n} environments`, [process.execPath, 'dist/main.js'], { cwd: root, env: { WEBCLUSTER_CONFIG: configs.get(n) } });
    sizes.forEach(run);
    const samples = sizes.map(() => []);
    for (let r = 0; r < runs; r += 1) sizes.forEach((n, i) => samples[i].push(run(n)));
    const points = sizes.map((n, i) => {
      const s = summary(samples[i]);
      lines.push(formatSummary(`  ${n} environments`, s));
      return { n, ms: s.cpuMs ?? s.wallMs, wallMs: s.wallMs, rssMiB: s.rssMiB };
    });
    const [a, b] = points.slice(-2);
    const [c, d] = points.slice(0, 2);
    const last = points[points.length - 1];
    const marginalHigh = (b.ms - a.ms) / (b.n - a.n);
    const marginalLow = (d.ms - c.ms) / (d.n - c.n);
    const fit = leastSquares(points);
    const metric = last.ms === last.wallMs ? 'wall' : 'CPU';
    lines.push(verdict(last.wallMs <= 5000, `${last.n} environments in ${(last.wallMs / 1000).toFixed(2)} s (target <= 5 s, wall), peak RSS ${last.rssMiB.toFixed(0)} MiB`));
    lines.push(
      verdict(
        marginalHigh <= 1.25 * marginalLow,
        `linear (${metric}): ${marginalHigh.toFixed(0)} ms per environment from ${a.n} to ${b.n}, ${marginalLow.toFixed(0)} ms from ${c.n} to ${d.n} ` +
          `(ratio ${(marginalHigh / marginalLow).toFixed(2)}, target <= 1.25); least squares ${fit.intercept.toFixed(0)} ms + ${fit.slope.toFixed(0)} ms per environment`,
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

module.exports = { environmentFigures, leastSquares };
