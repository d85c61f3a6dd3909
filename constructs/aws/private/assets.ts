/**
 * The files of `constructs/aws/assets/` (scripts, configuration files and systemd units of the AWS
 * hosts), read once at synth and filled in with the template notation of constructs/core/template.ts.
 */
import * as path from 'path';
import { readAsset, renderTemplate, TemplateSections, TemplateValues } from '../../core/template';

/** The folder, next to the compiled code too (scripts/copy-assets.js copies it into dist/ and lib/). */
export const AWS_ASSETS_DIR = path.join(__dirname, '..', 'assets');

/** The asset `name` (a path below {@link AWS_ASSETS_DIR}, e.g. `mongodb/rs-init.sh`) filled in with `values` and `sections`. */
export function awsAsset(name: string, values: TemplateValues = {}, sections: TemplateSections = {}): string {
  return renderTemplate(readAsset(path.join(AWS_ASSETS_DIR, name)), values, sections, `assets/${name}`);
}
