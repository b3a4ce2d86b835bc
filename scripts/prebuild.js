#!/usr/bin/env node
/**
 * `npm run prebuildify`: builds the prebuilt addons shipped in the package, offline, into
 * prebuilds/<platform>-<arch>/ with the names the loader expects (scripts/prebuild-files.js):
 *
 * - `linux-x64/myelin.glibc.node`: the cpu flavour (node-gyp, scripts/native-build.js);
 * - `linux-arm64/myelin.glibc.node`: the same, cross-compiled with Debian's g++-aarch64-linux-gnu
 *   (`aarch64-linux-gnu-g++` on PATH; skipped with a line when absent);
 * - `linux-x64/myelin_cuda.glibc.node`: the cuda flavour (cmake-js + nvcc, cudart static; skipped when nvcc
 *   is absent). It loads without a driver and reports "no GPU" at run time, so the cpu backend is used.
 *
 * Each is built in a temporary copy of the build inputs (the working build/ is left alone) and stripped.
 * `--only=cpu,arm64,cuda` builds a subset. Node-API 8 binaries: one file serves every Node >= 18.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { onPath } = require('./native-build');

const root = path.resolve(__dirname, '..');

/** A temporary folder with the build inputs: scripts and build files copied, sources and dependencies linked. */
function stagingCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-prebuild-'));
  fs.cpSync(path.join(root, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
  for (const f of ['binding.gyp', 'package.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  for (const d of ['native', 'node_modules']) fs.symlinkSync(path.join(root, d), path.join(dir, d));
  return dir;
}

function place(built, platformArch, name, strip) {
  const dir = path.join(root, 'prebuilds', platformArch);
  fs.mkdirSync(dir, { recursive: true });
  const dest = path.join(dir, name);
  fs.copyFileSync(built, dest);
  if (onPath(strip)) spawnSync(strip, ['--strip-unneeded', dest], { stdio: 'inherit' });
  console.log(`prebuild: ${path.relative(root, dest)} (${(fs.statSync(dest).size / 1024).toFixed(0)} KiB)`);
}

/** The cpu flavour for the host, or for arm64 with the cross compiler. */
function cpu(arch) {
  const staging = stagingCopy();
  try {
    const cross = arch === 'arm64' && process.arch !== 'arm64';
    const env = cross
      ? { ...process.env, CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++', LINK: 'aarch64-linux-gnu-g++', AR: 'aarch64-linux-gnu-ar' }
      : process.env;
    // buildCpu runs in the package it lives in: the staging copy's own scripts/native-build.js.
    const { buildCpu: stagedBuild } = require(path.join(staging, 'scripts', 'native-build.js'));
    const result = stagedBuild({ args: [`--arch=${arch}`, `--jobs=${process.env.JOBS || 2}`], env });
    if (!result.ok) throw new Error(`the ${arch} cpu prebuild failed: ${result.cause}`);
    place(path.join(staging, 'build', 'Release', 'myelin.node'), `linux-${arch}`, 'myelin.glibc.node', cross ? 'aarch64-linux-gnu-strip' : 'strip');
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function cuda() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-prebuild-cuda-'));
  try {
    const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
    const r = spawnSync(process.execPath, [cmakeJs, 'rebuild', '--out', out, '--CDMYELIN_FLAVOUR=cuda'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('the cuda prebuild failed (see the output above)');
    place(path.join(out, 'Release', 'myelin_cuda.node'), 'linux-x64', 'myelin_cuda.glibc.node', 'strip');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function main() {
  if (process.platform !== 'linux') throw new Error(`prebuilds are made on linux, this is ${process.platform}`);
  const only = (process.argv.find((a) => a.startsWith('--only=')) || '--only=cpu,arm64,cuda').slice(7).split(',');
  if (only.includes('cpu')) cpu(process.arch);
  if (only.includes('arm64') && process.arch !== 'arm64') {
    if (onPath('aarch64-linux-gnu-g++')) cpu('arm64');
    else console.log('prebuild: linux-arm64 skipped: aarch64-linux-gnu-g++ not on PATH (apt-get install g++-aarch64-linux-gnu)');
  }
  if (only.includes('cuda')) {
    if (onPath('nvcc') || fs.existsSync('/usr/local/cuda/bin/nvcc')) cuda();
    else console.log('prebuild: cuda flavour skipped: nvcc not found');
  }
}

main();
