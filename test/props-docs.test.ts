/**
 * Style rule 2: every field of an exported `*Props` interface has JSDoc, and every optional field says
 * its `@default`. Read from the sources with the TypeScript parser, the way awslint checks aws-cdk.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function undocumentedFields(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const problems: string[] = [];
  sf.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith('Props')) return;
    if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const name = `${path.relative(root, file)}: ${node.name.text}.${member.name.getText(sf)}`;
      const docs = ts.getJSDocCommentsAndTags(member);
      if (docs.length === 0) {
        problems.push(`${name} has no JSDoc`);
        continue;
      }
      if (member.questionToken && !ts.getJSDocTags(member).some((t) => t.tagName.text === 'default')) {
        problems.push(`${name} is optional but has no @default`);
      }
    }
  });
  return problems;
}

describe('Props documentation', () => {
  const files = ['constructs', 'stacks'].flatMap((d) => sourceFiles(path.join(root, d)));

  test('finds the Props interfaces', () => {
    const count = files.map((f) => (fs.readFileSync(f, 'utf8').match(/export interface \w+Props\b/g) ?? []).length).reduce((a, b) => a + b, 0);
    expect(count).toBeGreaterThanOrEqual(10);
  });

  test('every Props field has JSDoc and every optional one a @default', () => {
    expect(files.flatMap(undocumentedFields)).toEqual([]);
  });
});
