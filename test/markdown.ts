/**
 * Markdown links and headings as GitHub renders them, for the docs tests: links are read with markdown-it
 * (so links inside code spans and fenced blocks are not links, and reference-style links are), heading
 * anchors follow GitHub's slugs (github-slugger: lowercase, punctuation removed, spaces to hyphens, `-1`,
 * `-2` ... for repeated headings).
 */
import * as fs from 'fs';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import * as path from 'path';

const md = new MarkdownIt({ html: true });

/** GitHub's anchor of a heading text (without the `#`), before de-duplication. */
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The text of an inline token as GitHub uses it for the anchor: text and code spans, no markup. */
function plainText(inline: Token): string {
  return (inline.children ?? [])
    .filter((c) => c.type === 'text' || c.type === 'code_inline')
    .map((c) => c.content)
    .join('');
}

/** The anchors a Markdown text defines: one per heading (repeated slugs get -1, -2, ...), plus explicit `id`/`name` attributes in HTML. */
export function anchorsOf(markdown: string): Set<string> {
  const tokens = md.parse(markdown, {});
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open') {
      const slug = githubSlug(plainText(tokens[i + 1]));
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    if (t.type === 'html_block' || t.type === 'html_inline') {
      for (const m of t.content.matchAll(/\s(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
    }
  });
  for (const t of tokens.filter((x) => x.type === 'inline')) {
    for (const c of t.children ?? []) {
      if (c.type === 'html_inline') for (const m of c.content.matchAll(/\s(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
    }
  }
  return anchors;
}

/** Every link target of a Markdown text: `[text](target)`, reference links, images, and `href`/`src` in HTML. */
export function linksOf(markdown: string): string[] {
  const links: string[] = [];
  const fromHtml = (html: string): void => {
    for (const m of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) links.push(m[1]);
  };
  const visit = (tokens: readonly Token[]): void => {
    for (const t of tokens) {
      if (t.type === 'link_open') links.push(t.attrs?.find(([k]) => k === 'href')?.[1] ?? '');
      if (t.type === 'image') links.push(t.attrs?.find(([k]) => k === 'src')?.[1] ?? '');
      if (t.type === 'html_block' || t.type === 'html_inline') fromHtml(t.content);
      if (t.children) visit(t.children);
    }
  };
  visit(md.parse(markdown, {}));
  return links;
}

/** The headings of a level (2 for `##`) with their text. */
export function headingsOf(markdown: string, level: number): string[] {
  const tokens = md.parse(markdown, {});
  return tokens.flatMap((t, i) => (t.type === 'heading_open' && t.tag === `h${level}` ? [plainText(tokens[i + 1])] : []));
}

/**
 * The broken relative links of `file` (a path relative to `root`): a target that does not exist, or an
 * anchor that is no heading of the target Markdown file. External links (with a scheme) are not followed.
 */
export function brokenLinks(root: string, file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return linksOf(text).flatMap((link) => {
    if (link === '') return [`${file}: an empty link`];
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return [];
    const [rawTarget, anchor] = link.split('#', 2);
    const target = decodeURI(rawTarget.split('?')[0]);
    const resolved = target === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), target);
    if (!resolved.startsWith(root + path.sep) && resolved !== root) return [`${file}: ${link} points outside the repository`];
    if (!fs.existsSync(resolved)) return [`${file}: ${link}: ${path.relative(root, resolved)} does not exist`];
    if (anchor === undefined || anchor === '') return [];
    if (!resolved.endsWith('.md')) return [`${file}: ${link}: an anchor into a file that is not Markdown`];
    return anchorsOf(fs.readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))
      ? []
      : [`${file}: ${link}: no heading '#${anchor}' in ${path.relative(root, resolved)}`];
  });
}
