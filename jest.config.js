/** Jest runs the TypeScript sources directly through ts-jest. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }] },
  testTimeout: 60000,
  // Module code sees the sandbox's own Math and Number as wrapper parameters instead of globals of the vm
  // context: each global lookup there goes through the context's interceptors (nodejs/node#31658,
  // jestjs/jest#5163), which made the float64 reference kernels and the test helpers' loops (Math.sqrt,
  // Math.abs, Math.imul, Number.isNaN per element) 40-70x slower than in plain node. Same objects, same realm.
  sandboxInjectedGlobals: ['Math', 'Number'],
};
