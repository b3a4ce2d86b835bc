#!/usr/bin/env node
/**
 * npm `prepare` (runs on `npm install` in a clone, `npm pack`, and when `npx myelin` installs the clone into
 * npx's cache): compiles the TypeScript (`npm run build:ts`) unless dist/ is newer than every source, and
 * says which it did. MYELIN_FORCE_BUILD=1 always compiles.
 */
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const { staleReason } = require('./freshness');

const root = path.resolve(__dirname, '..');
const why = process.env.MYELIN_FORCE_BUILD === '1'
  ? 'MYELIN_FORCE_BUILD=1'
  : staleReason(root, ['dist/lib/index.js', 'dist/esm/index.mjs'], ['lib', 'benchmarks', 'examples', 'tsconfig.json', 'scripts/write-esm-entry.js'], /\.(ts|json|js)$/);
if (why === '') {
  console.log('myelin: dist/ is up to date with lib/ (MYELIN_FORCE_BUILD=1 recompiles); TypeScript not compiled');
} else {
  console.log(`myelin: compiling the TypeScript (${why})`);
  const r = spawnSync('npm', ['run', 'build:ts'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}
