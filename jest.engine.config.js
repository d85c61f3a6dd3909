/**
 * Jest for the real-engine tests (test/engine/*.engine.test.ts): one file at a time, in order, with
 * long timeouts. Run through `npm run test:engine` (scripts/engine/run.sh), which builds the
 * providers and images and starts the engine first.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/engine'],
  testMatch: ['**/*.engine.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  maxWorkers: 1,
  testTimeout: 30 * 60 * 1000,
  // Validate first (no engine state), then the standalone engine, then the swarm.
  testSequencer: '<rootDir>/test/engine/sequencer.js',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
