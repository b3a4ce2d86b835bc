/**
 * The CUDA flavour on any machine: it is built when nvcc is present, it loads, and it never aborts the
 * process. Without a GPU (this CI) init and every device call throw ERR_MYELIN_CUDA_NO_DEVICE with the
 * reason, and argument checks still throw TypeError/RangeError first; with a GPU, init reports the device
 * and running out of device memory is a recognizable, recoverable error.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_NAMES } from '../../lib/backend/kernel-table';
import { CUDA_RUNNER_ENTRIES, type NativeCudaAddon } from '../../lib/native/addon-types';
import { packageRoot } from '../../lib/native/loader';

const ROOT = packageRoot();
const FILE = path.join(ROOT, 'build-cuda', 'Release', 'myelin_cuda.node');

function hasNvcc(): boolean {
  try {
    execFileSync('nvcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Expects fn to throw an error of the given class name whose message matches. Names, not instanceof: the
 * addon creates its errors with the main realm's constructors, not the jest sandbox's.
 */
function expectThrow(fn: () => unknown, name: 'TypeError' | 'RangeError' | 'Error', message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeDefined();
  expect((caught as Error).name).toBe(name);
  expect((caught as Error).message).toMatch(message);
}

const built = fs.existsSync(FILE);
const nvcc = hasNvcc();

/** Every kernel of the table (lib/backend/kernel-table.ts), plus the flavour's own entry points. */
const ENTRY_POINTS = [...KERNEL_NAMES, ...CUDA_RUNNER_ENTRIES];

if (!built && !nvcc) {
  describe.skip('cuda flavour: not built because nvcc is not installed on this machine', () => {
    test('build', () => undefined);
  });
} else {
  describe('cuda flavour', () => {
    test('build-cuda/Release/myelin_cuda.node exists (npm run build:cuda)', () => {
      expect(fs.existsSync(FILE)).toBe(true);
    });

    const addon = (built ? require(FILE) : {}) as NativeCudaAddon;
    let initError: (Error & { code?: string }) | null = null;
    let info: ReturnType<NativeCudaAddon['init']> | null = null;
    if (built) {
      try {
        info = addon.init({});
      } catch (e) {
        initError = e as Error & { code?: string };
      }
    }

    test('exports every entry point of the Backend contract', () => {
      for (const name of ENTRY_POINTS) expect(typeof (addon as unknown as Record<string, unknown>)[name]).toBe('function');
    });

    test('argument checks throw TypeError / RangeError naming the argument, with or without a device', () => {
      const none = {} as never;
      expectThrow(() => addon.alloc(-1), 'RangeError', /^alloc: argument 'size' must be an integer in \[0, /);
      expectThrow(() => addon.alloc('10' as unknown as number), 'TypeError', /^alloc: argument 'size' must be a number/);
      expectThrow(() => (addon.alloc as unknown as () => void)(), 'TypeError', /^alloc: expected 1 arguments, got 0/);
      expectThrow(() => addon.upload([1, 2] as unknown as Float32Array), 'TypeError', /^upload: argument 'data' must be a Float32Array/);
      expectThrow(() => addon.download(none), 'TypeError', /^download: argument 'buf' must be a cuda buffer handle/);
      expectThrow(() => addon.free(new Float32Array(2) as never), 'TypeError', /^free: argument 'buf' must be a cuda buffer handle/);
      expectThrow(() => addon.length(none), 'TypeError', /^length: argument 'buf'/);
      expectThrow(() => addon.fill(none, 0, 0, 1), 'TypeError', /^fill: argument 'out'/);
      expectThrow(() => addon.unary(99, none, none, 1, 0), 'RangeError', /^unary: argument 'op' must be an integer in \[0, 20\]/);
      expectThrow(() => addon.unary(0, none, none, 1, 0), 'TypeError', /^unary: argument 'x' must be a cuda buffer handle/);
      expectThrow(() => addon.unaryGrad(21, none, none, none, none, 1, 0), 'RangeError', /^unaryGrad: argument 'op'/);
      expectThrow(() => addon.binary(9, none, [1], none, [1], none, [1]), 'RangeError', /^binary: argument 'op' must be an integer in \[0, 8\]/);
      expectThrow(() => addon.reduce(5, none, none, 1, 1, 1), 'RangeError', /^reduce: argument 'op' must be an integer in \[0, 4\]/);
      expectThrow(() => addon.softmax(none, none, 1, 1, false), 'TypeError', /^softmax: argument 'x'/);
      expectThrow(() => addon.softmaxGrad(none, none, none, 1, 1, true), 'TypeError', /^softmaxGrad: argument 'y'/);
      expectThrow(() => addon.gemm(none, none, none, 1, 1, 1, false, false, 1, 0), 'TypeError', /^gemm: argument 'a'/);
      expectThrow(() => (addon.gemm as unknown as (...a: unknown[]) => void)(1, 2), 'TypeError', /^gemm: expected 10 arguments, got 2/);
      expectThrow(() => addon.copyStrided(none, 0, [1], none, 0, [1], [1], false), 'TypeError', /^copyStrided: argument 'x'/);
      expectThrow(() => addon.gatherRows(none, new Int32Array(1), none, 1), 'TypeError', /^gatherRows: argument 'x'/);
      expectThrow(() => addon.scatterAddRows(none, new Int32Array(1), none, 1), 'TypeError', /^scatterAddRows: argument 'dy'/);
      expectThrow(() => addon.sgdStep([{}] as never, [], [], none, 0, false, 0, true), 'TypeError', /^sgdStep: argument 'params' .*element 0 is not/);
      expectThrow(() => addon.adamStep(none, [], [], [], [], none, 0.9, 0.999, 1e-7, 0, false, true), 'TypeError',
        /^adamStep: argument 'params' must be an array of cuda buffer handles/);
      // Empty lists pass the checks; a learning rate where the hyper buffer belongs is then a TypeError, before any
      // device is needed.
      expectThrow(() => addon.adamStep([], [], [], [], [], 1e-3 as never, 0.9, 0.999, 1e-7, 0, false, true), 'TypeError',
        /^adamStep: argument 'hyper'/);
      expectThrow(() => addon.adagradStep(none, [], [], none, 1e-7, 0, true), 'TypeError', /^adagradStep: argument 'params'/);
      expectThrow(() => addon.rmspropStep(none, [], [], [], [], none, 0.9, 0, 1e-7, false, 0, true), 'TypeError', /^rmspropStep: argument 'params'/);
      expectThrow(() => addon.denseForward(none, none, null, none, none, 1, 1, 1, 21, 0), 'TypeError', /^denseForward: argument 'x'/);
      expectThrow(() => addon.softmaxCrossEntropy(none, none, none, none, 1, 1, true), 'TypeError', /^softmaxCrossEntropy: argument 'logits'/);
      expectThrow(() => addon.softmaxCrossEntropyGrad(none, none, none, none, 1, 1, true, 1, 1), 'TypeError',
        /^softmaxCrossEntropyGrad: argument 'probs'/);
      expectThrow(() => addon.init({ tf32: 'yes' } as never), 'TypeError', /^init: option 'tf32' must be a boolean/);
      expectThrow(() => addon.init({ cublas: 3 } as never), 'TypeError', /^init: option 'cublas' must be a string/);
      expectThrow(() => addon.init({ device: -1 }), 'RangeError', /^init: option 'device' must be an integer/);
    });

    if (initError !== null || info === null) {
      describe('without a GPU', () => {
        test('init throws ERR_MYELIN_CUDA_NO_DEVICE with the cudaGetDeviceCount result', () => {
          expect(initError).not.toBeNull();
          expect(initError!.code).toBe('ERR_MYELIN_CUDA_NO_DEVICE');
          expect(initError!.message).toMatch(/^init: no CUDA device: cudaGetDeviceCount returned (cudaError\w+ \(.+\)|0 devices)/);
        });

        test('device calls with valid arguments throw ERR_MYELIN_CUDA_NO_DEVICE, and the process goes on', () => {
          const calls: Array<[string, () => unknown]> = [
            ['alloc', () => addon.alloc(16)],
            ['alloc', () => addon.alloc(0)],
            ['upload', () => addon.upload(new Float32Array([1, 2, 3]))],
            ['synchronize', () => addon.synchronize()],
          ];
          for (let round = 0; round < 50; round++) {
            for (const [name, call] of calls) {
              let caught: (Error & { code?: string }) | null = null;
              try {
                call();
              } catch (e) {
                caught = e as Error & { code?: string };
              }
              expect(caught).not.toBeNull();
              expect(caught!.code).toBe('ERR_MYELIN_CUDA_NO_DEVICE');
              expect(caught!.message).toMatch(new RegExp(`^${name}: no CUDA device: `));
            }
          }
          expect(addon.memoryInfo()).toEqual({ inUseBytes: 0, cachedBytes: 0, mallocCalls: 0, freeCalls: 0, cacheHits: 0 });
          expect(() => addon.emptyCache()).not.toThrow();
        });
      });
    } else {
      describe('with a GPU', () => {
        test('init reports the device, compute capability, GEMM path and TF32 off by default', () => {
          expect(info!.flavour).toBe('cuda');
          expect(info!.device.length).toBeGreaterThan(0);
          expect(info!.computeCapability).toMatch(/^\d+\.\d+$/);
          expect(['cublas', 'builtin tiled kernel']).toContain(info!.gemm);
          expect(info!.tf32).toBe(false);
          expect(info!.cublas.tried.length).toBeGreaterThan(0);
        });

        test('running out of device memory is ERR_MYELIN_CUDA_OOM and the device stays usable', () => {
          let caught: (Error & { code?: string }) | null = null;
          try {
            addon.alloc(Math.ceil((info!.memoryBytes * 2) / 4));
          } catch (e) {
            caught = e as Error & { code?: string };
          }
          expect(caught?.code).toBe('ERR_MYELIN_CUDA_OOM');
          expect(caught?.message).toMatch(/out of GPU memory/);
          const h = addon.upload(new Float32Array([1, 2, 3]));
          expect(Array.from(addon.download(h))).toEqual([1, 2, 3]);
          addon.free(h);
          addon.free(h); // idempotent
          expect(() => addon.download(h)).toThrow(/freed cuda buffer/);
        });
      });
    }
  });
}
