/**
 * Where the one-time cost of a `fit` of the 1024-4096-4096-1024 workload goes (its steady steps match PyTorch's,
 * but `npm run bench` times one 64-step epoch that costs about 110 ms more). Sets the workload up as the bench's
 * worker does (data on the device, a throwaway model warmed up for 3 steps, a fresh model given host weights),
 * then times, each between two waits for the device:
 *   - setWeights of the fresh model;
 *   - its first fit (what the bench times), a second fit of the same model, and a first fit of another fresh model
 *     (a cost of the process, of the model, or of every fit?);
 *   - a fresh model's two-epoch fit, epoch by epoch;
 *   - a fresh model's first fit without backend-run steps (MYELIN_NATIVE_STEPS=0) and without graphs
 *     (MYELIN_STEP_COMPILE=0).
 * For the fits of model A it also reports the host time spent in the backend's compileCalls (graph capture and
 * instantiation), runTrainingSteps (enqueuing batch runs) and every other backend call (a call's time includes the
 * backend calls it makes itself), and the cudaMalloc calls the fit made. Prints one JSON line per measurement. Run: node dist/benchmarks/gpu/fit-phases.js [cuda|cpu] [rows] (a dry run
 * of the script: `cpu 2048`).
 */
import { execSync } from 'child_process';
import { argmax, matmul, randomNormal, setBackend, slice, tensor, tidy, type Tensor } from '../../lib/index';
import type { Backend } from '../../lib/backend/backend';
import { getBackend } from '../../lib/backend/select';
import type { NativeCudaAddon } from '../../lib/native/addon-types';
import { loadCudaAddon } from '../../lib/native/loader';
import { dense } from '../../lib/layers/dense';
import { sequential, type Sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';

const LAYERS = [1024, 4096, 4096, 1024];
const BATCH = 1024;

function build(): Sequential {
  const model = sequential(LAYERS.slice(1).map((units, i) => dense({
    units, activation: i + 2 < LAYERS.length ? 'relu' : 'softmax', ...(i === 0 ? { inputShape: [LAYERS[0]] } : {}),
  })));
  model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

/** Glorot-uniform kernels and zero biases as host arrays (the bench's worker loads its weights from .npy files). */
function hostWeights(): Array<{ data: Float32Array; shape: number[] }> {
  let s = 12345;
  const next = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  const out: Array<{ data: Float32Array; shape: number[] }> = [];
  for (let i = 0; i + 1 < LAYERS.length; i++) {
    const [fanIn, fanOut] = [LAYERS[i], LAYERS[i + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < w.length; j++) w[j] = (2 * next() - 1) * limit;
    out.push({ data: w, shape: [fanIn, fanOut] }, { data: new Float32Array(fanOut), shape: [fanOut] });
  }
  return out;
}

const probe = { t: null as Tensor | null };
/** Waits until the device has finished the work queued so far (a download waits for the stream). */
function waitForDevice(): void {
  probe.t ??= tensor([0]);
  probe.t.dataSync();
}

function gpuClocks(): string {
  try {
    return execSync('nvidia-smi --query-gpu=clocks.sm,clocks.mem,power.draw,pstate --format=csv,noheader', { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'nvidia-smi not available';
  }
}

function report(phase: string, ms: number, steps = 0): void {
  console.log(JSON.stringify({ phase, ms: +ms.toFixed(2), ...(steps > 0 ? { msPerStep: +(ms / steps).toFixed(3) } : {}) }));
}

async function timed(phase: string, steps: number, run: () => Promise<unknown> | void): Promise<number> {
  waitForDevice();
  const t0 = process.hrtime.bigint();
  await run();
  waitForDevice();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  report(phase, ms, steps);
  return ms;
}

/** Host milliseconds and calls per backend method while `run` runs (the methods are wrapped, then put back). */
async function hostTimeByMethod(backend: Backend, run: () => Promise<unknown>): Promise<Record<string, { calls: number; ms: number }>> {
  const table: Record<string, { calls: number; ms: number }> = {};
  const target = backend as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  for (const [name, fn] of Object.entries(target)) {
    if (typeof fn !== 'function') continue;
    saved.set(name, fn);
    target[name] = function wrapped(this: unknown, ...args: unknown[]) {
      const t0 = process.hrtime.bigint();
      try {
        return (fn as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        const row = (table[name] ??= { calls: 0, ms: 0 });
        row.calls++;
        row.ms += Number(process.hrtime.bigint() - t0) / 1e6;
      }
    };
  }
  try {
    await run();
  } finally {
    for (const [name, fn] of saved) target[name] = fn;
  }
  for (const row of Object.values(table)) row.ms = +row.ms.toFixed(2);
  return table;
}

/** cudaMalloc calls so far (null on the cpu backend). */
function mallocCalls(): number | null {
  const loaded = loadCudaAddon();
  if ('reason' in loaded || getBackend().name !== 'cuda') return null;
  return (loaded.addon as NativeCudaAddon).memoryInfo().mallocCalls;
}

async function main(): Promise<void> {
  setBackend(process.argv[2] === 'cpu' ? 'cpu' : 'cuda');
  const N = Number(process.argv[3] ?? 65536);
  const x = randomNormal([N, LAYERS[0]], { seed: 5 });
  const teacher = randomNormal([LAYERS[0], LAYERS[3]], { seed: 6 });
  const y = tidy(() => argmax(matmul(x, teacher), 1));
  teacher.dispose();
  const init = hostWeights();
  const steps = N / BATCH;
  const fitOnce = (m: Sequential, epochs = 1, callbacks: unknown[] = []) =>
    m.fit(x, y, { epochs, batchSize: BATCH, shuffle: true, seed: 7, verbose: 0, callbacks: callbacks as never });
  const fresh = async (label: string): Promise<Sequential> => {
    const m = build();
    await timed(`${label}: setWeights from host arrays`, 0, () => {
      const ts = init.map((w) => tensor(w.data, w.shape));
      m.setWeights(ts);
      for (const t of ts) t.dispose();
    });
    return m;
  };
  console.log(JSON.stringify({ phase: 'gpu clocks at start', clocks: gpuClocks() }));

  // The bench's warm-up: a throwaway model, 3 steps on the first 3072 rows.
  await timed('warm-up fit (throwaway model, 3 steps)', 3, async () => {
    const warm = build();
    const wx = slice(x, 0, 3 * BATCH);
    const wy = slice(y, 0, 3 * BATCH);
    await warm.fit(wx, wy, { epochs: 1, batchSize: BATCH, verbose: 0 });
    warm.dispose(); wx.dispose(); wy.dispose();
  });

  const a = await fresh('model A');
  let first = 0;
  let second = 0;
  for (const [label, which] of [['model A: first fit, 1 epoch (what npm run bench times)', 1], ['model A: second fit, 1 epoch', 2]] as const) {
    const mallocs = mallocCalls();
    let ms = 0;
    const byMethod = await hostTimeByMethod(getBackend(), async () => { ms = await timed(label, steps, () => fitOnce(a)); });
    if (which === 1) first = ms; else second = ms;
    const after = mallocCalls();
    console.log(JSON.stringify({ phase: `${label}: host time in backend calls`, cudaMallocCalls: after === null || mallocs === null ? null : after - mallocs, byMethod }));
  }
  a.dispose();
  const b = await fresh('model B');
  await timed('model B: first fit, 1 epoch', steps, () => fitOnce(b));
  b.dispose();

  const c = await fresh('model C');
  const epochMs: number[] = [];
  let last = 0n;
  const timer = { onEpochBegin: () => { last = process.hrtime.bigint(); }, onEpochEnd: () => { epochMs.push(Number(process.hrtime.bigint() - last) / 1e6); } };
  await timed('model C: first fit, 2 epochs with an epoch timer', 2 * steps, () => fitOnce(c, 2, [timer]));
  console.log(JSON.stringify({ phase: 'model C: epoch ms (the loss is read at each epoch end)', epochMs: epochMs.map((v) => +v.toFixed(2)) }));
  c.dispose();

  for (const [env, value] of [['MYELIN_NATIVE_STEPS', '0'], ['MYELIN_STEP_COMPILE', '0']]) {
    process.env[env] = value;
    const m = await fresh(`${env}=${value}`);
    await timed(`${env}=${value}: first fit, 1 epoch`, steps, () => fitOnce(m));
    await timed(`${env}=${value}: second fit, 1 epoch`, steps, () => fitOnce(m));
    m.dispose();
    delete process.env[env];
  }
  report('first fit minus second fit (model A): the one-time cost', first - second);
  console.log(JSON.stringify({ phase: 'gpu clocks at end', clocks: gpuClocks() }));
  x.dispose(); y.dispose(); probe.t?.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
