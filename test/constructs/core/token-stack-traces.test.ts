/**
 * cdktf's per-token stack traces (constructs/core/token-stack-traces.ts, part of the cdktf layer): off
 * once the layer is imported, back on with setTokenStackTraces(true) or WEBCLUSTER_TOKEN_STACK_TRACES=1
 * at import, and a token that fails to resolve still fails with cdktf's own error either way. The jest
 * setup (test/setup.js) turns them off for every test file too, so the import cases run in a fresh
 * module registry.
 */
import { Lazy, setTokenStackTraces, TerraformStack, Tokenization } from '../../../constructs/core/cdktf';
import { Testing } from 'cdktf';

/** The creation stack cdktf recorded for a new token. */
function creationStackOfNewToken(): string[] {
  const token = Lazy.stringValue({ produce: () => 'x' });
  const resolvable = Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] };
  return resolvable.creationStack;
}

afterEach(() => setTokenStackTraces(false));

/** The creation stack of a new token, with only the layer imported into a fresh module registry. */
function creationStackInFreshRegistry(env: string | undefined): string[] {
  const before = process.env.WEBCLUSTER_TOKEN_STACK_TRACES;
  let stack: string[] = [];
  try {
    if (env === undefined) delete process.env.WEBCLUSTER_TOKEN_STACK_TRACES;
    else process.env.WEBCLUSTER_TOKEN_STACK_TRACES = env;
    jest.isolateModules(() => {
      const layer = require('../../../constructs/core/cdktf') as typeof import('../../../constructs/core/cdktf');
      const token = layer.Lazy.stringValue({ produce: () => 'x' });
      stack = (layer.Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] }).creationStack;
    });
  } finally {
    if (before === undefined) delete process.env.WEBCLUSTER_TOKEN_STACK_TRACES;
    else process.env.WEBCLUSTER_TOKEN_STACK_TRACES = before;
  }
  return stack;
}

test('off after the import: a new token records no creation stack', () => {
  expect(creationStackInFreshRegistry(undefined)).toEqual([]);
  expect(creationStackOfNewToken()).toEqual([]);
});

test('on at import with WEBCLUSTER_TOKEN_STACK_TRACES=1', () => {
  expect(creationStackInFreshRegistry('1').some((frame) => frame.includes('token-stack-traces.test'))).toBe(true);
});

test('on with setTokenStackTraces(true): the creation stack names this test file', () => {
  setTokenStackTraces(true);
  expect(creationStackOfNewToken().some((frame) => frame.includes('token-stack-traces.test'))).toBe(true);
});

test('a token that fails to resolve fails the synth with or without traces', () => {
  for (const on of [false, true]) {
    setTokenStackTraces(on);
    const stack = new TerraformStack(Testing.app(), `s${String(on)}`);
    stack.addOverride('locals.broken', Lazy.stringValue({ produce: () => { throw new Error('cannot produce'); } }));
    expect(() => Testing.synth(stack)).toThrow(/cannot produce/);
  }
});
