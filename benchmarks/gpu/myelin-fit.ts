/**
 * myelin's `Sequential.fit` on the GPU (what users run, as opposed to myelin-mlp.ts's hand-written loop):
 * the 784-512-512-10 and 2-10-1 workloads of workloads.ts through `fit` with the data set on the device.
 * Prints one JSON line per workload like the other GPU runners, runner 'myelin fit'.
 * Run (after `npx tsc -p tsconfig.json`): node dist/benchmarks/gpu/myelin-fit.js [cuda|cpu] [regex of workload names]
 */
import { argmax, backendInfo, greater, matmul, mul, randomNormal, setBackend, setSeed, slice, tidy, type Tensor } from '../../lib/index';
import { dense } from '../../lib/layers/dense';
import { sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';
import { GPU_WORKLOADS } from './workloads';

/** The summary table's name of this run: 'myelin fit', or the switch it runs under. */
function runnerName(): string {
  const env = process.env;
  if (env.MYELIN_STEP_COMPILE === '0') return 'fit nograph';
  if (env.MYELIN_CUBLAS === 'builtin') return 'fit tiled';
  if (env.MYELIN_CUBLASLT === '0') return 'fit no Lt';
  if (env.MYELIN_CUBLASLT === 'relu') return 'fit Lt relu';
  return 'myelin fit';
}

async function main(): Promise<void> {
  const device = process.argv[2] === 'cpu' ? 'cpu' : 'cuda';
  const only = process.argv[3] === undefined ? null : new RegExp(process.argv[3]);
  setBackend(device);
  // The float32 workloads of workloads.ts, plus the bench's 'tiny' as `npm run bench` runs it (sigmoid +
  // binary cross-entropy, 1000 samples: 31 full batches and one of 8 per epoch, 20 epochs).
  const tinyBce = { name: 'tiny as in npm run bench (sigmoid + BCE, 1000 samples, 20 epochs)', tf32: false, warmupSteps: 0, bce: true,
    spec: { layers: [2, 10, 1], batch: 32, samples: 1000, steps: 640, seed: 3, lr: 1e-3 } };
  for (const w of [...GPU_WORKLOADS.map((g) => ({ ...g, bce: false })), tinyBce]) {
    if (w.tf32 || (only && !only.test(w.name))) continue;
    const { layers, batch } = w.spec;
    const n = w.bce ? w.spec.samples : Math.floor(w.spec.samples / batch) * batch;
    setSeed(w.spec.seed);
    const x = randomNormal([n, layers[0]], { seed: w.spec.seed + 1 });
    const regression = layers[layers.length - 1] === 1;
    let y: Tensor;
    if (regression) {
      y = tidy(() => greater(mul(slice(x, [0, 0], [n, 1]), slice(x, [0, 1], [n, 1])), 0));
    } else {
      const teacher = randomNormal([layers[0], layers[layers.length - 1]], { seed: w.spec.seed + 2 });
      y = tidy(() => argmax(matmul(x, teacher), 1));
      teacher.dispose();
    }
    const build = () => {
      const m = sequential(layers.slice(1).map((units, i) => dense({
        // Hidden layers relu; the output softmax (fused into the cross-entropy on logits) or linear for regression.
        units, activation: i + 2 < layers.length ? 'relu' : w.bce ? 'sigmoid' : regression ? 'linear' : 'softmax', ...(i === 0 ? { inputShape: [layers[0]] } : {}),
      })));
      const loss = w.bce ? 'binaryCrossentropy' : regression ? 'meanSquaredError' : 'sparseCategoricalCrossentropy';
      m.compile({ optimizer: adam({ learningRate: w.spec.lr ?? 1e-3 }), loss, metrics: [] });
      return m;
    };
    const warm = build();
    await warm.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, shuffle: true, seed: 1 });
    warm.dispose();
    const model = build();
    const epochs = w.bce ? 20 : Math.max(1, Math.round(w.spec.steps / (n / batch)));
    // Each epoch's wall time (the epoch's loss is read at its end, so the device has finished its work).
    const epochMs: number[] = [];
    let last = process.hrtime.bigint();
    const timer = { onEpochEnd: () => { const now = process.hrtime.bigint(); epochMs.push(+(Number(now - last) / 1e6).toFixed(2)); last = now; } };
    const t0 = process.hrtime.bigint();
    last = t0;
    const history = await model.fit(x, y, { epochs, batchSize: batch, verbose: 0, shuffle: true, seed: 1, callbacks: [timer] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const steps = epochs * Math.ceil(n / batch);
    const losses = history.history.loss as number[];
    const info = backendInfo();
    console.log(JSON.stringify({
      runner: runnerName(),
      name: w.name, device: info.device,
      samplesPerSecond: Math.round((steps * batch) / (ms / 1000)), stepMs: +(ms / steps).toFixed(4),
      firstLoss: losses[0], lastLoss: losses[losses.length - 1], epochMs,
    }));
    model.dispose(); x.dispose(); y.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
