#!/usr/bin/env node
/**
 * The consumer test (CI runs it from .ci/run): what a user of the published package gets.
 * 1. `npm pack` (prepare compiles dist/), then checks the tarball: LICENSE, README, dist, the install
 *    scripts and prebuilds are in; tests, benchmarks, examples, the CUDA emulator and source maps are not.
 *    Prints its size and file count.
 * 2. Installs the tarball into a fresh temporary project, offline (`--offline`; the two dependencies,
 *    node-addon-api and node-api-headers, packed from this repository's node_modules, as npm's cache may not
 *    hold them) with no C++ compiler on PATH and npm's nodedir pointing nowhere; the prebuild must serve
 *    (backend cpu).
 * 3. Runs a CommonJS script (train on iris, save, load: same predictions), an ES module script, and a strict
 *    TypeScript file type-checked without Node's types by TypeScript 5.9, 6.0 and 7, then run.
 * Exits non-zero at the first failure. `--keep` leaves the temporary folder. The TypeScript compilers are the
 * dev dependencies `typescript-5.9`, `typescript` and `typescript-7` of this repository's node_modules, or of the
 * folder MYELIN_CONSUMER_TS_MODULES names (a node_modules of their own, for a checkout whose shared
 * node_modules predates them).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const fixtures = path.join(__dirname, 'fixtures');
const compilers = [
  ['5.9', 'typescript-5.9'],
  ['6.0', 'typescript'],
  ['7', 'typescript-7'],
];

function fail(message) {
  console.error(`consumer test: FAILED: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}${r.error ? ` (${r.error.message})` : ''}:\n${out}`);
  return { out, stdout: r.stdout || '', seconds: (Date.now() - started) / 1000 };
}

/** A PATH folder with node, npm and sh but no C++ compiler (or make): an install must use the prebuild. */
function pathWithoutCompiler(dir) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const tool of ['node', 'npm', 'sh']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!found) fail(`${tool} is not on PATH`);
    fs.symlinkSync(fs.realpathSync(found), path.join(bin, tool));
  }
  return bin;
}

function compilerFolders() {
  const extra = process.env.MYELIN_CONSUMER_TS_MODULES;
  return [path.join(repo, 'node_modules'), ...(extra ? [path.resolve(extra)] : [])];
}

/** The tsc of package `pkg`: from this repository's node_modules, else MYELIN_CONSUMER_TS_MODULES. */
function compilerPath(pkg) {
  for (const dir of compilerFolders()) {
    const tsc = path.join(dir, pkg, 'bin', 'tsc');
    if (fs.existsSync(tsc)) return tsc;
  }
  return null;
}

function checkTarball(info) {
  const files = info.files.map((f) => f.path);
  // The install script and every module it requires.
  const must = ['LICENSE', 'README.md', 'package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/esm/index.mjs', 'binding.gyp',
    'scripts/install.js', 'scripts/native-build.js', 'scripts/prebuild-files.js', 'scripts/freshness.js', 'native/gyp-nodedir/include/node/common.gypi'];
  for (const f of must) if (!files.includes(f)) fail(`the tarball lacks ${f}`);
  const banned = files.filter((f) => /^(test|test-gpu|test-consumer|benchmarks|examples|dist\/benchmarks|dist\/examples|dist\/test|native\/cuda-emu)\/|\.map$|\.tsbuildinfo$/.test(f));
  if (banned.length > 0) fail(`the tarball holds files users do not need: ${banned.slice(0, 10).join(', ')}`);
  const prebuilds = files.filter((f) => f.startsWith('prebuilds/'));
  console.log(`tarball: ${info.filename}, ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${files.length} files; prebuilds: ${prebuilds.join(', ') || 'none'}`);
  return prebuilds;
}

function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-consumer-'));
  const t0 = Date.now();
  const pack = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: repo });
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
  const prebuilds = checkTarball(info);
  const hasPrebuild = prebuilds.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/myelin.`));
  console.log(`npm pack: ${pack.seconds.toFixed(0)} s`);

  const project = path.join(tmp, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'myelin-consumer', version: '1.0.0', private: true }, null, 2));
  for (const f of fs.readdirSync(fixtures)) fs.copyFileSync(path.join(fixtures, f), path.join(project, f));
  const env = { ...process.env, npm_config_nodedir: '/nonexistent/node-headers', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' };
  delete env.MYELIN_CPU_ADDON;
  delete env.MYELIN_CUDA_ADDON;
  delete env.MYELIN_BACKEND;
  if (hasPrebuild) env.PATH = pathWithoutCompiler(tmp);
  const deps = Object.keys(require(path.join(repo, 'package.json')).dependencies).map((name) => {
    const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp, path.join(repo, 'node_modules', name)], { cwd: tmp });
    return path.join(tmp, JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0].filename);
  });
  const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', path.join(tmp, info.filename), ...deps], { cwd: project, env });
  if (hasPrebuild && !/using the prebuilt cpu addon/.test(install.out)) fail(`the install did not use the prebuild:\n${install.out}`);
  console.log(`npm install (offline, ${hasPrebuild ? 'no compiler on PATH' : 'compiling'}): ${install.seconds.toFixed(0)} s`);

  const runEnv = { ...env, MYELIN_REQUIRE_NATIVE: '1' };
  const results = [];
  for (const script of ['train.cjs', 'train.mjs']) results.push(JSON.parse(run('node', [script], { cwd: project, env: runEnv }).stdout.trim().split('\n').pop()));
  for (const [label, pkg] of compilers) {
    const tsc = compilerPath(pkg);
    if (!tsc) fail(`TypeScript ${label} (${pkg}) is not installed in ${compilerFolders().join(' or ')}; run npm install`);
    const version = run('node', [tsc, '--version']).stdout.trim();
    fs.rmSync(path.join(project, 'out'), { recursive: true, force: true });
    run('node', [tsc, '-p', 'tsconfig.json'], { cwd: project, env: runEnv });
    const r = JSON.parse(run('node', ['out/strict.js'], { cwd: project, env: runEnv }).stdout.trim().split('\n').pop());
    results.push({ ...r, typescript: version });
  }
  for (const r of results) {
    console.log(JSON.stringify(r));
    if (hasPrebuild && r.backend !== 'cpu') fail(`${r.kind} ran on ${r.backend}, expected cpu`);
  }
  const cjs = results[0];
  if (!cjs.sameAfterLoad) fail('the loaded model predicts differently');
  if (!(cjs.accuracy >= 0.9)) fail(`iris accuracy ${cjs.accuracy} < 0.9`);
  console.log(`consumer test: passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (process.argv.includes('--keep')) console.log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}

main();
