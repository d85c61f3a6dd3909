/**
 * Style rule 2: every field of an exported `*Props` interface has JSDoc, and every optional field says
 * its `@default`. Read from the sources with the TypeScript parser, the way awslint checks aws-cdk.
 * And props that need nothing are not required: a Props field whose own type has only optional fields is
 * optional, and so is a constructor's props parameter whose Props have only optional fields (aws-cdk's
 * `props: FooProps = {}`); read with the type checker, so inherited and aliased types count.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The sources both checks read. */
const FILES = ['constructs', 'stacks'].flatMap((d) => sourceFiles(path.join(root, d)));

/** A made-up source with one omittable props field and one omittable props parameter, for the self-check. */
const SAMPLE = [
  'interface Options { readonly a?: string; readonly b?: number }',
  'export interface SampleProps { readonly options: Options; readonly name: string; readonly tags: Record<string, string>; readonly list: Options[] }',
  'export interface LooseProps { readonly options?: Options }',
  'export class Sample { constructor(_props: LooseProps) {} }',
  'export class Fine { constructor(_props: LooseProps = {}) {} }',
  '',
].join('\n');

let checked: { program: ts.Program; sample: string } | undefined;
let sampleDir: string | undefined;
/**
 * One program (parsed with parent nodes, as the JSDoc check needs) over the sources and the sample,
 * built once: the parse and the type checker are most of this file's time.
 */
function sharedProgram(): { program: ts.Program; sample: string } {
  if (checked === undefined) {
    sampleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-props-check-'));
    const sample = path.join(sampleDir, 'sample.ts');
    fs.writeFileSync(sample, SAMPLE);
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (config === undefined) throw new Error('tsconfig.json could not be read');
    // No ambient @types (node, jest): Props are data, and @types/node alone is a third of what the program
    // would parse. A field typed from an unread module is an error type, never an object with only
    // optional fields, so nothing is reported for it.
    const options: ts.CompilerOptions = { ...config.options, types: [] };
    const program = ts.createProgram({ rootNames: [...FILES, sample], options, host: ts.createCompilerHost(options, true) });
    checked = { program, sample };
  }
  return checked;
}
afterAll(() => {
  if (sampleDir !== undefined) fs.rmSync(sampleDir, { recursive: true, force: true });
});

/** A file of the shared program. */
function sourceFileOf(program: ts.Program, file: string): ts.SourceFile {
  const sf = program.getSourceFile(file);
  if (sf === undefined) throw new Error(`${file} is not in the program`);
  return sf;
}

function undocumentedFields(file: string): string[] {
  const sf = sourceFileOf(sharedProgram().program, file);
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
  test('finds the Props interfaces', () => {
    const count = FILES.map((f) => (fs.readFileSync(f, 'utf8').match(/export interface \w+Props\b/g) ?? []).length).reduce((a, b) => a + b, 0);
    expect(count).toBeGreaterThanOrEqual(10);
  });

  test('every Props field has JSDoc and every optional one a @default', () => {
    expect(FILES.flatMap(undocumentedFields)).toEqual([]);
  });
});

/** An object type (not an array, function or union) with at least one field, every one optional. */
function onlyOptionalFields(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.isUnion() || !(type.flags & ts.TypeFlags.Object)) return false;
  if (checker.isArrayType(type) || checker.isTupleType(type) || type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return false;
  const fields = checker.getPropertiesOfType(type);
  return fields.length > 0 && fields.every((f) => (f.flags & ts.SymbolFlags.Optional) !== 0);
}

/** Required props that could be left out: `<file>: <Props>.<field>` and `<file>: <Class> constructor(<param>)`. */
function requiredButOmittable(files: readonly string[]): string[] {
  const { program } = sharedProgram();
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  for (const file of files) {
    const sf = sourceFileOf(program, file);
    const where = path.relative(root, file);
    sf.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node) && node.name.text.endsWith('Props')) {
        for (const field of checker.getPropertiesOfType(checker.getTypeAtLocation(node))) {
          const decl = field.valueDeclaration ?? field.declarations?.[0];
          if (decl === undefined || field.flags & ts.SymbolFlags.Optional) continue;
          const type = checker.getTypeOfSymbolAtLocation(field, decl);
          if (onlyOptionalFields(checker, type)) problems.push(`${where}: ${node.name.text}.${field.name} is required, but its type ${checker.typeToString(type)} has only optional fields`);
        }
      }
      if (ts.isClassDeclaration(node) && node.name) {
        const ctor = node.members.find(ts.isConstructorDeclaration);
        for (const param of ctor?.parameters ?? []) {
          if (param.questionToken || param.initializer || !param.type || !/Props\b/.test(param.type.getText(sf))) continue;
          if (onlyOptionalFields(checker, checker.getTypeFromTypeNode(param.type))) {
            problems.push(`${where}: ${node.name.text} constructor(${param.name.getText(sf)}) is required, but ${param.type.getText(sf)} has only optional fields`);
          }
        }
      }
    });
  }
  return problems;
}

describe('props that need nothing are optional', () => {
  test('no required Props field whose type has only optional fields, no required props parameter of that kind', () => {
    expect(requiredButOmittable(FILES)).toEqual([]);
  });

  test('the check finds both kinds', () => {
    const { sample } = sharedProgram();
    expect(requiredButOmittable([sample])).toEqual([
      `${path.relative(root, sample)}: SampleProps.options is required, but its type Options has only optional fields`,
      `${path.relative(root, sample)}: Sample constructor(_props) is required, but LooseProps has only optional fields`,
    ]);
  });
});
