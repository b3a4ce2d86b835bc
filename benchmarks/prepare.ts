/**
 * Writes each workload's data and initial weights as .npy files (plus spec.json) into a folder, so every
 * framework trains the same network from the same point on the same data.
 *
 * - tiny: x ~ N(0, 1)^2, y = 1 when |x|^2 < 2 ln 2 (half the samples): a disc, learnable by 2-10-1.
 * - mnist-mlp: x ~ U[0, 1)^784, y = one-hot argmax((x - 0.5) T) for a fixed random teacher T (784 x 10).
 * - wide: x ~ N(0, 1)^1024, y = argmax x (class index).
 * - embedding-bag: bags of ids uniform in [0, vocab); y = 1 when the bag's mean of a fixed random score per id
 *   (N(0, 1)) is positive. The table e.npy [vocab, dim] is U(-0.05, 0.05) (Keras's embedding default).
 * - digits: data/digits.csv.gz, 80/20 stratified split (seed 0), StandardScaler fitted on the training part.
 * - mnist-cnn: the mnist-mlp data, read by the workers as 28 x 28 x 1 images.
 * Initial weights: Glorot-uniform kernels W{i} ([in, out], limit sqrt(6 / (in + out))), zero biases b{i}; CNNs
 * also conv kernels cw{i} ([k, k, in, out], fans k^2 in and k^2 out, as Keras) and zero biases cb{i}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Random } from '../lib/tensor/random';
import { loadDataset } from '../lib/data/datasets';
import { trainTestSplit } from '../lib/data/split';
import { StandardScaler } from '../lib/scalers/standard-scaler';
import { writeNpy } from './npy';
import { convShapes, layerSizes, type WorkloadSpec } from './workloads';

/** Seed of all synthetic data and initial weights. */
export const DATA_SEED = 1234;

function normalArray(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

function uniformArray(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform();
  return out;
}

/** Glorot-uniform [fanIn, fanOut] kernels and zero biases, written as w{i}.npy / b{i}.npy. */
export function writeInitialWeights(dir: string, sizes: number[], rng: Random): void {
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < w.length; j++) w[j] = (2 * rng.uniform() - 1) * limit;
    writeNpy(path.join(dir, `w${i}.npy`), w, [fanIn, fanOut]);
    writeNpy(path.join(dir, `b${i}.npy`), new Float32Array(fanOut), [fanOut]);
  }
}

/** Glorot-uniform conv kernels [k, k, in, out] and zero biases of a CNN workload, written as cw{i}.npy / cb{i}.npy. */
function writeConvWeights(dir: string, spec: WorkloadSpec, rng: Random): void {
  const shapes = convShapes(spec);
  (spec.conv ?? []).forEach((c, i) => {
    const [k, cin, cout] = [c.kernelSize, shapes[i][2], c.filters];
    const limit = Math.sqrt(6 / (k * k * (cin + cout)));
    const w = new Float32Array(k * k * cin * cout);
    for (let j = 0; j < w.length; j++) w[j] = (2 * rng.uniform() - 1) * limit;
    writeNpy(path.join(dir, `cw${i}.npy`), w, [k, k, cin, cout]);
    writeNpy(path.join(dir, `cb${i}.npy`), new Float32Array(cout), [cout]);
  });
}

function writeTiny(dir: string, n: number, rng: Random): void {
  const x = normalArray(rng, n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = x[2 * i] ** 2 + x[2 * i + 1] ** 2 < 2 * Math.LN2 ? 1 : 0;
  writeNpy(path.join(dir, 'x_train.npy'), x, [n, 2]);
  writeNpy(path.join(dir, 'y_train.npy'), y, [n, 1]);
}

function writeMnistLike(dir: string, n: number, rng: Random): void {
  const d = 784;
  const classes = 10;
  const teacher = normalArray(rng, d * classes);
  const x = uniformArray(rng, n * d);
  const y = new Float32Array(n * classes);
  const score = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    score.fill(0);
    for (let k = 0; k < d; k++) {
      const v = x[i * d + k] - 0.5;
      for (let c = 0; c < classes; c++) score[c] += v * teacher[k * classes + c];
    }
    let best = 0;
    for (let c = 1; c < classes; c++) if (score[c] > score[best]) best = c;
    y[i * classes + best] = 1;
  }
  writeNpy(path.join(dir, 'x_train.npy'), x, [n, d]);
  writeNpy(path.join(dir, 'y_train.npy'), y, [n, classes]);
}

function writeWide(dir: string, n: number, d: number, rng: Random): void {
  const x = normalArray(rng, n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < d; k++) if (x[i * d + k] > x[i * d + best]) best = k;
    y[i] = best;
  }
  writeNpy(path.join(dir, 'x_train.npy'), x, [n, d]);
  writeNpy(path.join(dir, 'y_train.npy'), y, [n]);
}

function writeBags(dir: string, n: number, bag: number, vocab: number, dim: number, rng: Random): void {
  const score = normalArray(rng, vocab);
  const x = new Float32Array(n * bag);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < bag; k++) {
      const id = Math.min(vocab - 1, Math.floor(rng.uniform() * vocab));
      x[i * bag + k] = id;
      s += score[id];
    }
    y[i] = s > 0 ? 1 : 0;
  }
  writeNpy(path.join(dir, 'x_train.npy'), x, [n, bag]);
  writeNpy(path.join(dir, 'y_train.npy'), y, [n]);
  const table = new Float32Array(vocab * dim);
  for (let j = 0; j < table.length; j++) table[j] = (2 * rng.uniform() - 1) * 0.05;
  writeNpy(path.join(dir, 'e.npy'), table, [vocab, dim]);
}

function writeDigits(dir: string, seed = 0): number {
  const ds = loadDataset('digits');
  const split = trainTestSplit(ds.x, ds.y, { testSize: 0.2, seed, stratify: true });
  const scaler = new StandardScaler();
  const xTrain = scaler.fitTransform(split.xTrain);
  const xTest = scaler.transform(split.xTest);
  writeNpy(path.join(dir, 'x_train.npy'), xTrain.dataSync() as Float32Array, xTrain.shape);
  writeNpy(path.join(dir, 'y_train.npy'), split.yTrain.dataSync() as Float32Array, [split.yTrain.shape[0]]);
  writeNpy(path.join(dir, 'x_test.npy'), xTest.dataSync() as Float32Array, xTest.shape);
  writeNpy(path.join(dir, 'y_test.npy'), split.yTest.dataSync() as Float32Array, [split.yTest.shape[0]]);
  const n = xTrain.shape[0];
  for (const t of [ds.x, ds.y, split.xTrain, split.xTest, split.yTrain, split.yTest, xTrain, xTest]) t.dispose();
  return n;
}

/**
 * Writes the data, initial weights and spec.json of `spec` into `root/<name>`; returns the spec with
 * `dataDir` set (and `samples` as written).
 */
export function prepareWorkload(spec: WorkloadSpec, root: string): WorkloadSpec {
  const dir = path.join(root, spec.name);
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Random(DATA_SEED);
  let samples = spec.samples;
  const wideDir = path.join(root, 'wide');
  if (spec.name === 'wide-tf32' && fs.existsSync(path.join(wideDir, 'spec.json'))) {
    // The same data and initial weights as 'wide' (only the GEMM precision differs): linked, not written again.
    for (const f of fs.readdirSync(wideDir)) if (f.endsWith('.npy')) fs.linkSync(path.join(wideDir, f), path.join(dir, f));
  } else {
    if (spec.name === 'tiny') writeTiny(dir, samples, rng);
    else if (spec.name === 'mnist-mlp' || spec.name === 'mnist-cnn') writeMnistLike(dir, samples, rng);
    else if (spec.name === 'wide' || spec.name === 'wide-tf32') writeWide(dir, samples, spec.inputDim, rng);
    else if (spec.name === 'digits') samples = writeDigits(dir, spec.splitSeed ?? 0);
    else if (spec.embedding) writeBags(dir, samples, spec.inputDim, spec.embedding.vocab, spec.embedding.dim, rng);
    else throw new Error(`prepareWorkload: unknown workload ${spec.name}`);
    writeInitialWeights(dir, layerSizes(spec), new Random(DATA_SEED + 1));
    if (spec.conv) writeConvWeights(dir, spec, new Random(DATA_SEED + 2));
  }
  const out: WorkloadSpec = { ...spec, samples, dataDir: dir };
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(out, null, 2));
  return out;
}
