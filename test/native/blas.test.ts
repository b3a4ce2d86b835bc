/** BLAS selection: MYELIN_BLAS=builtin versus the library found (OpenBLAS here), and the info fields. */
import * as fs from 'fs';
import { createCpuBackend } from '../../lib/backend/cpu';
import { loadCpuAddon } from '../../lib/native/loader';

const addon = loadCpuAddon();
const hasOpenBlas = ['/usr/lib/x86_64-linux-gnu/libopenblas.so.0', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0']
  .some((f) => fs.existsSync(f));

describe('cpu info and BLAS selection', () => {
  afterAll(() => addon.init({}));

  it('reports the processor, threads and SIMD level', () => {
    const info = addon.init({ blas: 'builtin' });
    expect(info.flavour).toBe('cpu');
    expect(info.device.length).toBeGreaterThan(0);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(['avx512', 'avx2', 'scalar']).toContain(info.simd);
    expect(info.blas).toEqual({ library: 'builtin', path: null });
    expect(info.tried).toEqual(['builtin: requested']);
  });

  it('caps threads', () => {
    expect(addon.init({ blas: 'builtin', threads: 1 }).threads).toBe(1);
  });

  (hasOpenBlas ? it : it.skip)('finds OpenBLAS first and records the try', () => {
    const info = addon.init({});
    expect(info.blas.library).toBe('openblas');
    expect(info.blas.path).toMatch(/openblas/);
    expect(info.tried[info.tried.length - 1]).toMatch(/: loaded$/);
  });

  it('an explicit path that cannot load is an error naming it', () => {
    expect(() => addon.init({ blas: '/nonexistent/libfoo.so' })).toThrow(/libfoo\.so.*dlopen failed.*No such file.*MYELIN_BLAS/);
    // A library that loads but is no CBLAS (the C math library): named with the symbol it lacks.
    expect(() => addon.init({ blas: 'libm.so.6' })).toThrow(/libm\.so\.6: exports no cblas_sgemm\); set MYELIN_BLAS to a CBLAS library path \(Debian: apt-get install libopenblas0\)/);
  });

  it('rejects bad options with a TypeError / RangeError', () => {
    // The addon's errors come from Node's realm, not jest's sandbox: compare the class by name.
    expect(() => addon.init({ blas: 3 as unknown as string })).toThrow(expect.objectContaining({ name: 'TypeError' }));
    expect(() => addon.init({ threads: 0 })).toThrow(expect.objectContaining({ name: 'RangeError' }));
  });

  it('reads MYELIN_BLAS and MYELIN_NUM_THREADS when options are absent', () => {
    const saved = { ...process.env };
    try {
      process.env.MYELIN_BLAS = 'builtin';
      process.env.MYELIN_NUM_THREADS = '1';
      const { info } = createCpuBackend();
      expect(info.blas.library).toBe('builtin');
      expect(info.threads).toBe(1);
      process.env.MYELIN_NUM_THREADS = 'many';
      expect(() => createCpuBackend()).toThrow(/MYELIN_NUM_THREADS/);
    } finally {
      process.env = saved;
    }
  });

  it('two backends with different BLAS settings coexist', () => {
    const a = createCpuBackend({ blas: 'builtin' }).backend;
    const b = createCpuBackend({}).backend;
    const x = Float32Array.from({ length: 64 }, (_, i) => i / 7);
    const outA = new Float32Array(64);
    const outB = new Float32Array(64);
    a.gemm(x, x, outA, 8, 8, 8, false, true, 1, 0);
    b.gemm(x, x, outB, 8, 8, 8, false, true, 1, 0);
    for (let i = 0; i < 64; i++) expect(outA[i]).toBeCloseTo(outB[i], 3);
  });
});
