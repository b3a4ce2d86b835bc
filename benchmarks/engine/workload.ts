/**
 * The engine benchmark's model and data: a 784-512-512-10 ReLU MLP with a softmax output, categorical
 * cross-entropy and Adam (lr 1e-3), as issue 14 names it, on synthetic MNIST-sized data.
 */
import { tensor, type Tensor } from '../../lib/index';
import { dense } from '../../lib/layers/dense';
import { sequential, type Sequential } from '../../lib/models/sequential';
import { adam } from '../../lib/optimizers/adam';

/** Sizes of the benchmark (issue 14's targets). */
export const ENGINE_WORKLOAD = {
  inputDim: 784,
  classes: 10,
  /** Training rows of `fit`. */
  fitRows: 20_000,
  /** Rows of `predictAsync` and `evaluateAsync`. */
  inferenceRows: 60_000,
  batchSize: 128,
  /** Batch of the inference calls (only memory use and per-call overhead depend on it). */
  inferenceBatchSize: 256,
  /** Default epochs of the measured fit. */
  epochs: 5,
  /** Training rows of the warm-up fit on a throwaway model (JIT, BLAS start, first calls). */
  warmupRows: 1280,
} as const;

/** The model, compiled. */
export function buildEngineModel(): Sequential {
  const model = sequential([
    dense({ units: 512, activation: 'relu', inputShape: [ENGINE_WORKLOAD.inputDim] }),
    dense({ units: 512, activation: 'relu' }),
    dense({ units: ENGINE_WORKLOAD.classes, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  return model;
}

/** Inputs in [0, 1) from a seeded xorshift generator, and one-hot labels: the index of the largest of the first
 * ten inputs (a rule the network can learn, so the loss visibly falls). */
export function syntheticData(rows: number, seed = 1): { x: Float32Array; y: Float32Array } {
  const { inputDim, classes } = ENGINE_WORKLOAD;
  const x = new Float32Array(rows * inputDim);
  const y = new Float32Array(rows * classes);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < x.length; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    x[i] = s / 4294967296;
  }
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (x[r * inputDim + c] > x[r * inputDim + best]) best = c;
    y[r * classes + best] = 1;
  }
  return { x, y };
}

/** The first `rows` rows of row-major data with `width` values a row, as a tensor of their own (a copy: a
 * tensor that took the memory over would own it). */
export function headRows(data: Float32Array, width: number, rows: number): Tensor {
  return tensor(data.subarray(0, rows * width), [rows, width]);
}
