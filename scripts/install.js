#!/usr/bin/env node
/**
 * npm `install` script of myelin.
 * 1. CPU flavour: nothing to compile when prebuilds/<platform>-<arch>/ holds a matching .node file;
 *    otherwise `node-gyp rebuild` (the node-gyp that npm bundles, else `npx node-gyp`). A failed build
 *    prints what to do and does not fail the install: myelin still runs on its reference backend.
 * 2. CUDA flavour: when its sources exist and nvcc is on PATH or in /usr/local/cuda/bin, runs
 *    `npm run build:cuda`; absence or failure prints one line and the install goes on (exit 0).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function run(cmd, args, extraEnv) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  return r.status === 0;
}

function hasPrebuild() {
  const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  try {
    return fs.readdirSync(dir).some((f) => f.endsWith('.node') && !f.includes('cuda'));
  } catch {
    return false;
  }
}

/** The node-gyp entry script npm bundles, or null. */
function bundledNodeGyp() {
  const fromEnv = process.env.npm_config_node_gyp;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const npmDirs = [];
  if (process.env.npm_execpath) npmDirs.push(path.resolve(path.dirname(process.env.npm_execpath), '..'));
  npmDirs.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'));
  for (const dir of npmDirs) {
    try {
      return require.resolve('node-gyp/bin/node-gyp.js', { paths: [dir] });
    } catch {
      /* try the next place */
    }
  }
  return null;
}

function buildCpu() {
  if (hasPrebuild()) {
    console.log(`myelin: using the prebuilt addon for ${process.platform}-${process.arch}; nothing to compile`);
    return;
  }
  const gyp = bundledNodeGyp();
  const ok = gyp ? run(process.execPath, [gyp, 'rebuild']) : run('npx', ['--yes', 'node-gyp', 'rebuild']);
  if (!ok) {
    console.error(
      '\nmyelin: building the native CPU addon failed (see the compiler output above).\n' +
        '  It needs a C++17 compiler (g++ or clang++), make and python3; then run `npm rebuild myelin`.\n' +
        '  Until then myelin runs on its slower pure-TypeScript backend (MYELIN_BACKEND=reference).\n',
    );
  }
}

function findNvcc() {
  const dirs = (process.env.PATH || '').split(path.delimiter).concat('/usr/local/cuda/bin');
  return dirs.map((d) => path.join(d, 'nvcc')).find((f) => fs.existsSync(f)) || null;
}

function buildCuda() {
  const cudaDir = path.join(root, 'native', 'cuda');
  const hasSources = fs.existsSync(cudaDir) && fs.readdirSync(cudaDir).some((f) => /\.(cu|cc)$/.test(f));
  if (!hasSources) return console.log('myelin: CUDA flavour: sources not present, skipped');
  const nvcc = findNvcc();
  if (!nvcc) return console.log('myelin: CUDA flavour: nvcc not found (PATH, /usr/local/cuda/bin), skipped; CPU backend only');
  const env = { PATH: `${path.dirname(nvcc)}${path.delimiter}${process.env.PATH || ''}` };
  if (!run('npm', ['run', 'build:cuda'], env)) {
    console.log('myelin: CUDA flavour: build failed (see above), skipped; the CPU backend is used');
  }
}

buildCpu();
buildCuda();
process.exit(0);
