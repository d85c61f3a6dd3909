/** Jest: esbuild transform (no type-checking; `npm run typecheck` does that), unit tests only. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The pack-and-consume test takes ~20 s and its own npm script (npm run test:package, run by CI);
  // the real-engine tests have theirs too (npm run test:engine, jest.engine.config.js).
  testPathIgnorePatterns: ['/test/engine/', ...(process.env.WEBCLUSTER_PACKAGE_TEST ? [] : ['/test/package.test.ts'])],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  setupFilesAfterEnv: ['<rootDir>/test/setup.js'],
  // A directory for one run: the default stacks are synthesized once and shared (test/stacks/default-stacks.ts).
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  maxWorkers: 2,
  // The slowest files first also when jest has no timings of an earlier run (test/sequencer.js).
  testSequencer: '<rootDir>/test/sequencer.js',
  clearMocks: true,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
