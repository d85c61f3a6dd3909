#!/usr/bin/env node
/**
 * The pull request's plan comment (Markdown) from what `bash scripts/stack-plan.sh plan <stack>` left in
 * each stack's folder: per stack the plan guard's summary, then the plan text in a collapsed
 * `<details>` block. A stack whose `terraform init`/`plan` failed shows the last lines of its log.
 *
 *   node scripts/plan-comment.js <commit> <stack>... > plan-comment.md
 *
 * GitHub refuses comments over 65,536 characters: the plan texts share what the rest leaves of
 * {@link COMMENT_LIMIT}; a longer one is cut at a line end with a note saying how much is shown (the
 * whole plan is in the job's log). Reads cdktf.out/stacks/<stack> (or $CDKTF_OUTDIR/stacks/<stack>).
 * Plain Node (no build step).
 */
'use strict';
const fs = require('fs');
const path = require('path');

/** The comment marker the workflow finds its earlier comment by. */
const MARKER = '<!-- webcluster-plan -->';
/** GitHub's limit is 65,536 characters; this leaves room for counting differences (e.g. astral characters). */
const COMMENT_LIMIT = 65_000;
/** Log lines shown for a stack whose init or plan failed, each cut to LOG_LINE_CHARS. */
const LOG_LINES = 30;
const LOG_LINE_CHARS = 500;

/** A code fence longer than any run of backticks in `text`, so the text cannot close it. */
function fenceFor(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function readIfExists(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** What stack-plan.sh left for one stack. */
function readStack(outdir, stack) {
  const dir = path.join(outdir, 'stacks', stack);
  return {
    stack,
    plan: readIfExists(path.join(dir, 'tfplan.txt')),
    guard: readIfExists(path.join(dir, 'tfplan.guard.txt')),
    log: readIfExists(path.join(dir, 'tfplan.log')),
  };
}

/** `n` and the noun, plural unless n is 1. */
function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function lineCount(text) {
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

/**
 * `text` cut to at most `budget` characters at a line end, with a note when cut. The note is counted
 * in the budget.
 */
function truncate(text, budget) {
  if (text.length <= budget) return text;
  const total = lineCount(text);
  const note = (shown) => `\n… truncated: ${shown} of ${total} lines shown (the comment limit); the whole plan is in the log of the job's plan step\n`;
  const room = budget - note(total).length;
  if (room <= 0) return note(0).trimStart();
  let cut = text.lastIndexOf('\n', room - 1);
  if (cut <= 0) {
    // One long first line: cut inside it, never between the halves of a surrogate pair.
    cut = room;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  }
  const shown = text.slice(0, cut);
  return `${shown}${note(lineCount(shown))}`;
}

/** One stack's section, with `planShown` (already cut) in the collapsed block. */
function section(s, planShown) {
  const parts = [`\n#### ${s.stack}\n`];
  if (s.guard !== undefined) {
    const fence = fenceFor(s.guard);
    parts.push(`${fence}\n${s.guard.replace(/\n?$/, '\n')}${fence}\n`);
  }
  if (s.plan !== undefined) {
    const fence = fenceFor(s.plan);
    parts.push(`<details><summary>Plan of ${s.stack} (${plural(lineCount(s.plan), 'line')})</summary>\n\n${fence}text\n${planShown.replace(/\n?$/, '\n')}${fence}\n</details>\n`);
  } else if (s.log !== undefined) {
    const tail = s.log
      .replace(/\n$/, '')
      .split('\n')
      .slice(-LOG_LINES)
      .map((l) => (l.length > LOG_LINE_CHARS ? `${l.slice(0, LOG_LINE_CHARS)}…` : l))
      .join('\n');
    const fence = fenceFor(tail);
    parts.push(`terraform init or plan failed; the last lines of its output:\n${fence}\n${tail}\n${fence}\n`);
  } else {
    parts.push('not planned (the plan step stopped before this stack)\n');
  }
  return parts.join('');
}

/** The whole comment, at most {@link COMMENT_LIMIT} characters (the plan texts cut to fit). */
function planComment(commit, stacks) {
  const header = `${MARKER}\n### Terraform plan of ${commit.slice(0, 7)}\n`;
  const fixed = header.length + stacks.reduce((n, s) => n + section(s, '').length, 0);
  let left = Math.max(0, COMMENT_LIMIT - fixed);
  const shown = new Map();
  // Smallest plans first: what a small plan does not use goes to the larger ones.
  const withPlan = stacks.filter((s) => s.plan !== undefined).sort((a, b) => a.plan.length - b.plan.length);
  withPlan.forEach((s, i) => {
    const share = Math.floor(left / (withPlan.length - i));
    const text = truncate(s.plan.replace(/\n?$/, '\n'), share);
    shown.set(s.stack, text);
    left -= text.length;
  });
  const body = header + stacks.map((s) => section(s, shown.get(s.stack) ?? '')).join('');
  if (body.length > COMMENT_LIMIT) throw new Error(`plan comment: ${body.length} characters without the plans; more than the limit ${COMMENT_LIMIT}`);
  return body;
}

function main(argv) {
  const [commit, ...stacks] = argv;
  if (commit === undefined || stacks.length === 0) {
    process.stderr.write('error: plan-comment: got no commit or no stack; fix: node scripts/plan-comment.js <commit> <stack>...\n');
    return 2;
  }
  const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  process.stdout.write(planComment(commit, stacks.map((s) => readStack(outdir, s))));
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

module.exports = { planComment, readStack, COMMENT_LIMIT, MARKER };
