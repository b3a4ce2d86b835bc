/** Validation and preparation of the data `fit` / `evaluate` receive: x, y, weights, labels, splits. */
import { checkUnitLabels } from '../losses/checks';
import { ShapeError, ValueError, describe } from '../errors';
import { reshape } from '../ops/reshape';
import { slice } from '../ops/indexing';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { checkSameRows, toTensor } from './input-data';
import type { Model } from './model';

/**
 * Throws the ValueError of the first value of values[from, to) that is not a valid label (the row is named);
 * a check of label values that can run in parts (lib/engine/label-check.ts).
 */
export type LabelRangeCheck = (values: ArrayLike<number>, from: number, to: number) => void;

/** Validated x and y tensors of one data set; `dispose()` frees what was created for them. */
export interface Prepared {
  x: Tensor;
  y: Tensor;
  n: number;
  /** The check of y's values left to the caller (prepareXY's `deferValues`), or null when none is due. */
  labelCheck?: LabelRangeCheck | null;
  dispose(): void;
}

const BUILTIN_DENSE_TARGETS = [
  'meanSquaredError', 'meanAbsoluteError', 'huber', 'binaryCrossentropy', 'categoricalCrossentropy',
  'klDivergence', 'hinge', 'squaredHinge', 'poisson', 'cosineSimilarity', 'logCosh',
];

/**
 * Converts x and y, builds the model from x when needed, and checks them against the model: sample shape
 * of x, rows of y, y's shape against the output for the built-in losses, and sparse labels (integers in
 * [0, classes), reported with their row). With `deferValues` the checks that read every value (x finite, the
 * labels' range) are left to the caller, which runs them in parts with turns of the event loop in between
 * (lib/engine/finite-check.ts `checkFiniteAsync` on x, lib/engine/label-check.ts `checkLabelsAsync` with
 * `labelCheck`).
 */
export function prepareXY(model: Model, compiled: Compiled, xIn: unknown, yIn: unknown, op: string, deferValues = false): Prepared {
  const owned: Tensor[] = [];
  const disposeAll = () => { for (const t of owned) t.dispose(); };
  try {
    const cx = toTensor(xIn, `${op}: x`, deferValues);
    if (cx.owned) owned.push(cx.tensor);
    const cy = toTensor(yIn, `${op}: y`);
    if (cy.owned) owned.push(cy.tensor);
    const x = cx.tensor;
    let y = cy.tensor;
    checkSameRows([[`${op}: x`, x], [`${op}: y`, y]]);
    model.ensureBuilt(x, op);
    const n = x.shape[0];
    let labelCheck: LabelRangeCheck | null = null;
    if (compiled.heads === null) {
      const out = model.outputShape as number[];
      const checked = checkTarget(y, out, compiled.loss.name, `${op}: y`, deferValues);
      if (checked !== y) owned.push(y = checked);
      if (deferValues) labelCheck = labelValueCheck(compiled.loss.name, out, `${op}: y`);
    }
    return { x, y, n, labelCheck, dispose: disposeAll };
  } catch (err) {
    disposeAll();
    throw err;
  }
}

/**
 * The check of every label value that the built-in loss `lossName` needs, for a model output of sample shape
 * `out`: sparse labels are integers in [0, classes); the cross-entropies' labels lie in [0, 1]. Null when the
 * loss accepts any finite value.
 */
export function labelValueCheck(lossName: string, out: number[], arg: string): LabelRangeCheck | null {
  if (lossName === 'sparseCategoricalCrossentropy') {
    const classes = out[out.length - 1];
    return (labels, from, to) => {
      for (let i = from; i < to; i++) {
        const v = labels[i];
        if (!Number.isInteger(v) || v < 0 || v >= classes) {
          throw new ValueError(`${arg}[${i}] = ${v} is not a class index; labels must be integers in [0, ${classes - 1}] for a model with ${classes} outputs`);
        }
      }
    };
  }
  if (lossName === 'binaryCrossentropy' || lossName === 'categoricalCrossentropy') {
    const owner = arg.replace(/: y$/, '') + ` (${lossName})`;
    return (labels, from, to) => checkUnitLabels(owner, 'y', labels, from, to);
  }
  return null;
}

/**
 * Checks a target y against a model output of sample shape `out` for the built-in losses (shape; sparse labels:
 * integers in [0, classes), reported with their row; 0/1-range labels for the cross-entropies). Returns y, or a
 * reshaped view the caller owns: [n] for sparse labels given as [n, 1], [n, 1] for targets given as [n]. With
 * `deferValues` only shapes are checked (the values: `labelValueCheck`).
 */
export function checkTarget(y: Tensor, out: number[], lossName: string, arg: string, deferValues = false): Tensor {
  const n = y.shape[0];
  const values = labelValueCheck(lossName, out, arg);
  if (lossName === 'sparseCategoricalCrossentropy') {
    if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
      throw new ShapeError(`${arg} must hold one class index per sample for sparseCategoricalCrossentropy, shape [${n}] or [${n}, 1], got [${y.shape.join(', ')}]`);
    }
    if (!deferValues && values) values(y.dataSync(), 0, y.size);
    return y.rank === 2 ? reshape(y, [n]) : y;
  }
  if (BUILTIN_DENSE_TARGETS.includes(lossName)) {
    const t = y.rank === 1 && out.length === 1 && out[0] === 1 ? reshape(y, [n, 1]) : y;
    const sample = t.shape.slice(1);
    if (sample.length !== out.length || sample.some((d, i) => d !== out[i])) {
      if (t !== y) t.dispose();
      throw new ShapeError(`${arg} must have shape [${n}, ${out.join(', ')}] to match the model's output for ${lossName}, got [${y.shape.join(', ')}]`);
    }
    if (!deferValues && values) values(t.dataSync(), 0, t.size);
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
    return { x, y, n: count, labelCheck: p.labelCheck ?? null, dispose: () => { x.dispose(); y.dispose(); } };
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
