/**
 * `npm run schema`: writes webcluster.schema.json, the JSON Schema of webcluster.yaml generated from the zod
 * schema (config/json-schema.ts), into the project root. Editors read it through the first line of a
 * configuration file: `# yaml-language-server: $schema=./webcluster.schema.json`.
 *
 *   npm run schema      # node scripts/build.js, esbuild of this file into dist/scripts/, node dist/scripts/schema.js
 *
 * `test/json-schema.test.ts` fails when the committed file differs from what this writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { JSON_SCHEMA_FILE, webclusterJsonSchemaText } from '../config/json-schema';

/** The project root: this file runs as dist/scripts/schema.js (npm run schema) or scripts/schema.ts (tests). */
function projectRoot(): string {
  const here = path.dirname(__dirname);
  return path.basename(here) === 'dist' ? path.dirname(here) : here;
}

function main(): void {
  const file = path.join(projectRoot(), JSON_SCHEMA_FILE);
  const text = webclusterJsonSchemaText();
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (before !== text) fs.writeFileSync(file, text);
  process.stdout.write(`${before === text ? 'unchanged' : 'wrote'} ${JSON_SCHEMA_FILE}\n`);
}

if (require.main === module) main();
