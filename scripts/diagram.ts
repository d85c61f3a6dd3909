/**
 * Architecture diagrams: one Mermaid diagram per stack of webcluster.yaml, written to
 * `docs/architecture/<stack>.md` (GitHub renders Mermaid in Markdown with no tooling).
 *
 *   npm run diagram      # node scripts/build.js, esbuild of this file and scripts/diagram/ into dist/scripts/, node dist/scripts/diagram.js
 *
 * Drawn from the construct tree, for any stack, not from a hand-kept list:
 * - nodes are the stack's top-level constructs that take part in network access (own an AWS security
 *   group or a Docker workload) or implement one of the role contracts of constructs/core/roles.ts;
 * - tiers come from those contracts (ILoadBalancer / IHttpCache: load balancer tier, IAppServerGroup:
 *   app, IAdminServer: admin, databases, caches, storage, search: data, ILogShipping: operations);
 *   a construct that implements none is put in the data tier when it is only ever a server, else the
 *   app tier;
 * - AWS: arrows are the `aws_vpc_security_group_ingress_rule`s (source security group or CIDR → the
 *   group's owner) and the CIDR egress rules, as the resources will be synthesized; dotted arrows are
 *   IAM grants (role policies whose statements name another role's resources); zones and subnet tiers
 *   come from the subnets each role's resources reference;
 * - Docker: arrows are the rules recorded by `DockerConnections` (`connections.allowFrom/...`), the
 *   load balancer's routes and the published ports; networks come from the workloads' membership.
 *
 * The architecture page, docs/architecture/README.md, embeds some of them between `<!-- diagram:<stack> -->`
 * markers; the script refreshes those blocks too. `test/diagrams.test.ts` renders the same text in memory and fails when a committed file
 * or an embedded block is stale.
 *
 * This file holds the entry points and the command; the drawing is in scripts/diagram/: model.ts (roles,
 * tiers, links), graph.ts (the roles of a stack), aws.ts and docker.ts (the readers of each backend),
 * render.ts (the Markdown and Mermaid text).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IConstruct } from 'constructs';
import { ConfigError, loadConfigFile } from '../config/load';
import { App, TerraformStack } from '../constructs/core/cdktf';
import { addEnvironmentStacks } from '../stacks/from-config';
import { graphOf } from './diagram/graph';
import { GENERATED_MARKER } from './diagram/model';
import { render } from './diagram/render';

export { GENERATED_MARKER } from './diagram/model';

/** Where the diagrams go, relative to the project root. */
export const DIAGRAM_DIR = path.join('docs', 'architecture');

/** One generated file. */
export interface StackDiagram {
  /** Stack name. */
  readonly stack: string;
  /** Path relative to the project root, `docs/architecture/<stack>.md`. */
  readonly file: string;
  /** File content. */
  readonly markdown: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------------

/** The diagrams of every stack of a configuration file (default: `$WEBCLUSTER_CONFIG`, else ./webcluster.yaml). */
export function diagramsForConfig(configPath?: string): StackDiagram[] {
  const { config, fileLabel } = loadConfigFile(configPath);
  // App() creates its output directory; nothing is synthesized into it.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-diagram-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    addEnvironmentStacks(app, config, fileLabel);
    return diagramsOf(app);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The diagrams of every stack below `scope`, in construct order. */
export function diagramsOf(scope: IConstruct): StackDiagram[] {
  return scope.node
    .findAll()
    .filter((c): c is TerraformStack => TerraformStack.isStack(c))
    .map((stack) => ({ stack: stack.node.id, file: path.join(DIAGRAM_DIR, `${stack.node.id}.md`), markdown: render(graphOf(stack)) }));
}

/** The page that embeds some of the diagrams (GitHub shows it below the folder's file list). */
export const DIAGRAM_PAGE = path.join(DIAGRAM_DIR, 'README.md');

/** Marks an embedded diagram: `<!-- diagram:<stack> -->`, the mermaid block, `<!-- /diagram:<stack> -->`. */
const EMBED_RE = /(<!-- diagram:([a-z][a-z0-9-]*) -->\n)([\s\S]*?)(\n<!-- \/diagram:\2 -->)/g;

/** The Mermaid block of a generated file, as embedded in {@link DIAGRAM_PAGE}. */
export function mermaidBlock(markdown: string): string {
  const m = /```mermaid\n[\s\S]*?\n```/.exec(markdown);
  if (!m) throw new Error('generated diagram has no mermaid block');
  return m[0];
}

/** The stacks whose diagram `page` embeds between markers. */
export function embeddedStacks(page: string): string[] {
  return [...page.matchAll(EMBED_RE)].map((m) => m[2]);
}

/**
 * `page` with every embedded diagram replaced by the current one; throws for a marker naming a
 * stack that has no diagram.
 */
export function updateEmbeddedDiagrams(page: string, diagrams: readonly StackDiagram[]): string {
  return page.replace(EMBED_RE, (_all, open: string, stack: string, _old: string, close: string) => {
    const d = diagrams.find((x) => x.stack === stack);
    if (!d) throw new Error(`${DIAGRAM_PAGE} embeds the diagram of '${stack}', which is not a stack of the configuration; fix: remove the block or add the stack`);
    return `${open}${mermaidBlock(d.markdown)}${close}`;
  });
}

/** Generated files in `dir` that no stack produces any more. */
export function staleFiles(root: string, diagrams: readonly StackDiagram[]): string[] {
  const dir = path.join(root, DIAGRAM_DIR);
  if (!fs.existsSync(dir)) return [];
  const wanted = new Set(diagrams.map((d) => path.basename(d.file)));
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md') && !wanted.has(f))
    .filter((f) => fs.readFileSync(path.join(dir, f), 'utf8').startsWith(GENERATED_MARKER))
    .map((f) => path.join(DIAGRAM_DIR, f));
}

// ---------------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------------

/** The project root: this file runs as dist/scripts/diagram.js (npm run diagram) or scripts/diagram.ts (tests). */
function projectRoot(): string {
  const here = path.dirname(__dirname);
  return path.basename(here) === 'dist' ? path.dirname(here) : here;
}

/**
 * Writes the diagrams of the default stacks: always ./webcluster.yaml of the project (not $WEBCLUSTER_CONFIG,
 * whose stacks are not the ones the docs describe).
 */
function main(): void {
  const root = projectRoot();
  const diagrams = diagramsForConfig(path.join(root, 'webcluster.yaml'));
  fs.mkdirSync(path.join(root, DIAGRAM_DIR), { recursive: true });
  for (const file of staleFiles(root, diagrams)) {
    fs.rmSync(path.join(root, file));
    process.stdout.write(`removed ${file} (no such stack any more)\n`);
  }
  const write = (file: string, text: string): void => {
    const target = path.join(root, file);
    const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (before !== text) fs.writeFileSync(target, text);
    process.stdout.write(`${before === text ? 'unchanged' : 'wrote'} ${file}\n`);
  };
  for (const d of diagrams) write(d.file, d.markdown);
  const page = path.join(root, DIAGRAM_PAGE);
  if (fs.existsSync(page)) {
    const text = fs.readFileSync(page, 'utf8');
    if (embeddedStacks(text).length > 0) write(DIAGRAM_PAGE, updateEmbeddedDiagrams(text, diagrams));
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    if (!ConfigError.isConfigError(err)) throw err;
    for (const line of err.problems) process.stderr.write(`error: ${line}\n`);
    process.exitCode = 1;
  }
}
