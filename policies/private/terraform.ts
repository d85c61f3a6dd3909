/**
 * Reading Terraform resources the way they will be synthesized: each resource's `toTerraform()`
 * output, resolved by its stack, so rules see snake_case attributes with references rendered as
 * `${type.name.attr}` strings. This works the same for every provider's generated classes (AWS and
 * Docker) and for escape hatches (`addOverride`), which the `<attr>Input` getters do not see.
 */
import type { IConstruct } from 'constructs';
import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformResource, TerraformStack, Token, Tokenization } from '../../constructs/core/cdktf';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Attributes of a synthesized block. */
export type Attrs = Readonly<Record<string, unknown>>;

/** A resource (or data source) with its synthesized attributes. */
export interface TfElement {
  /** The construct. */
  readonly node: IConstruct;
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Terraform name (the construct's friendly unique id). */
  readonly name: string;
  /** `type.name` for resources, `data.type.name` for data sources. */
  readonly address: string;
  /** Synthesized attributes, references as `${...}` strings. */
  readonly attrs: Attrs;
}

/** The resource view of `node` when it is a Terraform resource of one of `types` (any type when none given). */
export function resourceOf(node: IConstruct, ...types: string[]): TfElement | undefined {
  if (!TerraformResource.isTerraformResource(node)) return undefined;
  if (types.length > 0 && !types.includes(node.terraformResourceType)) return undefined;
  return viewOf(node);
}

/**
 * Views and per-stack element lists computed during one {@link withResolutionCache} call: a pack run
 * looks at the same resources many times (references between them), and resolving is the costly part.
 */
let cache: { views: Map<IConstruct, TfElement>; elements: Map<IConstruct, (TerraformResource | TerraformDataSource)[]> } | undefined;

/** Runs `fn` with resolved resources cached; the construct tree must not change meanwhile. */
export function withResolutionCache<T>(fn: () => T): T {
  if (cache) return fn();
  cache = { views: new Map(), elements: new Map() };
  try {
    return fn();
  } finally {
    cache = undefined;
  }
}

function elementsOf(scope: IConstruct): (TerraformResource | TerraformDataSource)[] {
  const stack = TerraformStack.of(scope);
  const known = cache?.elements.get(stack);
  if (known) return known;
  const found = stack.node
    .findAll()
    .filter((c): c is TerraformResource | TerraformDataSource => TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c));
  cache?.elements.set(stack, found);
  return found;
}

function viewOf(node: TerraformResource | TerraformDataSource): TfElement {
  const known = cache?.views.get(node);
  if (known) return known;
  const view = computeView(node);
  cache?.views.set(node, view);
  return view;
}

function computeView(node: TerraformResource | TerraformDataSource): TfElement {
  const isData = TerraformDataSource.isTerraformDataSource(node);
  const type = node.terraformResourceType;
  const name = node.friendlyUniqueId;
  const json = node.toTerraform() as Record<string, Record<string, Record<string, Attrs>> | undefined>;
  const body = json[isData ? 'data' : 'resource']?.[type]?.[name];
  const attrs = body === undefined ? {} : resolvedAttrs(body, TerraformStack.of(node));
  return { node, type, name, address: `${isData ? 'data.' : ''}${type}.${name}`, attrs };
}

/**
 * The attributes of a resource as resolving the whole block would give them, each resolved when a
 * rule first reads it: rules read a few attributes, and resolving the rest (user data, files of
 * containers) was most of the pack's time. Keys that resolve to nothing are absent, as when the
 * block is resolved whole; a block that is a token itself or has token keys is resolved whole.
 */
function resolvedAttrs(body: Attrs, scope: TerraformStack): Attrs {
  const resolve = (value: unknown): unknown => Tokenization.resolve(value, { scope, resolver: RESOLVER });
  if (Tokenization.isResolvable(body) || Object.keys(body).some((k) => Token.isUnresolved(k))) return resolve(body) as Attrs;
  const resolved = new Map<string, unknown>();
  const valueOf = (key: string | symbol): unknown => {
    if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(body, key)) return undefined;
    if (!resolved.has(key)) resolved.set(key, resolve(body[key]));
    return resolved.get(key);
  };
  return new Proxy<Record<string, unknown>>(
    {},
    {
      get: (_target, key) => valueOf(key),
      has: (_target, key) => valueOf(key) !== undefined,
      ownKeys: () => Object.keys(body).filter((k) => valueOf(k) !== undefined),
      getOwnPropertyDescriptor: (_target, key) => {
        const value = valueOf(key);
        return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
      },
    },
  );
}

/** Every resource of `type` in the stack of `scope`. */
export function resourcesOfType(scope: IConstruct, type: string): TfElement[] {
  return elementsOf(scope)
    .filter((c) => !TerraformDataSource.isTerraformDataSource(c) && c.terraformResourceType === type)
    .map(viewOf);
}

/** Every data source of `type` in the stack of `scope`. */
export function dataSourcesOfType(scope: IConstruct, type: string): TfElement[] {
  return elementsOf(scope)
    .filter((c) => TerraformDataSource.isTerraformDataSource(c) && c.terraformResourceType === type)
    .map(viewOf);
}

const REF_RE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?\.([a-z0-9_]+)/;

/** The element a reference such as `${aws_s3_bucket.Foo_123.id}` points to, when it is in the same stack. */
export function referenced(scope: IConstruct, value: unknown, type?: string): TfElement | undefined {
  if (typeof value !== 'string') return undefined;
  const m = REF_RE.exec(value);
  if (!m) return undefined;
  const [, data, refType, refName] = m;
  if (type !== undefined && refType !== type) return undefined;
  const candidates = data ? dataSourcesOfType(scope, refType) : resourcesOfType(scope, refType);
  return candidates.find((c) => c.name === refName);
}

/** Whether `value` references `target` (any attribute), or equals one of the literal names given. */
export function refersTo(value: unknown, target: TfElement, literalNames: readonly unknown[] = []): boolean {
  if (typeof value !== 'string') return false;
  if (value.includes(`\${${target.address}.`)) return true;
  return !isUnresolved(value) && literalNames.some((n) => typeof n === 'string' && n === value);
}

/** Whether a value is (or contains) a Terraform expression. */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** A nested block that may be synthesized as an object or a one-element list. */
export function block(value: unknown): Attrs | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as Attrs) : undefined;
}

/** A repeatable block (list of objects); a single object counts as one. */
export function blocks(value: unknown): Attrs[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((b): b is Attrs => typeof b === 'object' && b !== null && !Array.isArray(b));
}

/** Terraform booleans: `true` or the string `"true"` (some provider attributes are strings). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A number, also from a numeric string; undefined for expressions and missing values. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A list of strings (single strings count as one). */
export function stringsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** Whether the resource has Terraform's `lifecycle { prevent_destroy = true }`. */
export function preventsDestroy(r: TfElement): boolean {
  return block(r.attrs.lifecycle)?.prevent_destroy === true;
}
