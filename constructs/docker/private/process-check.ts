/**
 * The health check of long-running roles that serve no port (queue workers, the scheduler): the
 * shipped script `scripts/health/process-check` looks for the role's process in /proc.
 */
import * as fs from 'fs';
import * as path from 'path';
import { terraformLiteral } from '../../core/terraform-literal';
import type { WorkloadFile, WorkloadHealthcheck } from '../runtime';

/** Folder of the health-check scripts in the package (next to the constructs, also in dist/ and lib/). */
export const HEALTH_SCRIPTS_DIR = path.join(__dirname, '..', 'scripts', 'health');
/** Where the script goes in the container (run with `sh`, so it needs no execute bit for the image's user). */
export const PROCESS_CHECK_PATH = '/usr/local/lib/webcluster/process-check';

let script: string | undefined;

/** The script, as a file of the workload, escaped for Terraform (read once at synth time). */
export function processCheckFile(): WorkloadFile {
  script ??= terraformLiteral(fs.readFileSync(path.join(HEALTH_SCRIPTS_DIR, 'process-check'), 'utf8'));
  return { path: PROCESS_CHECK_PATH, content: script };
}

/**
 * The text the check looks for in the command lines of the container's processes by default: the
 * command's arguments (an interpreter such as `php` or `sh` may show under another name, the
 * arguments do), or the program alone for a command without arguments.
 */
export function defaultProcessText(command: readonly string[]): string {
  return command.length > 1 ? command.slice(1).join(' ') : (command[0] ?? '');
}

/**
 * Healthy while a process whose command line contains `text` runs and is neither stopped nor a
 * zombie; checked every 10 s, unhealthy after 3 failures.
 */
export function processHealthcheck(text: string): WorkloadHealthcheck {
  return { test: ['CMD', 'sh', PROCESS_CHECK_PATH, text], intervalSec: 10, timeoutSec: 5, retries: 3, startPeriodSec: 10 };
}
