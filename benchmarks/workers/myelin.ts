/**
 * Benchmark worker: trains one workload with myelin's `Sequential.fit` (what users run) and prints a
 * RunResult line. Usage: node dist/benchmarks/workers/myelin.js <spec.json> [cpu|cuda]
 */
import { setBackend, backendInfo, tensor, type Tensor } from '../../lib/index';
import { conv2d } from '../../lib/layers/conv';
import { dense } from '../../lib/layers/dense';
import { embedding } from '../../lib/layers/embedding';
import { flatten } from '../../lib/layers/flatten';
import { Layer } from '../../lib/layers/layer';
import { maxPooling2d } from '../../lib/layers/pooling';
import { mean } from '../../lib/ops/reduce';
import { sequential, type Sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';
import { load, loadInitialWeights, peakRssMiB, readSpec, report, runWorker, watchGc, type RunResult } from './common';
import type { WorkloadSpec } from '../workloads';

const LOSS_NAMES = { binary: 'binaryCrossentropy', categorical: 'categoricalCrossentropy', sparse: 'sparseCategoricalCrossentropy' } as const;

/** The mean over the bag axis: [batch, bag, dim] -> [batch, dim] (globalAveragePooling1d, written with the mean op). */
class BagMean extends Layer {
  readonly className = 'BagMean';
  constructor() { super({}, 'BagMean'); }
  call(x: Tensor): Tensor { return mean(x, 1); }
  computeOutputShape(s: number[]): number[] { return s.slice(1); }
  protected override deterministicCall(): boolean { return true; }
}

/**
 * The layers of a workload: an embedding mean-pooled over the bag, or conv blocks (conv2d relu + maxPooling2d) and
 * flatten for a CNN, then the dense layers.
 */
function layersOf(spec: WorkloadSpec): Layer[] {
  const first = { inputShape: spec.image ? [...spec.image] : [spec.inputDim] };
  if (spec.embedding) {
    const front = [embedding({ inputDim: spec.embedding.vocab, outputDim: spec.embedding.dim, ...first }), new BagMean()];
    return [...front, ...spec.layers.map((l) => dense({ units: l.units, activation: l.activation }))];
  }
  const convs = (spec.conv ?? []).flatMap((c, i) => [
    conv2d({ filters: c.filters, kernelSize: c.kernelSize, activation: 'relu', ...(i === 0 ? first : {}) }),
    maxPooling2d({ poolSize: c.pool }),
  ]);
  const dense0 = spec.conv ? {} : first;
  return [...convs, ...(spec.conv ? [flatten()] : []), ...spec.layers.map((l, i) => dense({ units: l.units, activation: l.activation, ...(i === 0 ? dense0 : {}) }))];
}

function build(spec: WorkloadSpec): Sequential {
  const model = sequential(layersOf(spec));
  model.compile({
    optimizer: adam({ learningRate: spec.learningRate }),
    loss: LOSS_NAMES[spec.loss],
    metrics: spec.kind === 'to-accuracy' ? ['accuracy'] : [],
  });
  return model;
}

/** The first `rows` rows of a [n, ...] tensor's data as a new tensor. */
function head(data: Float32Array, shape: number[], rows: number): Tensor {
  const row = shape.slice(1).reduce((a, b) => a * b, 1);
  return tensor(data.subarray(0, rows * row), [rows, ...shape.slice(1)]);
}

async function main(): Promise<void> {
  const spec = readSpec();
  const device = process.argv[3] ?? 'cpu';
  const chosen = setBackend(device === 'cuda' ? 'cuda' : 'cpu', device === 'cuda' ? { tf32: spec.tf32 === true } : {});
  if (spec.tf32 && chosen.details?.tf32 !== 'on') {
    // PyTorch would run TF32 against myelin's exact float32: not the comparison the workload is for.
    throw new Error(`${spec.name} asks for TF32 GEMMs, but the cuda backend runs them without (GEMM: ${String(chosen.details?.gemm)})`);
  }
  const xs = load(spec, 'x_train');
  const ys = load(spec, 'y_train');
  // The .npy buffers are not used again: the tensors take them over (no copy), as torch.from_numpy shares.
  // A CNN reads each row as an image (channels last).
  if (spec.image) xs.shape = [xs.shape[0], ...spec.image];
  const x = tensor(xs.data as Float32Array, xs.shape, { copy: false });
  const y = tensor(ys.data as Float32Array, ys.shape, { copy: false });

  // Warm-up on a throwaway model: first calls, BLAS thread start, JIT.
  const warmRows = Math.min(spec.samples, spec.warmupSteps * spec.batchSize);
  const warm = build(spec);
  const wx = head(xs.data as Float32Array, xs.shape, warmRows);
  const wy = head(ys.data as Float32Array, ys.shape, warmRows);
  await warm.fit(wx, wy, { epochs: 1, batchSize: spec.batchSize, verbose: 0 });
  warm.dispose(); wx.dispose(); wy.dispose();

  const model = build(spec);
  const init = loadInitialWeights(spec).map((a) => tensor(a.data as Float32Array, a.shape));
  model.setWeights(init);
  for (const t of init) t.dispose();
  // Wait for the device before the clock starts (the weights' uploads may still run), as the PyTorch worker's
  // torch.cuda.synchronize(): reading a value back waits for the backend's queued work.
  const probe = tensor([0]);
  probe.dataSync();
  probe.dispose();

  let result: RunResult;
  let gc = '';
  if (spec.kind === 'fixed-epochs') {
    const gcWatch = watchGc();
    const t0 = process.hrtime.bigint();
    await model.fit(x, y, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: true, seed: 7, verbose: 0 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    gc = gcWatch.stop();
    const finalLoss = model.evaluate(x, y, { batchSize: 4096 }) as number;
    const stepsPerEpoch = Math.ceil(spec.samples / spec.batchSize);
    result = { trainSeconds: seconds, steps: stepsPerEpoch * spec.epochs, samplesSeen: spec.samples * spec.epochs, epochs: spec.epochs, finalLoss, peakRssMiB: 0 };
  } else {
    const xt = load(spec, 'x_test');
    const yt = load(spec, 'y_test');
    const xTest = tensor(xt.data as Float32Array, xt.shape);
    const yTest = tensor(yt.data as Float32Array, yt.shape);
    const target = spec.targetAccuracy as number;
    let epochs = 0;
    let accuracy = 0;
    const stopAtTarget = {
      onEpochEnd: (epoch: number, logs: Record<string, number>) => {
        epochs = epoch + 1;
        accuracy = logs.val_accuracy;
        if (accuracy >= target) model.stopTraining = true;
      },
    };
    const t0 = process.hrtime.bigint();
    await model.fit(x, y, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: true, seed: 7, verbose: 0, validationData: [xTest, yTest], callbacks: [stopAtTarget] });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const finalLoss = (model.evaluate(x, y, { batchSize: 4096 }) as number[])[0];
    result = {
      trainSeconds: seconds, steps: epochs * Math.ceil(spec.samples / spec.batchSize), samplesSeen: epochs * spec.samples, epochs,
      finalLoss, testAccuracy: accuracy, reached: accuracy >= target, peakRssMiB: 0,
    };
  }
  result.peakRssMiB = peakRssMiB();
  const info = backendInfo();
  const gpu = info.backend === 'cuda' ? `, GEMM ${String(info.details?.gemm)}, TF32 ${String(info.details?.tf32)}` : '';
  result.details = `backend ${info.backend}${info.blas ? `, BLAS ${info.blas.library}` : ''}${info.threads ? `, ${info.threads} threads` : ''}${gpu}${gc ? `; ${gc}` : ''}`;
  report(result);
}

runWorker(main);
