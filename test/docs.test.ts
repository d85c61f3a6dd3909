/**
 * The README is a landing page (at most 15 KB, a table of contents, the quick start) and every relative link
 * and anchor in it and in docs/ resolves; the GitHub-slug and link reading the checks rely on.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../config/load';
import { anchorsOf, brokenLinks, githubSlug, headingsOf, linksOf } from './markdown';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** README.md and every Markdown file under docs/ (docs/api/ is generated and not committed). */
function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return rel === path.join('docs', 'api') ? [] : walk(rel);
      return e.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...walk('docs')];
}

describe('GitHub slugs and Markdown links (test/markdown.ts)', () => {
  test.each([
    ['Quick start', 'quick-start'],
    ['The constructs (AWS)', 'the-constructs-aws'],
    ['TFLint (`npm run lint:tf`)', 'tflint-npm-run-linttf'],
    ['eZ Platform / Ibexa', 'ez-platform--ibexa'],
    ['Configuration: webcluster.yaml', 'configuration-webclusteryaml'],
    ['Größe & Ä_b', 'größe--ä_b'],
  ])('%s -> #%s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  test('anchors: one per heading, repeated ones numbered, code spans as text, HTML ids', () => {
    const anchors = anchorsOf('# Title\n\n## Set `x`\n\n## Set `x`\n\n```sh\n# not a heading\n```\n\n<a id="here"></a>\n');
    expect([...anchors].sort()).toEqual(['here', 'set-x', 'set-x-1', 'title']);
  });

  test('links: inline, reference, HTML href, not inside code', () => {
    const text = '[a](a.md#x) `[b](b.md)`\n\n```md\n[c](c.md)\n```\n\n[d][ref]\n\n[ref]: d.md\n\n<details><summary><a href="e.md">e</a></summary></details>\n';
    expect(linksOf(text)).toEqual(['a.md#x', 'd.md', 'e.md']);
  });

  test('a missing file and a missing heading are reported, a good link is not', () => {
    const dir = fs.mkdtempSync(path.join(root, '.docs-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.md'), '# A\n\n## Known part\n\n[ok](#known-part) [ok](a.md#a) [bad](#unknown) [gone](missing.md) [web](https://example.com/x#y)\n');
      const rel = path.relative(root, path.join(dir, 'a.md'));
      expect(brokenLinks(root, rel)).toEqual([`${rel}: #unknown: no heading '#unknown' in ${rel}`, `${rel}: missing.md: ${path.join(path.relative(root, dir), 'missing.md')} does not exist`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README.md and docs/', () => {
  test('the README is a landing page of at most 15 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
  });

  test('the README has a table of contents listing each of its sections, whose links resolve', () => {
    const sections = headingsOf(readme, 2).filter((h) => h !== 'Contents');
    const toc = /^## Contents\n\n((?:- \[.*\]\(#.*\)\n)+)/m.exec(readme)?.[1] ?? '';
    expect(linksOf(toc)).toEqual(sections.map((h) => `#${githubSlug(h)}`));
    expect(sections).toEqual(expect.arrayContaining(['Quick start', 'Deploy your own app', 'Configuration basics', 'Where to read more']));
  });

  test("the README's quick start runs npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts);
    const quickStart = /## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(quickStart).toMatch(/^npm ci && npm run synth +#/m);
    expect(quickStart).toMatch(/^npm test +#/m);
    expect(scripts).toEqual(expect.arrayContaining(['synth', 'test']));
  });

  test("the README's configuration example is a valid webcluster.yaml", () => {
    const example = /## Configuration basics\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const config = parseConfig(example ?? '', 'README.md');
    expect(config.environments.map((e) => [e.name, e.backend])).toEqual([
      ['shop-prod', 'aws'],
      ['shop-docker', 'docker'],
    ]);
  });

  test('every page under docs/ is reachable from the README or another page', () => {
    const files = markdownFiles();
    const linked = new Set(
      files.flatMap((file) =>
        linksOf(fs.readFileSync(path.join(root, file), 'utf8'))
          .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l) && !l.startsWith('#'))
          .map((l) => path.relative(root, path.resolve(path.dirname(path.join(root, file)), l.split('#')[0]))),
      ),
    );
    expect(files.filter((f) => f !== 'README.md' && !linked.has(f))).toEqual([]);
  });

  test('every relative link and anchor in README.md and docs/**/*.md resolves', () => {
    const files = markdownFiles();
    expect(files.length).toBeGreaterThan(15);
    expect(files.flatMap((f) => brokenLinks(root, f))).toEqual([]);
  });
});
