/**
 * cdktf's per-token stack traces (constructs/core/cdktf.ts): off once the file is imported, back on with
 * setTokenStackTraces(true) (what WEBCLUSTER_TOKEN_STACK_TRACES=1 does at import), and a token that
 * fails to resolve still fails with cdktf's own error either way.
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

test('off after the import: a new token records no creation stack', () => {
  expect(creationStackOfNewToken()).toEqual([]);
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
