/**
 * Every long-running container and Swarm service of the default Docker stacks has a health check
 * that tests something: no `NONE`, no check that cannot fail (`true`, `exit 0`, `|| true`). One-shot
 * tasks (must_run false) exit instead and have none.
 */
import { resourcesOf } from '../util';
import { synthDefaultStacks } from './default-stacks';

interface Healthcheck {
  readonly test?: string[];
}

/** Why a health check tests nothing, or undefined when it tests something. */
function trivial(h: Healthcheck | undefined): string | undefined {
  const test = h?.test ?? [];
  if (test.length < 2 || test[0] === 'NONE') return 'no health check';
  const command = test.slice(1).join(' ').trim();
  if (/^(\/bin\/|\/usr\/bin\/)?(true|:)$|^exit 0$/.test(command)) return `a check that cannot fail: ${command}`;
  if (test[0] === 'CMD-SHELL' && /(\|\||;)\s*(true|:|exit 0)\s*$/.test(command)) return `a check whose failure is masked: ${command}`;
  return undefined;
}

describe('health checks of the default Docker stacks', () => {
  const stacks = synthDefaultStacks('docker');

  test('the default Docker stacks include a Swarm stack and workers, schedulers and Fluent Bit', () => {
    const names = stacks.flatMap((s) => [...resourcesOf(s.json, 'docker_container'), ...resourcesOf(s.json, 'docker_service')].map((r) => String(r.name)));
    expect(stacks.some((s) => resourcesOf(s.json, 'docker_service').length > 0)).toBe(true);
    for (const role of ['app-worker', 'app-scheduler', 'fluent-bit']) expect(names.some((n) => n.includes(`-${role}`))).toBe(true);
  });

  test.each(stacks.map((s) => [s.name, s]))('%s: every long-running container and service has a health check that can fail', (_name, { json }) => {
    const containers = resourcesOf(json, 'docker_container');
    const services = resourcesOf(json, 'docker_service');
    const longRunning = containers.filter((c) => c.must_run !== false);
    expect(longRunning.length + services.length).toBeGreaterThan(0);
    const problems = [
      ...longRunning.map((c) => [c.name, trivial(c.healthcheck as Healthcheck | undefined)]),
      ...services.map((s) => [s.name, trivial((s.task_spec as { container_spec: { healthcheck?: Healthcheck } }).container_spec.healthcheck)]),
    ].filter(([, problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  test('the rule itself: checks that cannot fail are caught, real ones pass', () => {
    expect(trivial(undefined)).toBe('no health check');
    expect(trivial({ test: ['NONE'] })).toBe('no health check');
    expect(trivial({ test: ['CMD', 'true'] })).toBe('a check that cannot fail: true');
    expect(trivial({ test: ['CMD-SHELL', 'exit 0'] })).toBe('a check that cannot fail: exit 0');
    expect(trivial({ test: ['CMD-SHELL', 'pgrep php || true'] })).toBe('a check whose failure is masked: pgrep php || true');
    expect(trivial({ test: ['CMD', 'sh', '/usr/local/lib/webcluster/process-check', 'bin/console messenger:consume'] })).toBeUndefined();
    expect(trivial({ test: ['CMD-SHELL', 'wget -qO- http://127.0.0.1:8000/ >/dev/null || curl -fsS http://127.0.0.1:8000/ >/dev/null'] })).toBeUndefined();
  });
});
