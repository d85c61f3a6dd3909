/**
 * The import rules of the sources (issue 13), read with the TypeScript compiler's own import scanner
 * and module resolution:
 * - constructs/aws and constructs/docker never import each other: what both backends share lives in
 *   constructs/core;
 * - constructs/core imports nothing of the project outside constructs/core (neither backend, nor the
 *   stacks, config or policies built on it);
 * - stacks/profiles and stacks/tiers (what an app needs on every backend) import no backend: neither
 *   constructs/aws, constructs/docker, stacks/aws nor stacks/docker; stacks/aws never imports the
 *   Docker backend (constructs/docker, stacks/docker) and stacks/docker never the AWS one, so a new
 *   backend adds files and edits no profile or tier;
 * - no import cycles among the project's .ts files (type-only imports count: a cycle of types is a
 *   cycle of design).
 * And the size rules, read with the compiler's parser: no source file (every .ts file git tracks outside
 * test/, declaration files aside) over 400 lines, no constructor, function, method or function
 * assigned to a variable or field over 120 lines, with no exceptions.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** A project file (path relative to the root, `/`-separated) and the project files it imports. */
type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** `text` parsed (with parent nodes) as `fileName`. */
function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * The module specifiers a source text names: import/export ... from, import = require, require(),
 * import(), import('x').T. Read with the compiler's own import scanner (what the language service uses
 * to find a file's imports), which does not build the syntax tree: the graph covers the tests too.
 */
function moduleSpecifiers(_fileName: string, text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function projectFiles(): { options: ts.CompilerOptions; files: string[] } {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  const scripts = fs
    .readdirSync(path.join(ROOT, 'scripts'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(ROOT, 'scripts', f));
  return { options: parsed.options, files: [...parsed.fileNames, ...scripts].filter((f) => !f.endsWith('.d.ts')) };
}

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/** Every project .ts file and the project .ts files it imports, resolved as the compiler resolves them. */
function sourceImportGraph(): ImportGraph {
  const { options, files } = projectFiles();
  const cache = ts.createModuleResolutionCache(ROOT, (f) => f, options);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = moduleSpecifiers(file, fs.readFileSync(file, 'utf8')).flatMap((specifier) => {
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys, cache).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) return [];
      const target = rel(path.resolve(resolved.resolvedFileName));
      return target.startsWith('..') || !/\.tsx?$/.test(target) || target.endsWith('.d.ts') ? [] : [target];
    });
    graph.set(rel(file), [...new Set(targets)]);
  }
  return graph;
}

/** The layering rules: a file under `from` must not import a file under one of `forbidden`. */
const LAYER_RULES: readonly { from: string; forbidden: readonly string[]; why: string }[] = [
  { from: 'constructs/aws/', forbidden: ['constructs/docker/'], why: 'share it through constructs/core' },
  { from: 'constructs/docker/', forbidden: ['constructs/aws/'], why: 'share it through constructs/core' },
  { from: 'constructs/core/', forbidden: ['constructs/aws/', 'constructs/docker/', 'stacks/', 'config/', 'policies/'], why: 'core is backend-neutral and knows nothing built on it' },
  ...['stacks/profiles/', 'stacks/tiers/'].map((from) => ({
    from,
    forbidden: ['constructs/aws/', 'constructs/docker/', 'stacks/aws/', 'stacks/docker/'],
    why: "profiles and tiers are backend-neutral: a backend's half goes under stacks/<backend>/",
  })),
  { from: 'stacks/aws/', forbidden: ['constructs/docker/', 'stacks/docker/'], why: 'a backend half of the profiles imports no other backend' },
  { from: 'stacks/docker/', forbidden: ['constructs/aws/', 'stacks/aws/'], why: 'a backend half of the profiles imports no other backend' },
];

/** One line per import that breaks a layering rule. */
function layerViolations(graph: ImportGraph): string[] {
  return [...graph].flatMap(([file, targets]) =>
    LAYER_RULES.filter((rule) => file.startsWith(rule.from)).flatMap((rule) =>
      targets.filter((t) => rule.forbidden.some((f) => t.startsWith(f))).map((t) => `${file} imports ${t} (${rule.why})`),
    ),
  );
}

/**
 * One cycle per strongly connected component of more than one file (or a file importing itself), as a
 * path `a.ts -> b.ts -> a.ts`: Tarjan's algorithm for the components, then the shortest way from the
 * component's first file back to itself.
 */
function importCycles(graph: ImportGraph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);

  return components.map((component) => {
    const members = new Set(component);
    const start = component[0];
    // Breadth-first from start's imports, inside the component, until start is reached again.
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0 && !previous.has(start)) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w) || previous.has(w)) continue;
        previous.set(w, v);
        queue.push(w);
      }
    }
    const cycle = [start];
    for (let v = previous.get(start)!; v !== start; v = previous.get(v)!) cycle.unshift(v);
    return [start, ...cycle].join(' -> ');
  });
}

describe('import rules, checked on a made-up graph', () => {
  test('every kind of import the compiler knows is read', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "export { c } from './c';",
      "export * from './d';",
      "import e = require('./e');",
      "const f = require('./f');",
      "const g = import('./g');",
      "let h: import('./h').H;",
      "import 'zod';",
      "// import { x } from './not-an-import';",
      "const s = \"from './not-an-import-either'\";",
    ].join('\n');
    expect(moduleSpecifiers('x.ts', text)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', 'zod']);
  });

  test('a backend importing the other, and core importing a backend, are reported', () => {
    const graph = new Map([
      ['constructs/aws/http-cache.ts', ['constructs/docker/image-ref.ts', 'constructs/core/names.ts']],
      ['constructs/docker/workload.ts', ['constructs/aws/network.ts']],
      ['constructs/core/names.ts', ['constructs/aws/network.ts', 'constructs/core/port.ts']],
      ['stacks/aws-vm-stack.ts', ['constructs/aws/network.ts', 'constructs/docker/workload.ts']],
    ]);
    expect(layerViolations(graph)).toEqual([
      'constructs/aws/http-cache.ts imports constructs/docker/image-ref.ts (share it through constructs/core)',
      'constructs/docker/workload.ts imports constructs/aws/network.ts (share it through constructs/core)',
      'constructs/core/names.ts imports constructs/aws/network.ts (core is backend-neutral and knows nothing built on it)',
    ]);
  });

  test('a neutral profile or tier importing a backend, and a backend half importing the other, are reported', () => {
    const graph = new Map([
      ['stacks/profiles/steedos.ts', ['constructs/docker/docker-secret.ts', 'stacks/profiles/app-profile.ts']],
      ['stacks/tiers/solr.ts', ['stacks/aws/vm-profile.ts', 'constructs/core/cdktf.ts']],
      ['stacks/aws/tiers/solr.ts', ['stacks/docker/container-profile.ts', 'constructs/aws/search-service.ts', 'stacks/tiers/solr.ts']],
      ['stacks/docker/tiers/solr.ts', ['constructs/aws/search-service.ts', 'constructs/docker/search-service.ts']],
      // The stack builders beside the backend folders are not backend halves.
      ['stacks/docker-stack.ts', ['stacks/docker/container-profile.ts', 'stacks/aws/vm-profile.ts']],
    ]);
    const neutral = "(profiles and tiers are backend-neutral: a backend's half goes under stacks/<backend>/)";
    const half = '(a backend half of the profiles imports no other backend)';
    expect(layerViolations(graph)).toEqual([
      `stacks/profiles/steedos.ts imports constructs/docker/docker-secret.ts ${neutral}`,
      `stacks/tiers/solr.ts imports stacks/aws/vm-profile.ts ${neutral}`,
      `stacks/aws/tiers/solr.ts imports stacks/docker/container-profile.ts ${half}`,
      `stacks/docker/tiers/solr.ts imports constructs/aws/search-service.ts ${half}`,
    ]);
  });

  test('a cycle is reported with its path, a diamond is not a cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['d.ts']],
      ['c.ts', ['d.ts']],
      ['d.ts', []],
      ['x.ts', ['y.ts']],
      ['y.ts', ['z.ts']],
      ['z.ts', ['x.ts', 'd.ts']],
      ['self.ts', ['self.ts']],
    ]);
    expect(importCycles(graph).sort()).toEqual(['self.ts -> self.ts', 'x.ts -> y.ts -> z.ts -> x.ts']);
  });
});

describe('import rules of the sources', () => {
  const graph = sourceImportGraph();

  test('the graph covers the sources and their imports', () => {
    // Guards against a graph that is empty because nothing was read or resolved.
    expect(graph.get('stacks/aws-vm-stack.ts')).toEqual(expect.arrayContaining(['constructs/aws/network.ts', 'constructs/core/cdktf.ts']));
    expect(graph.get('constructs/aws/log-shipping.ts')).toEqual(expect.arrayContaining(['constructs/aws/log-sink.ts']));
    expect(graph.get('stacks/docker/profiles/steedos.ts')).toEqual(expect.arrayContaining(['constructs/docker/docker-secret.ts', 'stacks/profiles/steedos.ts']));
    expect(graph.has('test/architecture.test.ts')).toBe(true);
    // scripts/ is read with its folders.
    expect(graph.get('scripts/diagram/graph.ts')).toEqual(expect.arrayContaining(['scripts/diagram/aws.ts', 'scripts/diagram/model.ts']));
  });

  test('constructs/aws and constructs/docker do not import each other; constructs/core imports neither; profiles and tiers are split by backend', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  test('no import cycles', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------------------------------------------

/** Longest source file, in lines (as `wc -l` counts them). */
const MAX_FILE_LINES = 400;
/** Longest constructor, function, method, accessor or function assigned to a variable or field, in lines. */
const MAX_FUNCTION_LINES = 120;

/** A file or a function over its limit. */
interface Oversize {
  /** Path relative to the root. */
  readonly file: string;
  /** 1-based line where it starts (1 for the file itself). */
  readonly line: number;
  /** `file`, or the function's name: `Class.constructor`, `Class.method`, `name` of a function or variable. */
  readonly name: string;
  /** Its length in lines. */
  readonly lines: number;
  /** The limit it is over. */
  readonly limit: number;
}

/** Lines of a text as `wc -l` counts them (a last line without a line break counts too). */
function lineCount(text: string): number {
  const breaks = text.split('\n').length - 1;
  return text === '' || text.endsWith('\n') ? breaks : breaks + 1;
}

/** The name a function-like node is known by, or undefined for one that is not measured (a callback). */
function functionName(node: ts.Node, source: ts.SourceFile): string | undefined {
  const owner = (member: ts.Node): string => {
    const parent = member.parent;
    return (ts.isClassLike(parent) && parent.name ? `${parent.name.text}.` : '');
  };
  const isFunction = (n: ts.Node | undefined): boolean => n !== undefined && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));
  if (ts.isConstructorDeclaration(node)) return `${owner(node)}constructor`;
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) return `${owner(node)}${node.name.getText(source)}`;
  if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && isFunction(node.initializer)) {
    return `${ts.isPropertyDeclaration(node) ? owner(node) : ''}${node.name.getText(source)}`;
  }
  return undefined;
}

/** The file itself and every measured function of it that is over its limit. */
function oversizes(file: string, text: string): Oversize[] {
  const found: Oversize[] = [];
  const fileLines = lineCount(text);
  if (fileLines > MAX_FILE_LINES) found.push({ file, line: 1, name: 'file', lines: fileLines, limit: MAX_FILE_LINES });
  const source = parse(file, text);
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node): void => {
    const name = functionName(node, source);
    if (name !== undefined) {
      const start = lineOf(node.getStart(source));
      const lines = lineOf(node.getEnd()) - start + 1;
      if (lines > MAX_FUNCTION_LINES) found.push({ file, line: start, name, lines, limit: MAX_FUNCTION_LINES });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** One line per oversize: `file:line name is N lines (limit L); fix: ...`. */
function sizeViolations(found: readonly Oversize[]): string[] {
  return found.map((o) => `${o.file}:${o.line} ${o.name === 'file' ? 'the file' : o.name} is ${o.lines} lines (limit ${o.limit}); fix: split it by responsibility`);
}

/** Every .ts file git tracks outside test/, declaration files aside, relative to the root. */
function sizedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--', '*.ts'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && !f.startsWith('test/') && !f.endsWith('.d.ts') && fs.existsSync(path.join(ROOT, f)));
}

describe('size rules, checked on a made-up source', () => {
  /** A block of `n` lines in all: the opening line, `n - 2` statements, the closing line. */
  const body = (open: string, n: number, indent = ''): string => [`${indent}${open} {`, ...Array.from({ length: n - 2 }, () => `${indent}  x++;`), `${indent}}`].join('\n');
  const text = [
    'let x = 0;',
    body('function atLimit()', 120),
    body('function overLimit()', 121),
    'class Host {',
    body('constructor()', 130, '  '),
    body('private build(): void', 122, '  '),
    body('get short(): number', 10, '  '),
    body('readonly field = () =>', 125, '  '),
    '}',
    `${body('const arrow = (): void =>', 140)};`,
    `${body('const expression = function ()', 121)};`,
    body('[1, 2].forEach(() =>', 150).replace(/}$/, '});'),
    '',
  ].join('\n');
  const found = oversizes('made-up.ts', text);

  test('constructors, functions, methods and functions assigned to variables or fields over 120 lines are found, with their line', () => {
    expect(found.filter((o) => o.name !== 'file').map((o) => `${o.line} ${o.name} ${o.lines}`)).toEqual([
      '122 overLimit 121',
      '244 Host.constructor 130',
      '374 Host.build 122',
      '506 Host.field 125',
      '632 arrow 140',
      '772 expression 121',
    ]);
  });

  test('a file over 400 lines is found, counted as wc -l counts', () => {
    expect(found.find((o) => o.name === 'file')).toEqual({ file: 'made-up.ts', line: 1, name: 'file', lines: lineCount(text), limit: 400 });
    expect([lineCount(''), lineCount('a'), lineCount('a\n'), lineCount('a\nb')]).toEqual([0, 1, 1, 2]);
    expect(oversizes('small.ts', 'const a = 1;\n'.repeat(400))).toEqual([]);
  });

  test('the failure names file:line and the size', () => {
    expect(sizeViolations(found)).toEqual([
      `made-up.ts:1 the file is ${lineCount(text)} lines (limit 400); fix: split it by responsibility`,
      'made-up.ts:122 overLimit is 121 lines (limit 120); fix: split it by responsibility',
      'made-up.ts:244 Host.constructor is 130 lines (limit 120); fix: split it by responsibility',
      'made-up.ts:374 Host.build is 122 lines (limit 120); fix: split it by responsibility',
      'made-up.ts:506 Host.field is 125 lines (limit 120); fix: split it by responsibility',
      'made-up.ts:632 arrow is 140 lines (limit 120); fix: split it by responsibility',
      'made-up.ts:772 expression is 121 lines (limit 120); fix: split it by responsibility',
    ]);
  });

});

describe('size rules of the sources', () => {
  const files = sizedFiles();
  const found = files.flatMap((f) => oversizes(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

  test('the scan covers the sources and nothing of test/', () => {
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'constructs/aws/network.ts', 'stacks/aws-vm-stack.ts', 'config/schema.ts', 'scripts/diagram.ts']));
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.d.ts'))).toEqual([]);
  });

  test(`no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}`, () => {
    expect(sizeViolations(found)).toEqual([]);
  });
});
