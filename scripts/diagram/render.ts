/**
 * The Markdown of an architecture diagram (scripts/diagram.ts): the Mermaid flowchart, the roles and
 * the connections tables.
 */
import { GENERATED_MARKER, TIERS, type Graph, type Link, type RoleNode } from './model';

function mermaidId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Mermaid text of one line: quotes and angle brackets as entity codes. */
function esc(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** A quoted Mermaid label; `lines` are escaped and joined with line breaks, the first in bold when `title`. */
function label(lines: string | readonly string[], title = false): string {
  const list = typeof lines === 'string' ? [lines] : lines;
  return `"${list.map((l, i) => (title && i === 0 ? `<b>${esc(l)}</b>` : esc(l))).join('<br/>')}"`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The generated file of one graph. */
export function render(g: Graph): string {
  const stackId = g.stack.node.id;
  const lines: string[] = ['flowchart LR'];
  const nodeRef = (id: string): string => (g.roles.has(id) ? mermaidId(id) : id);
  const node = (r: RoleNode, indent: string): string => {
    const [open, close] = r.tier === 'data' ? ['[(', ')]'] : ['[', ']'];
    return `${indent}${mermaidId(r.id)}${open}${label([r.id, r.className, ...r.facts], true)}${close}`;
  };
  for (const e of [...g.externals.values()].filter((x) => x.side === 'in')) lines.push(`  ${e.id}([${label(e.label)}])`);
  lines.push(`  subgraph frame[${label(g.frame)}]`);
  for (const tier of TIERS) {
    const members = [...g.roles.values()].filter((r) => r.tier === tier.id && !r.outside);
    if (members.length === 0) continue;
    lines.push(`    subgraph tier_${tier.id}[${label(tier.title)}]`);
    for (const r of members) lines.push(node(r, '      '));
    lines.push('    end');
  }
  lines.push('  end');
  const outside = TIERS.flatMap((t) => [...g.roles.values()].filter((r) => r.tier === t.id && r.outside));
  if (outside.length > 0) {
    lines.push(`  subgraph regional[${label(g.outsideTitle)}]`);
    for (const r of outside) lines.push(node(r, '    '));
    lines.push('  end');
  }
  for (const e of [...g.externals.values()].filter((x) => x.side === 'out')) lines.push(`  ${e.id}([${label(e.label)}])`);

  // One arrow per (from, to, kind), with every port on it; entry points first, then by tier.
  const rank = (id: string): number => {
    const role = g.roles.get(id);
    if (!role) return g.externals.get(id)?.side === 'in' ? -1 : TIERS.length;
    return TIERS.findIndex((t) => t.id === role.tier);
  };
  const links = g.links
    .map((l, i) => ({ l, i }))
    .sort((a, b) => rank(a.l.from) - rank(b.l.from) || rank(a.l.to) - rank(b.l.to) || a.i - b.i)
    .map((x) => x.l);
  const grouped = new Map<string, Link[]>();
  for (const l of links) {
    const key = `${l.from}\u0000${l.to}\u0000${l.kind}`;
    grouped.set(key, [...(grouped.get(key) ?? []), l]);
  }
  for (const list of grouped.values()) {
    const first = list[0];
    const whats = [...new Set(list.map((l) => l.what))];
    const what = first.kind === 'iam' ? `IAM ${[...new Set(whats.flatMap((w) => w.replace(/^IAM /, '').split(', ')))].sort().join(', ')}` : whats.join(', ');
    lines.push(`  ${nodeRef(first.from)} ${first.kind === 'iam' ? '-.->' : '-->'}|${label(what)}| ${nodeRef(first.to)}`);
  }

  const name = (id: string): string => g.externals.get(id)?.label ?? id;
  const rules = [
    '| From | To | Port | Rule |',
    '|---|---|---|---|',
    ...links.filter((l) => l.kind === 'network').map((l) => `| ${cell(name(l.from))} | ${cell(name(l.to))} | ${cell(l.what)} | ${cell(l.description)} |`),
  ].join('\n');

  const roleRows = TIERS.flatMap((t) => [...g.roles.values()].filter((r) => r.tier === t.id)).map(
    (r) => `| ${cell(r.id)} | ${cell(r.className)} | ${TIERS.find((t) => t.id === r.tier)?.title ?? r.tier} | ${cell(r.place)} |`,
  );
  const roles = ['| Role | Construct | Tier | Placement |', '|---|---|---|---|', ...roleRows].join('\n');

  return [
    GENERATED_MARKER,
    '',
    `# Architecture: ${stackId}`,
    '',
    ...g.intro.flatMap((p) => [p, '']),
    '```mermaid',
    ...lines,
    '```',
    '',
    '## Roles',
    '',
    roles,
    '',
    '## Connections',
    '',
    rules,
    '',
    ...g.tables.flatMap((t) => [t, '']),
  ]
    .join('\n')
    .replace(/\n+$/, '\n');
}
