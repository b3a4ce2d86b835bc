/**
 * The CUDA flavour's host-side logic, run without a GPU through `internals()`: the allocator's size classes,
 * the dimension coalescing every strided kernel relies on (checked against brute-force enumeration of the
 * original strided offsets), the optimizer launch's chunk table (every element covered exactly once), and
 * the cuBLAS search (order of the candidate files, and what a bad file reports).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { NativeCudaAddon, NativeCudaInternals } from '../../lib/native/addon-types';
import { packageRoot } from '../../lib/native/loader';

const FILE = path.join(packageRoot(), 'build-cuda', 'Release', 'myelin_cuda.node');
const run = fs.existsSync(FILE) ? describe : describe.skip; // flavour.test.ts fails when nvcc is there but no build

/** Offsets (operand 0, operand 1) visited in row-major order over `shape` with the given strides. */
function enumerate(shape: number[], s0: number[], s1: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const total = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    let rest = i, o0 = 0, o1 = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const idx = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
      o0 += idx * s0[d];
      o1 += idx * s1[d];
    }
    out.push([o0, o1]);
  }
  return out;
}

/** A tiny deterministic generator (LCG) for the random shapes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function contiguous(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
}

run('cuda flavour host logic (no GPU needed)', () => {

  const internals: NativeCudaInternals = (require(FILE) as NativeCudaAddon).internals();

  test('size classes: at least the request, at most 25% (or 512 bytes) more, monotonic, few distinct', () => {
    let prev = 0;
    const classes = new Set<number>();
    for (let bytes = 1; bytes <= 1 << 20; bytes += 1 + Math.floor(bytes / 97)) {
      const c = internals.sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c).toBeLessThanOrEqual(Math.max(512, Math.ceil(bytes * 1.25)));
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
      classes.add(c);
    }
    expect(internals.sizeClass(512)).toBe(512);
    expect(internals.sizeClass(513)).toBe(640);
    expect(internals.sizeClass(4096)).toBe(4096);
    expect(internals.sizeClass(4097)).toBe(5120);
    expect(classes.size).toBeLessThanOrEqual(4 * 12 + 1); // 4 per power of two from 512 B to 1 MiB
    expect(() => internals.sizeClass(-1)).toThrow(/sizeClass: argument 'bytes' must be an integer/);
  });

  test('coalescing visits exactly the original offsets, in order, on 300 random strided spaces', () => {
    const rnd = lcg(12345);
    for (let trial = 0; trial < 300; trial++) {
      const rank = 1 + Math.floor(rnd() * 5);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(rnd() * 4));
      // Operand strides: contiguous, broadcast (0 on random dims), transposed, or a slice of a larger array.
      const make = (): number[] => {
        const kind = Math.floor(rnd() * 4);
        const base = contiguous(shape);
        if (kind === 0) return base;
        if (kind === 1) return base.map((s) => (rnd() < 0.4 ? 0 : s));
        if (kind === 2) return contiguous([...shape].reverse()).reverse();
        return contiguous(shape.map((n) => n + 1));
      };
      const s0 = make(), s1 = make();
      const c = internals.coalesce(shape, s0, s1);
      expect(c.dim.length).toBeGreaterThanOrEqual(1);
      expect(c.dim.length).toBeLessThanOrEqual(rank);
      expect(c.dim.every((d) => d > 1) || (c.dim.length === 1 && c.dim[0] === 1)).toBe(true);
      expect(enumerate(c.dim, c.s0, c.s1)).toEqual(enumerate(shape, s0, s1));
    }
  });

  test('coalescing merges contiguous and broadcast runs into one dimension', () => {
    expect(internals.coalesce([2, 3, 4], [12, 4, 1], [12, 4, 1])).toEqual({ dim: [24], s0: [1], s1: [1] });
    expect(internals.coalesce([2, 3, 4], [12, 4, 1], [0, 0, 1])).toEqual({ dim: [6, 4], s0: [4, 1], s1: [0, 1] });
    expect(internals.coalesce([1, 1], [1, 1], [1, 1])).toEqual({ dim: [1], s0: [0], s1: [0] });
  });

  test('the optimizer chunk table covers every element of every tensor exactly once', () => {
    const lengths = [1, 0, 65536, 65537, 3 * 65536 + 5, 129];
    const chunk = internals.optimizerChunk;
    expect(chunk).toBe(65536);
    const table = internals.splitChunks(lengths, chunk);
    const covered = lengths.map((n) => new Uint8Array(n));
    for (const [t, begin, len] of table) {
      expect(len).toBeGreaterThan(0);
      expect(len).toBeLessThanOrEqual(chunk);
      for (let i = begin; i < begin + len; i++) covered[t][i]++;
    }
    for (const c of covered) expect(c.every((x) => x === 1)).toBe(true);
    expect(table.length).toBe(1 + 1 + 2 + 4 + 1);
    expect(internals.splitChunks([], chunk)).toEqual([]);
  });

  test('optimizer chunks give every SM several blocks, in whole granules, within the largest chunk', () => {
    const { optimizerChunkFor: chunkFor, optimizerGranule: granule, optimizerChunk: largest } = internals;
    expect(granule).toBe(2048);
    // 784-512-512-10 (669,706 parameters) on 132 SMs: the smallest chunk, so about 330 blocks instead of 15.
    expect(chunkFor(669706, 132)).toBe(granule);
    // 1024-4096-4096-1024 (25,175,040 parameters): 47,680 per block for 528 blocks, rounded up to 24 granules.
    expect(chunkFor(25175040, 132)).toBe(24 * granule);
    expect(chunkFor(1e9, 132)).toBe(largest);
    expect(chunkFor(0, 132)).toBe(granule);
    expect(chunkFor(41, 1)).toBe(granule);
    for (const [total, sms] of [[1, 1], [5e6, 108], [3e7, 132], [123457, 7]]) {
      const c = chunkFor(total, sms);
      expect(c % granule).toBe(0);
      expect(c).toBeGreaterThanOrEqual(granule);
      expect(c).toBeLessThanOrEqual(largest);
      // In between the bounds: the elements per block for 4 blocks per SM, rounded up to a granule.
      const perBlock = Math.ceil(total / (4 * sms));
      if (c > granule && c < largest) expect(c - granule < perBlock && perBlock <= c).toBe(true);
    }
  });

  test('cuBLASLt is looked for beside the cuBLAS that loaded', () => {
    expect(internals.cublasLtFile('libcublas.so.13')).toBe('libcublasLt.so.13');
    expect(internals.cublasLtFile('/usr/local/cuda/lib64/libcublas.so.12')).toBe('/usr/local/cuda/lib64/libcublasLt.so.12');
    expect(internals.cublasLtFile('/opt/x/libcublas.so')).toBe('/opt/x/libcublasLt.so');
    expect(internals.cublasLtFile('/opt/x/my-blas.so')).toBe('');
  });

  test('cuBLAS candidates: the loader path first, then CUDA_HOME, CUDA_PATH and the /usr/local/cuda folders; .13 before .12', () => {
    // The addon reads the real environment (getenv), which jest's process.env does not reach: ask a child.
    const script = `console.log(JSON.stringify(require(${JSON.stringify(FILE)}).internals().cublasCandidates('')))`;
    const env = { ...process.env, CUDA_HOME: '/opt/cuda-home', CUDA_PATH: '/opt/cuda-path' };
    const got = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' })) as string[];
    expect(got).toEqual([
      'libcublas.so.13', 'libcublas.so.12',
      '/opt/cuda-home/lib64/libcublas.so.13', '/opt/cuda-home/lib64/libcublas.so.12',
      '/opt/cuda-path/lib64/libcublas.so.13', '/opt/cuda-path/lib64/libcublas.so.12',
      '/usr/local/cuda/lib64/libcublas.so.13', '/usr/local/cuda/lib64/libcublas.so.12',
      '/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13', '/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.12',
    ]);
    expect(internals.cublasCandidates('/x/libcublas.so')).toEqual(['/x/libcublas.so']);
  });

  test('cuBLAS probe: a file that is not a library, a missing file and "builtin" are reported, nothing loads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-cublas-'));
    const fake = path.join(dir, 'libcublas.so.13');
    fs.writeFileSync(fake, 'not an ELF file');
    try {
      const bad = internals.cublasProbe(fake);
      expect(bad).toMatchObject({ loaded: false, path: null, version: null });
      expect(bad.tried).toHaveLength(1);
      expect(bad.tried[0]).toMatch(new RegExp(`^${fake.replace(/[.]/g, '\\.')}: dlopen failed: `));
      const missing = internals.cublasProbe(path.join(dir, 'nope.so'));
      expect(missing.tried[0]).toMatch(/dlopen failed: .*No such file/);
      expect(internals.cublasProbe('builtin')).toEqual({ loaded: false, path: null, version: null, tried: ['builtin: cuBLAS not used (requested)'] });
      // The usual search: whatever this machine has, every candidate is accounted for until one loads.
      const usual = internals.cublasProbe('');
      const n = internals.cublasCandidates('').length;
      expect(usual.tried.length).toBe(usual.loaded ? usual.tried.findIndex((t) => t.endsWith(': loaded')) + 1 : n);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
