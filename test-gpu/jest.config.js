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
};
