/**
 * Text templates shipped as files (`assets/` folders, copied next to the JavaScript by
 * scripts/copy-assets.js) and filled in at synth: the Varnish configuration (vcl.ts), the scripts,
 * units and configuration files the stacks write onto hosts.
 */
import * as fs from 'fs';

const cache = new Map<string, string>();

/** The text of a template file, read once per synth (later calls return the same text). */
export function readTemplate(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/**
 * Fills in a template: lines `{{! ... }}` are dropped; a section marker (`{{#name}}`, `{{/name}}`)
 * alone on its line takes its line break with it, and the text between the two is kept only when
 * `sections[name]` is true; `{{name}}` alone on a line with a list value becomes one line per item
 * (none for an empty list), `{{name}}` elsewhere the string value. Values are inserted as they are
 * (Terraform tokens too), in one pass. A name the template uses but the code does not give is a
 * programming error and throws, its message starting with `label`.
 */
export function renderTemplate(
  text: string,
  values: Readonly<Record<string, string | readonly string[]>>,
  sections: Readonly<Record<string, boolean>> = {},
  label = 'template',
): string {
  const known = (table: object, name: string): void => {
    if (!Object.prototype.hasOwnProperty.call(table, name)) throw new Error(`${label}: no value for {{${name}}}`);
  };
  return text
    .replace(/^\{\{!.*\}\}\n/gm, '')
    .replace(/^(\{\{[#/]\w+\}\})\n/gm, '$1')
    .replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_m, name: string, body: string) => {
      known(sections, name);
      return sections[name] ? body : '';
    })
    .replace(/^\{\{(\w+)\}\}\n|\{\{(\w+)\}\}/gm, (_m, lineName: string | undefined, name: string | undefined) => {
      const key = (lineName ?? name) as string;
      known(values, key);
      const value = values[key];
      if (typeof value === 'string') return lineName === undefined ? value : `${value}\n`;
      if (lineName === undefined) throw new Error(`${label}: the list {{${key}}} must stand alone on its line`);
      return value.map((line) => `${line}\n`).join('');
    });
}

/** The template file `file` (read once per synth) filled in with `values` and `sections` ({@link renderTemplate}). */
export function renderTemplateFile(
  file: string,
  values: Readonly<Record<string, string | readonly string[]>> = {},
  sections: Readonly<Record<string, boolean>> = {},
): string {
  return renderTemplate(readTemplate(file), values, sections, `template ${file}`);
}
