#!/usr/bin/env node
/**
 * Checks the cross-compiled linux-arm64 prebuild on an x64 machine: Debian's arm64 Node (nodejs:arm64 and
 * its libraries, unpacked with `dpkg -x` into a sysroot, see README "Prebuilds") runs under qemu-user,
 * loads prebuilds/linux-arm64/myelin.glibc.node through the library (dist/), and compares the cpu backend
 * with the reference backend on a matmul and on a short fit of the same model.
 *
 *   node test-consumer/arm64-qemu.js <sysroot>     (default: $MYELIN_ARM64_SYSROOT)
 */
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const sysroot = process.argv[2] || process.env.MYELIN_ARM64_SYSROOT;
if (!sysroot) {
  console.error('usage: node test-consumer/arm64-qemu.js <arm64 sysroot with usr/bin/node>');
  process.exit(2);
}

const CHILD = `
const my = require('./dist/lib/index.js');
function fitOnce(backend) {
  my.setBackend(backend);
  const x = my.randomNormal([64, 8], { seed: 1 }), w = my.randomNormal([8, 3], { seed: 2 });
  const product = my.matmul(x, w).dataSync();
  const model = my.sequential([my.layers.dense({ units: 6, inputShape: [8], activation: 'tanh', kernelInitializer: my.initializers.glorotUniform({ seed: 3 }) }),
                               my.layers.dense({ units: 1, kernelInitializer: my.initializers.glorotUniform({ seed: 4 }) })]);
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const y = my.sum(x, 1, true);
  return model.fit(x, y, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 }).then((h) => ({ product, loss: h.history.loss, info: my.backendInfo() }));
}
(async () => {
  const cpu = await fitOnce('cpu');
  const ref = await fitOnce('reference');
  const diff = (a, b) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
  console.log(JSON.stringify({ arch: process.arch, node: process.version, simd: cpu.info.simd, blas: cpu.info.blas.library,
    matmulMaxDiff: diff(cpu.product, ref.product), lossMaxDiff: diff(cpu.loss, ref.loss), loss: cpu.loss }));
})();
`;

const started = Date.now();
const r = spawnSync('qemu-aarch64', ['-L', sysroot, path.join(sysroot, 'usr', 'bin', 'node'), '-e', CHILD], {
  cwd: repo,
  encoding: 'utf8',
  env: { ...process.env, MYELIN_CPU_ADDON: path.join(repo, 'prebuilds', 'linux-arm64', 'myelin.glibc.node'), MYELIN_CUDA_ADDON: '/nonexistent' },
});
if (r.status !== 0) {
  console.error(`arm64 check failed (status ${r.status}):\n${r.stdout}${r.stderr}`);
  process.exit(1);
}
const result = JSON.parse(r.stdout.trim().split('\n').pop());
console.log(JSON.stringify(result), `${((Date.now() - started) / 1000).toFixed(0)} s`);
if (result.arch !== 'arm64' || result.matmulMaxDiff > 1e-4 || result.lossMaxDiff > 1e-4) process.exit(1);
