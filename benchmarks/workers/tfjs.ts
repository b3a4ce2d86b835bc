/**
 * TensorFlow.js peer of the benchmarks (`@tensorflow/tfjs` with its pure-JS `cpu` backend or
 * `@tensorflow/tfjs-backend-wasm`): the same Sequential model, initial weights, Adam and `model.fit`.
 * Usage: node dist/benchmarks/workers/tfjs.js <spec.json> cpu|wasm
 */
import { binaryCrossEntropy, load, loadInitialWeights, peakRssMiB, readSpec, report, runWorker, type RunResult } from './common';
import type { WorkloadSpec } from '../workloads';

type Tf = typeof import('@tensorflow/tfjs');
type LayersModel = import('@tensorflow/tfjs').Sequential;

const LOSSES = { binary: 'binaryCrossentropy', categorical: 'categoricalCrossentropy', sparse: 'sparseCategoricalCrossentropy' } as const;

function build(tf: Tf, spec: WorkloadSpec): LayersModel {
  const model = tf.sequential();
  spec.layers.forEach((l, i) => {
    model.add(tf.layers.dense({ units: l.units, activation: l.activation, ...(i === 0 ? { inputShape: [spec.inputDim] } : {}) }));
  });
  model.compile({
    optimizer: tf.train.adam(spec.learningRate, 0.9, 0.999, 1e-7),
    loss: LOSSES[spec.loss],
    metrics: spec.kind === 'to-accuracy' ? ['accuracy'] : [],
  });
  return model;
}

async function main(): Promise<void> {
  const spec = readSpec();
  const backend = process.argv[3] ?? 'cpu';
  // Silence the "install tfjs-node" banner; it goes to stdout.
  const log = console.log;
  console.log = () => undefined;
  const tf: Tf = require('@tensorflow/tfjs');
  if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  console.log = log;
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();

  const xs = load(spec, 'x_train');
  const ys = load(spec, 'y_train');
  const x = tf.tensor(xs.data as Float32Array, xs.shape);
  const y = tf.tensor(ys.data as Float32Array, ys.shape);

  const warmRows = Math.min(spec.samples, spec.warmupSteps * spec.batchSize);
  const warm = build(tf, spec);
  const [wx, wy] = [x.slice(0, warmRows), y.slice(0, warmRows)];
  await warm.fit(wx, wy, { epochs: 1, batchSize: spec.batchSize, verbose: 0 });
  warm.dispose(); wx.dispose(); wy.dispose();

  const model = build(tf, spec);
  model.setWeights(loadInitialWeights(spec).map((a) => tf.tensor(a.data as Float32Array, a.shape)));

  let steps = 0;
  let partial = false;
  let epochs = 0;
  let accuracy = 0;
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const callbacks = {
    onBatchEnd: async () => {
      steps++;
      if (elapsed() > spec.timeLimitSeconds) { partial = true; model.stopTraining = true; }
    },
    onEpochEnd: async (epoch: number, logs?: Record<string, unknown>) => {
      epochs = epoch + 1;
      if (spec.kind === 'to-accuracy' && logs) {
        accuracy = Number(logs.val_acc ?? logs.val_accuracy);
        if (accuracy >= (spec.targetAccuracy as number)) model.stopTraining = true;
      }
    },
  };
  const options: Parameters<LayersModel['fit']>[2] = { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: true, verbose: 0, callbacks };
  if (spec.kind === 'to-accuracy') {
    const xt = load(spec, 'x_test');
    const yt = load(spec, 'y_test');
    options.validationData = [tf.tensor(xt.data as Float32Array, xt.shape), tf.tensor(yt.data as Float32Array, yt.shape)];
  }
  await model.fit(x, y, options);
  const seconds = elapsed();
  let finalLoss: number | null = null;
  if (!partial) {
    if (spec.loss === 'binary') {
      finalLoss = binaryCrossEntropy((model.predict(x, { batchSize: 4096 }) as import('@tensorflow/tfjs').Tensor).dataSync(), ys.data);
    } else {
      const r = model.evaluate(x, y, { batchSize: 4096 });
      finalLoss = (Array.isArray(r) ? r[0] : r).dataSync()[0];
    }
  }
  const rowsPerEpoch = spec.samples;
  const result: RunResult = {
    trainSeconds: seconds, steps, samplesSeen: partial ? Math.min(steps * spec.batchSize, rowsPerEpoch * epochs) : epochs * rowsPerEpoch,
    epochs, finalLoss, partial, peakRssMiB: peakRssMiB(), details: `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`,
  };
  if (spec.kind === 'to-accuracy') { result.testAccuracy = accuracy; result.reached = accuracy >= (spec.targetAccuracy as number); }
  report(result);
}

runWorker(main);
