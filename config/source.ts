/**
 * Where the fields of a parsed `webcluster.yaml` are: the line of each key, so problems found after the
 * schema (by the stack layer) can point at the YAML that caused them.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** Where a field is written, or where it would go when it is left out. */
export interface FieldLocation {
  /** 1-based line of the field's key, or of the nearest enclosing field that is written. */
  readonly line: number;
  /** False when the field is not in the file (a default applied): `line` is then its parent's. */
  readonly given: boolean;
}

/** The file a configuration came from, and the lines of its fields. */
export interface ConfigSource {
  /** The file as problems name it. */
  readonly file: string;
  /** Location of the field at `path` (e.g. `['environments', 0, 'cdn']`). */
  locate(path: readonly PropertyKey[]): FieldLocation;
}

/** Finds the lines of the fields of `doc`, parsed with `lineCounter` in its options. */
export function documentSource(file: string, doc: Document, lineCounter: LineCounter): ConfigSource {
  const lineOf = (node: Node | null | undefined, fallback: number): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
  return {
    file,
    locate(path) {
      let node: unknown = doc.contents;
      let line = lineOf(doc.contents, 1);
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
          if (pair === undefined) return { line, given: false };
          line = lineOf(isScalar(pair.key) ? pair.key : undefined, line);
          node = pair.value;
        } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
          node = node.items[seg];
          line = lineOf(node as Node, line);
        } else {
          return { line, given: false };
        }
      }
      return { line, given: true };
    },
  };
}
