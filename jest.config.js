/** Jest: esbuild transform (no type-checking; `npm run typecheck` does that), unit tests only. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' },
  setupFilesAfterEnv: ['<rootDir>/test/setup.js'],
  maxWorkers: 2,
  clearMocks: true,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
