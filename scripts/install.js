#!/usr/bin/env node
/**
 * npm `install` script of myelin. Never downloads anything and never fails the install:
 * 1. cpu flavour: a prebuild in prebuilds/<platform>-<arch>/ for this libc that loads (checked in a child
 *    process) means nothing to compile. Otherwise node-gyp builds it offline (scripts/native-build.js: local
 *    Node-API headers, whatever npm's `nodedir` is). A failed build prints its cause in one paragraph, saves
 *    it in build/myelin-install-failure.txt (the library repeats it in its warning when it falls back to the
 *    reference backend) and the full log in build/myelin-build.log.
 * 2. cuda flavour: a loading prebuild, else `npm run build:cuda` when nvcc is on PATH or in /usr/local/cuda/bin;
 *    absence or failure prints one line.
 * A build/Release/myelin.node that loads and is newer than every native source is kept (so that `npx myelin`
 * in a clone, which installs the clone into npx's cache and so runs this script again, compiles nothing);
 * MYELIN_FORCE_BUILD=1 rebuilds it. MYELIN_SKIP_BUILD=1 skips both builds (prebuilds are still used by the library); MYELIN_SKIP_CUDA_BUILD=1 only
 * the cuda one.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { buildCpu } = require('./native-build');
const { prebuildCandidates, explainLoadError } = require('./prebuild-files');
const { staleReason } = require('./freshness');

const root = path.resolve(__dirname, '..');
const failureFile = path.join(root, 'build', 'myelin-install-failure.txt');

/** Why `file` does not load in a fresh node process, or '' when it loads. */
function loadError(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { encoding: 'utf8', timeout: 60000 });
  if (r.status === 0) return '';
  const text = `${r.stderr || ''}`.split('\n').find((l) => /Error|error/.test(l)) || `exit status ${r.status}`;
  return explainLoadError(text.trim());
}

/** The first prebuild of the flavour that loads here, reporting each one that does not. */
function workingPrebuild(cuda) {
  for (const c of prebuildCandidates(root, cuda)) {
    if (c.skip) {
      console.log(`myelin: prebuild ${path.relative(root, c.file)} skipped: ${c.skip}`);
      continue;
    }
    const err = loadError(c.file);
    if (err === '') return c.file;
    console.log(`myelin: prebuild ${path.relative(root, c.file)} does not load here (${err}); building from source`);
  }
  return null;
}

function writeBuildFile(name, text) {
  try {
    fs.mkdirSync(path.join(root, 'build'), { recursive: true });
    fs.writeFileSync(path.join(root, 'build', name), text);
  } catch {
    /* a read-only package folder: the message printed is all there is */
  }
}

function installCpu() {
  const prebuilt = workingPrebuild(false);
  if (prebuilt) {
    console.log(`myelin: using the prebuilt cpu addon ${path.relative(root, prebuilt)}; nothing to compile`);
    return;
  }
  const built = path.join(root, 'build', 'Release', 'myelin.node');
  const stale = process.env.MYELIN_FORCE_BUILD === '1'
    ? 'MYELIN_FORCE_BUILD=1'
    : staleReason(root, ['build/Release/myelin.node'], ['native/common', 'native/cpu', 'native/gyp-nodedir', 'binding.gyp'], /\.(cc|h|gypi)$|binding\.gyp$/);
  const builtError = stale === '' ? loadError(built) : '';
  if (stale === '' && builtError === '') {
    console.log('myelin: build/Release/myelin.node is up to date with native/ and loads; nothing to compile (MYELIN_FORCE_BUILD=1 rebuilds)');
    return;
  }
  const why = stale || `build/Release/myelin.node does not load: ${builtError}`;
  console.log(`myelin: compiling the cpu addon with node-gyp (offline, about a minute on 2 cores; ${why})...`);
  const started = Date.now();
  const result = buildCpu({ quiet: true });
  if (result.ok) {
    fs.rmSync(failureFile, { force: true });
    console.log(`myelin: cpu addon built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return;
  }
  if (result.output) writeBuildFile('myelin-build.log', result.output);
  const paragraph =
    `building the native cpu addon failed: ${result.cause} ` +
    'myelin will run on its pure-TypeScript reference backend, about 10x slower. To fix it, install what is ' +
    'missing and run `npm rebuild myelin`' +
    (result.output ? ` (full log: ${path.join(root, 'build', 'myelin-build.log')}).` : '.');
  writeBuildFile('myelin-install-failure.txt', paragraph + '\n');
  console.error(`\nmyelin: ${paragraph}\n`);
}

function findNvcc() {
  const dirs = (process.env.PATH || '').split(path.delimiter).concat('/usr/local/cuda/bin');
  return dirs.map((d) => path.join(d, 'nvcc')).find((f) => fs.existsSync(f)) || null;
}

function installCuda() {
  const prebuilt = workingPrebuild(true);
  if (prebuilt) return console.log(`myelin: using the prebuilt cuda flavour ${path.relative(root, prebuilt)}`);
  const cudaDir = path.join(root, 'native', 'cuda');
  const hasSources = fs.existsSync(cudaDir) && fs.readdirSync(cudaDir).some((f) => /\.(cu|cc)$/.test(f));
  if (!hasSources) return console.log('myelin: CUDA flavour: sources not present, skipped');
  const nvcc = findNvcc();
  if (!nvcc) return console.log('myelin: CUDA flavour: nvcc not found (PATH, /usr/local/cuda/bin), skipped; CPU backend only');
  const stale = process.env.MYELIN_FORCE_BUILD === '1'
    ? 'MYELIN_FORCE_BUILD=1'
    : staleReason(root, ['build-cuda/Release/myelin_cuda.node'], ['native/common', 'native/cuda', 'CMakeLists.txt'], /\.(cc|cu|cuh|h|txt)$/);
  if (stale === '') return console.log('myelin: CUDA flavour: build-cuda/Release/myelin_cuda.node is up to date; nothing to compile');
  try {
    require.resolve('cmake-js/package.json', { paths: [root] });
  } catch {
    return console.log('myelin: CUDA flavour: cmake-js (a devDependency) is not installed, skipped; CPU backend only');
  }
  const env = { ...process.env, PATH: `${path.dirname(nvcc)}${path.delimiter}${process.env.PATH || ''}` };
  const r = spawnSync('npm', ['run', 'build:cuda'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) console.log('myelin: CUDA flavour: build failed (see above), skipped; the CPU backend is used');
}

if (process.env.MYELIN_SKIP_BUILD === '1') {
  console.log('myelin: MYELIN_SKIP_BUILD=1, nothing built');
} else {
  installCpu();
  if (process.env.MYELIN_SKIP_CUDA_BUILD === '1') console.log('myelin: MYELIN_SKIP_CUDA_BUILD=1, cuda flavour not built');
  else installCuda();
}
process.exit(0);
