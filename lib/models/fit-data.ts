/** Validation and preparation of the data `fit` / `evaluate` receive: x, y, weights, labels, splits. */
import { checkUnitLabels } from '../losses/checks';
import { ShapeError, ValueError, describe } from '../errors';
import { reshape } from '../ops/reshape';
import { slice } from '../ops/indexing';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { checkSameRows, toTensor } from './input-data';
import type { Model } from './model';

/** Validated x and y tensors of one data set; `dispose()` frees what was created for them. */
export interface Prepared {
  x: Tensor;
  y: Tensor;
  n: number;
  dispose(): void;
}

const BUILTIN_DENSE_TARGETS = [
  'meanSquaredError', 'meanAbsoluteError', 'huber', 'binaryCrossentropy', 'categoricalCrossentropy',
  'klDivergence', 'hinge', 'squaredHinge', 'poisson', 'cosineSimilarity', 'logCosh',
];

/**
 * Converts x and y, builds the model from x when needed, and checks them against the model: sample shape
 * of x, rows of y, y's shape against the output for the built-in losses, and sparse labels (integers in
 * [0, classes), reported with their row). With `deferFiniteX` the check that x is finite is left to the caller
 * (lib/engine/finite-check.ts `checkFiniteAsync`, off the JavaScript thread).
 */
export function prepareXY(model: Model, compiled: Compiled, xIn: unknown, yIn: unknown, op: string, deferFiniteX = false): Prepared {
  const owned: Tensor[] = [];
  const disposeAll = () => { for (const t of owned) t.dispose(); };
  try {
    const cx = toTensor(xIn, `${op}: x`, deferFiniteX);
    if (cx.owned) owned.push(cx.tensor);
    const cy = toTensor(yIn, `${op}: y`);
    if (cy.owned) owned.push(cy.tensor);
    const x = cx.tensor;
    let y = cy.tensor;
    checkSameRows([[`${op}: x`, x], [`${op}: y`, y]]);
    model.ensureBuilt(x, op);
    const n = x.shape[0];
    if (compiled.heads === null) {
      const checked = checkTarget(y, model.outputShape as number[], compiled.loss.name, `${op}: y`);
      if (checked !== y) owned.push(y = checked);
    }
    return { x, y, n, dispose: disposeAll };
  } catch (err) {
    disposeAll();
    throw err;
  }
}

/**
 * Checks a target y against a model output of sample shape `out` for the built-in losses (shape; sparse labels:
 * integers in [0, classes), reported with their row; 0/1-range labels for the cross-entropies). Returns y, or a
 * reshaped view the caller owns: [n] for sparse labels given as [n, 1], [n, 1] for targets given as [n].
 */
export function checkTarget(y: Tensor, out: number[], lossName: string, arg: string): Tensor {
  const n = y.shape[0];
  if (lossName === 'sparseCategoricalCrossentropy') {
    if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
      throw new ShapeError(`${arg} must hold one class index per sample for sparseCategoricalCrossentropy, shape [${n}] or [${n}, 1], got [${y.shape.join(', ')}]`);
    }
    const classes = out[out.length - 1];
    const labels = y.dataSync();
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new ValueError(`${arg}[${i}] = ${v} is not a class index; labels must be integers in [0, ${classes - 1}] for a model with ${classes} outputs`);
      }
    }
    return y.rank === 2 ? reshape(y, [n]) : y;
  }
  if (BUILTIN_DENSE_TARGETS.includes(lossName)) {
    const t = y.rank === 1 && out.length === 1 && out[0] === 1 ? reshape(y, [n, 1]) : y;
    const sample = t.shape.slice(1);
    if (sample.length !== out.length || sample.some((d, i) => d !== out[i])) {
      if (t !== y) t.dispose();
      throw new ShapeError(`${arg} must have shape [${n}, ${out.join(', ')}] to match the model's output for ${lossName}, got [${y.shape.join(', ')}]`);
    }
    if (lossName === 'binaryCrossentropy' || lossName === 'categoricalCrossentropy') checkUnitLabels(arg.replace(/: y$/, '') + ` (${lossName})`, 'y', t.dataSync());
    return t;
  }
  return y;
}

/**
 * The Keras 3 split (keras/src/trainers/data_adapters/array_slicing.py, `train_validation_split`): the first
 * floor(n * (1 - fraction)) rows (before shuffling) train, the rest validate.
 */
export function splitTail(p: Prepared, fraction: number): { train: Prepared; val: Prepared } {
  const nTrain = Math.floor(p.n * (1 - fraction));
  const nVal = p.n - nTrain;
  if (nTrain === 0 || nVal === 0) {
    throw new ValueError(`fit: validationSplit ${fraction} of ${p.n} samples leaves ${nTrain} for training and ${nVal} for validation; both must be at least 1`);
  }
  const part = (begin: number, count: number): Prepared => {
    const x = slice(p.x, begin, count);
    const y = slice(p.y, begin, count);
    return { x, y, n: count, dispose: () => { x.dispose(); y.dispose(); } };
  };
  return { train: part(0, nTrain), val: part(nTrain, nVal) };
}

/** Per-sample weights from `classWeight` ({ classIndex: weight }) for the labels in y. */
export function classWeights(classWeight: unknown, y: Tensor, lossName: string): Float32Array | null {
  if (classWeight === undefined || classWeight === null) return null;
  if (typeof classWeight !== 'object' || Array.isArray(classWeight)) throw new ValueError(`fit: classWeight must be an object { classIndex: weight }, got ${describe(classWeight)}`);
  const table = new Map<number, number>();
  for (const [k, v] of Object.entries(classWeight as Record<string, unknown>)) {
    const idx = Number(k);
    if (!Number.isInteger(idx) || idx < 0) throw new ValueError(`fit: classWeight keys must be class indices (integers >= 0), got ${describe(k)}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`fit: classWeight[${k}] must be a finite number >= 0, got ${describe(v)}`);
    table.set(idx, v);
  }
  const n = y.shape[0];
  const values = y.dataSync();
  const perRow = y.size / n;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let cls: number;
    if (lossName === 'sparseCategoricalCrossentropy' || perRow === 1) cls = Math.round(values[i * perRow]);
    else {
      cls = 0;
      for (let j = 1; j < perRow; j++) if (values[i * perRow + j] > values[i * perRow + cls]) cls = j;
    }
    out[i] = table.get(cls) ?? 1;
  }
  return out;
}
