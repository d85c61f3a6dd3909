/**
 * The JSON Schema of `webcluster.yaml`, generated from the zod schema ({@link webclusterConfigSchema}), for
 * editors: with `# yaml-language-server: $schema=<path>/webcluster.schema.json` at the top of the file, the
 * YAML language server (VS Code's YAML extension, JetBrains IDEs, Neovim, ...) completes keys, shows
 * descriptions and marks unknown keys and bad values while typing. `npm run schema` writes it;
 * `test/json-schema.test.ts` fails when the committed file is out of date.
 *
 * It describes what users write (zod's input side): fields with defaults are optional, transforms are left
 * out. Checks that zod runs in code (cross-field rules, CIDR host bits, image pinning, ...) have no JSON
 * Schema form; the loader still reports them at synth time.
 */
import { z } from 'zod';
import { fieldHints } from './errors';
import { webclusterConfigSchema } from './schema';

/** The file name, next to webcluster.yaml in the repository root and in the npm package. */
export const JSON_SCHEMA_FILE = 'webcluster.schema.json';

/**
 * The JSON Schema (draft-07, which every YAML language server reads) of webcluster.yaml. A field's
 * description is its own (registered in zod's global registry), followed by the `allowed` text of its
 * error hint, so an editor shows the same words as the loader's error line.
 */
export function webclusterJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(webclusterConfigSchema, {
    target: 'draft-07',
    io: 'input',
    // No zod construct of the schema lacks a JSON Schema form on the input side; a new one fails here
    // instead of silently allowing anything.
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const allowed = allowedOf(zodSchema);
      const own = jsonSchema.description;
      if (allowed === undefined || own?.includes(allowed)) return;
      jsonSchema.description = own === undefined ? sentence(allowed) : `${own} Allowed: ${allowed}.`;
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'webcluster.yaml',
    ...schema,
  };
}

/** The file's text: the schema with two-space indentation and a final newline. */
export function webclusterJsonSchemaText(): string {
  return `${JSON.stringify(webclusterJsonSchema(), null, 2)}\n`;
}

/** The hint's `allowed` text of a schema, or of the schema inside its `.default()`/`.prefault()`/`.optional()`. */
function allowedOf(schema: z.core.$ZodType): string | undefined {
  for (let s: z.core.$ZodType | undefined = schema; s !== undefined; ) {
    const allowed = fieldHints.get(s)?.allowed;
    if (allowed !== undefined) return allowed;
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType };
    s = ['default', 'prefault', 'optional'].includes(def.type) ? def.innerType : undefined;
  }
  return undefined;
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
