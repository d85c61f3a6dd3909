/**
 * The template notation of the files our constructs ship (the VCL, the hosts' scripts, configuration
 * files and systemd units under `assets/` folders), and reading such a file once per process.
 */
import * as fs from 'fs';

/** Values of a template: a string for `{{name}}`, a list for a `{{name}}` line that becomes one line per item. */
export type TemplateValues = Readonly<Record<string, string | readonly string[]>>;

/** Sections of a template (`{{#name}}` ... `{{/name}}`), kept when true. */
export type TemplateSections = Readonly<Record<string, boolean>>;

/**
 * Fills in a template: lines `{{! ... }}` are dropped; a section marker (`{{#name}}`, `{{/name}}`)
 * alone on its line takes its line break with it, and the text between the two is kept only when
 * `sections[name]` is true; `{{name}}` alone on a line with a list value becomes one line per item
 * (none for an empty list), `{{name}}` elsewhere the string value. Values are inserted as they are
 * (Terraform tokens too), in one pass. A name the template uses but the code does not give is a
 * programming error and throws; `kind` names the template in that error (e.g. `VCL template`).
 */
export function renderTemplate(text: string, values: TemplateValues, sections: TemplateSections = {}, kind = 'template'): string {
  const known = (table: object, name: string): void => {
    if (!Object.prototype.hasOwnProperty.call(table, name)) throw new Error(`${kind}: no value for {{${name}}}`);
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
      if (lineName === undefined) throw new Error(`${kind}: the list {{${key}}} must stand alone on its line`);
      return value.map((line) => `${line}\n`).join('');
    });
}

const cache = new Map<string, string>();

/** The text of a shipped file (`assets/...`), read from disk once per process. */
export function readAsset(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** The shipped template `file` (read once per process, {@link readAsset}) filled in with `values` and `sections` ({@link renderTemplate}; errors name the file). */
export function renderTemplateFile(file: string, values: TemplateValues = {}, sections: TemplateSections = {}): string {
  return renderTemplate(readAsset(file), values, sections, `template ${file}`);
}
