/**
 * The GPU suite (npm run test:gpu): only on a machine with an NVIDIA GPU and the cuda flavour built. It lives
 * outside test/ so `npm test` never collects it; here a missing GPU is a failure, not a skip.
 */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test-gpu'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }] },
  testTimeout: 300000,
  // As in ../jest.config.js: Math and Number passed to module code directly (global lookups in jest's vm
  // context are 40-70x slower).
  sandboxInjectedGlobals: ['Math', 'Number'],
};
