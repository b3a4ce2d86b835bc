#!/usr/bin/env node
// npm run test:cuda-emu: the cuda suites (the ones benchmarks/gpu/run-on-gpu.sh runs on a GPU) on the host
// emulator build of the cuda flavour (npm run build:cuda-emu, native/cuda-emu), so that the flavour's kernels,
// entry points, allocator, staging and graph capture are tested where there is no GPU. Extra arguments go to
// both jest runs (e.g. -t pattern).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const addon = path.join(root, 'build-cuda-emu', 'Release', 'myelin_cuda.node');
if (!fs.existsSync(addon)) {
  console.error(`test:cuda-emu: ${path.relative(root, addon)} is missing; build it first with npm run build:cuda-emu`);
  process.exit(1);
}
const env = {
  ...process.env,
  MYELIN_CUDA_ADDON: addon,
  MYELIN_CUBLAS: 'builtin',     // the emulator has no cuBLAS; said here so that backendInfo does not search
  MYELIN_TEST_BACKENDS: 'cuda', // the other backends are tested by npm test
  MYELIN_REQUIRE_CUDA: '1',     // a cuda backend that does not load fails the suites instead of skipping them
};
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const extra = process.argv.slice(2);
// The suites run with the device's work deferred until the host waits for it (MYELIN_CUDA_EMU_ASYNC=1: host
// code that reuses memory a queued copy still reads shows) and guard pages after every buffer; then the kernel
// conformance suite runs again with work run at once, guard pages before every buffer, and the threads of a
// block in reverse order between barriers (a missing __syncthreads shows in one of the two orders).
const runs = [
  [{ MYELIN_CUDA_EMU_ASYNC: '1' }, ['test/cuda', 'test/conformance', 'test/ops', 'test/models/step-replay.test.ts', 'test/backend/recorder.test.ts']],
  [{ MYELIN_CUDA_EMU_ASYNC: '1' }, ['-c', 'test-gpu/jest.config.js']],
  [{ MYELIN_CUDA_EMU_ORDER: 'reverse', MYELIN_CUDA_EMU_GUARD: 'front' }, ['test/conformance']],
];
for (const [more, args] of runs) {
  if (more.MYELIN_CUDA_EMU_ORDER) console.log('test:cuda-emu: conformance again, work run at once, guard pages in front, threads in reverse order');
  const r = spawnSync(process.execPath, [jest, ...args, ...extra], { cwd: root, env: { ...env, ...more }, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
