/**
 * The health check of workers and schedulers (constructs/docker/scripts/health/process-check): it
 * passes shellcheck, and under a POSIX shell it finds a running process by its command line, and
 * fails for none, for a stopped one and for bad usage.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HEALTH_SCRIPTS_DIR } from '../../../constructs/docker/private/process-check';
import { runTool } from '../../tools';

const SCRIPT = path.join(HEALTH_SCRIPTS_DIR, 'process-check');

function check(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync('sh', [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

test('the health scripts are the process check, which passes shellcheck', () => {
  expect(fs.readdirSync(HEALTH_SCRIPTS_DIR)).toEqual(['process-check']);
  const result = runTool('shellcheck', [SCRIPT]);
  expect(result.output).toBe('');
  expect(result.status).toBe(0);
});

describe('under a POSIX shell', () => {
  let child: ChildProcess | undefined;
  // A distinctive command line: sleep with arguments nobody else uses.
  const marker = `${3000 + (process.pid % 1000)}.25`;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  test('healthy while a process with the text in its command line runs', async () => {
    child = spawn('sleep', [marker], { stdio: 'ignore' });
    await new Promise((resolve) => child?.once('spawn', resolve));
    const r = check(`sleep ${marker}`);
    expect(r.stdout).toBe(`process ${child.pid} runs (state S): sleep ${marker} \n`);
    expect(r.status).toBe(0);
  });

  test('unhealthy when no process has it (its own command line does not count)', () => {
    expect(check(`sleep ${marker}`)).toEqual({ status: 1, stdout: `no process runs: sleep ${marker}\n` });
  });

  test('unhealthy when the process is stopped', async () => {
    child = spawn('sleep', [marker], { stdio: 'ignore' });
    await new Promise((resolve) => child?.once('spawn', resolve));
    child.kill('SIGSTOP');
    // The state changes asynchronously; read it until it shows.
    const stat = (): string => fs.readFileSync(`/proc/${child?.pid}/stat`, 'utf8');
    while (!/\) T /.test(stat())) await new Promise((resolve) => setImmediate(resolve));
    expect(check(`sleep ${marker}`)).toEqual({ status: 1, stdout: `process ${child.pid} is in state T: sleep ${marker} \n` });
  });

  test('an outer process whose command line holds the text (docker-init, an entrypoint shell) does not count: its stopped child fails the check', async () => {
    // `; :` keeps the shell from exec-ing sleep, so the shell stays the parent, as docker-init does.
    child = spawn('sh', ['-c', `sleep ${marker}; :`], { stdio: 'ignore' });
    await new Promise((resolve) => child?.once('spawn', resolve));
    const sleeper = (): number | undefined =>
      fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .map(Number)
        .find((p) => {
          try {
            return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') === `sleep\0${marker}\0`;
          } catch {
            return false;
          }
        });
    while (sleeper() === undefined) await new Promise((resolve) => setImmediate(resolve));
    const pid = sleeper() as number;
    expect(check(`sleep ${marker}`)).toEqual({ status: 0, stdout: `process ${pid} runs (state S): sleep ${marker} \n` });
    process.kill(pid, 'SIGSTOP');
    try {
      while (!/\) T /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))) await new Promise((resolve) => setImmediate(resolve));
      expect(check(`sleep ${marker}`)).toEqual({ status: 1, stdout: `process ${pid} is in state T: sleep ${marker} \n` });
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  test.each([[[]], [['']], [['a', 'b']]])('usage error for arguments %j', (args) => {
    expect(check(...args)).toEqual({ status: 2, stdout: 'usage: process-check <command line>\n' });
  });
});
