/**
 * Device-level behaviour only a GPU can show: the caching allocator reaches a steady state (more training
 * steps make no more cudaMalloc calls), out-of-memory is a recoverable BackendError, the tiled GEMM matches cuBLAS for
 * every transpose on awkward sizes, and the optimizer step is one launch whatever the number of tensors
 * (checked by result: 300 tensors of mixed sizes updated like the cpu backend).
 */
import { createCpuBackend } from '../lib/backend/cpu';
import { loadCudaFlavour } from '../lib/backend/cuda';
import { BackendError } from '../lib/errors';
import { trainMlp } from '../benchmarks/gpu/mlp';
import { requireCuda } from './require-gpu';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function maxRelErr(got: Float32Array, want: Float32Array, scale: number): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]) / scale);
  return m;
}

describe('cuda device behaviour', () => {
  const { backend: gpu, native } = requireCuda();
  const addon = loadCudaFlavour();

  test('allocator steady state: training steps stop calling cudaMalloc (40 steps allocate no more than 8)', () => {
    // Counted over whole runs after a warm-up run, so that blocks released late (by the garbage collector's
    // finalizers rather than dispose) cannot make the count depend on when the collector ran.
    const spec = { layers: [32, 64, 10], batch: 16, samples: 64, steps: 8, seed: 3 };
    trainMlp(spec, { name: 'cuda' });
    const c0 = addon.memoryInfo().mallocCalls;
    trainMlp(spec, { name: 'cuda' });
    const short = addon.memoryInfo().mallocCalls - c0;
    trainMlp({ ...spec, steps: 40 }, { name: 'cuda' });
    const long = addon.memoryInfo().mallocCalls - c0 - short;
    expect(long).toBeLessThanOrEqual(short);
  });

  test('out of memory is a BackendError with code ERR_MYELIN_CUDA_OOM, and the device stays usable', () => {
    let caught: unknown;
    try {
      gpu.alloc(Math.ceil(native.memoryBytes / 2)); // 2x the device memory in bytes
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BackendError);
    expect((caught as { code?: string }).code).toBe('ERR_MYELIN_CUDA_OOM');
    const h = gpu.upload(Float32Array.from([1, 2, 3]));
    expect(Array.from(gpu.download(h))).toEqual([1, 2, 3]);
    gpu.free(h);
  });

  test.each([[false, false], [true, false], [false, true], [true, true]])(
    'tiled GEMM = cpu GEMM (transA %s, transB %s) on sizes around the 64 x 64 x 16 tile',
    (ta, tb) => {
      const { backend: tiled } = requireCuda({ cublas: 'builtin' });
      const { backend: cpu } = createCpuBackend();
      const r = rng(ta ? (tb ? 4 : 3) : tb ? 2 : 1);
      for (const [m, n, k] of [[1, 1, 1], [63, 65, 17], [64, 64, 16], [130, 7, 300], [5, 257, 33]]) {
        const a = Float32Array.from({ length: m * k }, r), b = Float32Array.from({ length: k * n }, r);
        const c0 = Float32Array.from({ length: m * n }, r);
        for (const [alpha, beta] of [[1, 0], [0.5, 2]]) {
          const want = cpu.upload(c0);
          cpu.gemm(a, b, want, m, n, k, ta, tb, alpha, beta);
          const [da, db, dc] = [tiled.upload(a), tiled.upload(b), tiled.upload(c0)];
          tiled.gemm(da, db, dc, m, n, k, ta, tb, alpha, beta);
          expect(maxRelErr(tiled.download(dc), want, Math.max(1, k * 0.25))).toBeLessThan(1e-5);
          [da, db, dc].forEach((h) => tiled.free(h));
        }
      }
    },
  );

  test('one optimizer call updates 300 tensors of mixed sizes like the cpu backend', () => {
    const { backend: cpu } = createCpuBackend();
    const r = rng(9);
    const sizes = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? 70000 + i : 1 + ((i * 37) % 500)));
    const host = sizes.map((n) => ({ p: Float32Array.from({ length: n }, r), g: Float32Array.from({ length: n }, r) }));
    const cp = host.map((h) => h.p.slice()), cm = sizes.map((n) => new Float32Array(n)), cv = sizes.map((n) => new Float32Array(n));
    const dp = host.map((h) => gpu.upload(h.p)), dg = host.map((h) => gpu.upload(h.g));
    const dm = sizes.map((n) => gpu.alloc(n)), dv = sizes.map((n) => gpu.alloc(n));
    // Each backend's [learningRate, stepsDone] buffer: the steps read their step number there and advance it.
    const ch = Float32Array.from([1e-2, 0]), dh = gpu.upload(Float32Array.from([1e-2, 0]));
    for (let t = 1; t <= 3; t++) {
      cpu.adamStep(cp, host.map((h) => h.g), cm, cv, [], ch, 0.9, 0.999, 1e-7, 0.01, true, true);
      gpu.adamStep(dp, dg, dm, dv, [], dh, 0.9, 0.999, 1e-7, 0.01, true, true);
    }
    dp.forEach((h, i) => expect(maxRelErr(gpu.download(h), cp[i], 1)).toBeLessThan(1e-6));
    expect(Array.from(gpu.download(dh))).toEqual([Math.fround(1e-2), 3]);
    [...dp, ...dg, ...dm, ...dv, dh].forEach((h) => gpu.free(h));
  });
});
