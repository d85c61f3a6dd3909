// Jest test order. With timings of an earlier run in its cache, jest runs the slowest files first
// (and files that failed before them), which keeps both workers busy to the end. Without them (a fresh
// clone, a CI job without the cache directory) it orders by file size, and the slowest files, which
// spawn processes and are small, would start last and run alone. Then the files below go first, slowest
// first (seconds per file in a 2-worker run on the 2-core machine, issue 14: cdktf-cli 7.6, release 3.2,
// main 3.1, build-script 2.9, vcl 2.8, list-stacks 2.8, props-docs 2.5, encryption-key 1.5, host-assets
// 1.4, architecture 1.3); the others keep jest's order.
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const SLOW_FIRST = [
  'test/cdktf-cli.test.ts',
  'test/release.test.ts',
  'test/main.test.ts',
  'test/build-script.test.ts',
  'test/constructs/core/vcl.test.ts',
  'test/list-stacks.test.ts',
  'test/props-docs.test.ts',
  'test/stacks/encryption-key.test.ts',
  'test/constructs/aws/host-assets.test.ts',
  'test/architecture.test.ts',
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (tests.some((test) => this.time(test) !== undefined)) return sorted;
    const rank = (test) => {
      const i = SLOW_FIRST.indexOf(path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/'));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirstSequencer;
