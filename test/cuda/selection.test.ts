/**
 * Backend selection when the cuda backend cannot run (this machine has no GPU; on a GPU machine these
 * checks turn into "cuda is chosen"): MYELIN_BACKEND=cuda and setBackend('cuda') fail with a BackendError
 * naming the reason, and `auto` goes on to cpu (or reference) with the cuda reason in backendInfo().tried.
 */

type Select = typeof import('../../lib/backend/select');

/** A fresh copy of select.ts (it caches its choice per module instance). */
function freshSelect(): Select {
  let mod!: Select;
  jest.isolateModules(() => {

    mod = require('../../lib/backend/select') as Select;
  });
  return mod;
}

/** Runs fn with MYELIN_BACKEND set (select.ts reads it on first use). */
function withBackendEnv<T>(env: string, fn: () => T): T {
  const saved = process.env.MYELIN_BACKEND;
  process.env.MYELIN_BACKEND = env;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.MYELIN_BACKEND;
    else process.env.MYELIN_BACKEND = saved;
  }
}

/** Whether cuda can run here (then the failure checks below become success checks). */
function cudaRuns(): { ok: true } | { ok: false; reason: string } {
  try {
    freshSelect().setBackend('cuda');
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

const probe = cudaRuns();

if (!probe.ok) {
  describe('cuda backend that cannot run', () => {
    test('MYELIN_BACKEND=cuda: backendInfo() throws BackendError naming the reason', () => {
      const select = freshSelect();
      let caught: unknown;
      try {
        withBackendEnv('cuda', () => select.backendInfo());
      } catch (e) {
        caught = e;
      }
      // select.ts was loaded in isolation, with its own copy of errors.ts: compare the class by name.
      expect((caught as Error).name).toBe('BackendError');
      const msg = (caught as Error).message;
      expect(msg).toMatch(/^backend 'cuda' was requested \(MYELIN_BACKEND\) but cannot run: /);
      // Either the flavour is not built, or it is and there is no device.
      expect(msg).toMatch(/no CUDA device: cudaGetDeviceCount returned|the cuda flavour of the addon is not available/);
    });

    test("setBackend('cuda') throws BackendError and leaves no half-chosen backend", () => {
      const select = freshSelect();
      let caught: unknown;
      try {
        select.setBackend('cuda');
      } catch (e) {
        caught = e;
      }
      expect((caught as Error).name).toBe('BackendError');
      expect((caught as Error).message).toMatch(/cannot run: /);
      expect(select.setBackend('reference').backend).toBe('reference');
    });

    test('auto chooses cpu (or reference) and reports why cuda was not chosen', () => {
      const select = freshSelect();
      const info = select.setBackend('auto');
      expect(['cpu', 'reference']).toContain(info.backend);
      const cuda = info.tried.find((t) => t.backend === 'cuda');
      expect(cuda).toBeDefined();
      expect(cuda!.reason).toMatch(/no CUDA device: cudaGetDeviceCount returned|the cuda flavour of the addon is not available/);
      expect(info.tried[0].backend).toBe('cuda'); // tried first
    });
  });
} else {
  describe('cuda backend on a GPU machine', () => {
    test('auto chooses cuda and reports the GPU', () => {
      const info = freshSelect().setBackend('auto');
      expect(info.backend).toBe('cuda');
      expect(info.details).toMatchObject({ gemm: expect.any(String), tf32: 'off' });
      expect(info.device).toMatch(/compute capability \d+\.\d+/);
    });

    test('setBackend passes its cuda options (cublas, tf32) to the backend, and rejects a bad one', () => {
      const select = freshSelect();
      // TF32 is a cuBLAS setting: with the own tiled GEMM it stays off.
      const builtin = select.setBackend('cuda', { cublas: 'builtin', tf32: true });
      expect(builtin.details).toMatchObject({ gemm: 'builtin tiled kernel', tf32: 'off' });
      const exact = select.setBackend('cuda', { tf32: false });
      expect(exact.details).toMatchObject({ tf32: 'off' });
      if (exact.details?.gemm !== 'builtin tiled kernel') {  // cuBLAS loaded
        expect(select.setBackend('cuda', { tf32: true }).details).toMatchObject({ tf32: 'on' });
      }
      expect(() => select.setBackend('cuda', { tf32: 'yes' as never })).toThrow(/option 'tf32' must be a boolean/);
    });
  });
}
