/** Categorical and sparse categorical cross-entropy (Keras semantics), from probabilities or from logits. */
import { ShapeError, ValueError } from '../errors';
import { add, div, maximum, minimum, mul } from '../ops/binary';
import { meanSoftmaxCrossEntropy, softmaxCrossEntropy } from '../ops/fused';
import { sum } from '../ops/reduce';
import { reshape } from '../ops/reshape';
import { log } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { EPSILON, checkBool, checkLive, checkOptions, checkPair, checkRange, checkUnitLabels, builtInLoss, labelsPrevalidated } from './checks';

export { withPrevalidatedLabels } from './checks';
import type { Loss } from './loss';

/** Options of `categoricalCrossentropy`. */
export interface CategoricalCrossentropyOptions {
  /** yPred holds logits instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Targets become t (1 - s) + s / C for C classes. Default 0. */
  labelSmoothing?: number;
}

/** Runs `f` on [rows, C] views and gives the result the leading shape of yPred. */
function overRows(yPred: Tensor, f: (pred2d: Tensor) => Tensor): Tensor {
  const c = yPred.shape[yPred.rank - 1];
  const lead = yPred.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const out = f(yPred.rank === 2 ? yPred : reshape(yPred, [rows, c]));
  return lead.length === 1 ? out : reshape(out, lead);
}

/** yPred as [rows, C] (rows: every leading dimension). */
function asRows(yPred: Tensor): Tensor {
  const c = yPred.shape[yPred.rank - 1];
  return yPred.rank === 2 ? yPred : reshape(yPred, [-1, c]);
}

/** -sum_j t_j log(q_j), q = clip(p / sum_j p_j, 1e-7, 1 - 1e-7) (Keras' probability path), over the last axis. */
function fromProbabilities(t: Tensor, p: Tensor): Tensor {
  const q = minimum(maximum(div(p, sum(p, -1, true)), EPSILON), 1 - EPSILON);
  return mul(sum(mul(t, log(q)), -1), -1);
}

/**
 * Categorical cross-entropy per sample: -sum_j t_j log p_j over the last axis (classes). From
 * probabilities, p is normalised to sum 1 and clipped to [1e-7, 1 - 1e-7]; from logits it is the fused
 * `softmaxCrossEntropy` op. Label smoothing s: t <- t (1 - s) + s / C. yPred has rank >= 2.
 */
export function categoricalCrossentropy(options?: CategoricalCrossentropyOptions): Loss {
  const o = checkOptions('categoricalCrossentropy', options);
  const fromLogits = checkBool('categoricalCrossentropy', 'fromLogits', o.fromLogits ?? false);
  const s = checkRange('categoricalCrossentropy', 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  /** The checked targets, smoothed. */
  const targets = (yTrue: Tensor, yPred: Tensor): Tensor => {
    checkPair('categoricalCrossentropy', yTrue, yPred);
    if (!labelsPrevalidated()) checkUnitLabels('categoricalCrossentropy', 'yTrue', yTrue.dataSync());
    if (yPred.rank < 2) throw new ShapeError(`categoricalCrossentropy: yPred must have shape [batch, classes], got [${yPred.shape.join(', ')}]`);
    const c = yPred.shape[yPred.rank - 1];
    return s > 0 ? add(mul(yTrue, 1 - s), s / c) : yTrue;
  };
  const loss: Loss = {
    name: 'categoricalCrossentropy',
    fromLogits,
    perSample(yTrue: Tensor, yPred: Tensor) {
      const t = targets(yTrue, yPred);
      if (!fromLogits) return fromProbabilities(t, yPred);
      const t2d = asRows(t);
      return overRows(yPred, (logits) => softmaxCrossEntropy(logits, t2d, false));
    },
    getConfig: () => ({ fromLogits, labelSmoothing: s }),
  };
  if (fromLogits) {
    loss.batchMean = (yTrue, yPred) => {
      const t2d = asRows(targets(yTrue, yPred));
      return meanSoftmaxCrossEntropy(asRows(yPred), t2d, false);
    };
  }
  return builtInLoss(loss);
}

/** Options of `sparseCategoricalCrossentropy`. */
export interface SparseCategoricalCrossentropyOptions {
  /** yPred holds logits instead of probabilities. Default false. */
  fromLogits?: boolean;
}

/**
 * Sparse categorical cross-entropy per sample: -log p[label]. Labels are class indices stored as floats,
 * shape [batch] or [batch, 1] (generally yPred's shape without the last axis, optionally with a trailing 1);
 * they are read on the host to check that each is an integer in [0, classes). From probabilities,
 * p is normalised and clipped to [1e-7, 1 - 1e-7] (computed as the fused op on log p, i.e. softmax(log p));
 * from logits it is the fused `softmaxCrossEntropy` op.
 */
export function sparseCategoricalCrossentropy(options?: SparseCategoricalCrossentropyOptions): Loss {
  const o = checkOptions('sparseCategoricalCrossentropy', options);
  const fromLogits = checkBool('sparseCategoricalCrossentropy', 'fromLogits', o.fromLogits ?? false);
  const owner = 'sparseCategoricalCrossentropy';
  /** The checked labels [rows] and the logits [rows, C] of yPred. */
  const rowsOf = (yTrue: Tensor, yPred: Tensor): { labels: Tensor; logits: Tensor } => {
    checkLive(owner, 'yTrue', yTrue);
    checkLive(owner, 'yPred', yPred);
    const labels = checkSparseLabels(owner, yTrue, yPred);
    const pred = asRows(yPred);
    const logits = fromLogits ? pred : log(minimum(maximum(div(pred, sum(pred, -1, true)), EPSILON), 1 - EPSILON));
    return { labels, logits };
  };
  return builtInLoss({
    name: 'sparseCategoricalCrossentropy',
    fromLogits,
    perSample(yTrue: Tensor, yPred: Tensor) {
      const { labels, logits } = rowsOf(yTrue, yPred);
      const perRow = softmaxCrossEntropy(logits, labels, true);
      return yPred.rank === 2 ? perRow : reshape(perRow, yPred.shape.slice(0, -1));
    },
    batchMean(yTrue: Tensor, yPred: Tensor) {
      const { labels, logits } = rowsOf(yTrue, yPred);
      return meanSoftmaxCrossEntropy(logits, labels, true);
    },
    getConfig: () => ({ fromLogits }),
  });
}

/** Checks sparse labels against yPred and returns them flattened to [rows]. */
export function checkSparseLabels(owner: string, yTrue: Tensor, yPred: Tensor): Tensor {
  if (yPred.rank < 2) throw new ShapeError(`${owner}: yPred must have shape [batch, classes], got [${yPred.shape.join(', ')}]`);
  const lead = yPred.shape.slice(0, -1);
  const c = yPred.shape[yPred.rank - 1];
  const ts = yTrue.shape;
  const matches = (ts.length === lead.length && ts.every((d, i) => d === lead[i])) ||
    (ts.length === lead.length + 1 && ts[ts.length - 1] === 1 && lead.every((d, i) => d === ts[i]));
  if (!matches) {
    throw new ShapeError(`${owner}: yTrue must hold one class index per sample, shape [${lead.join(', ')}] or [${[...lead, 1].join(', ')}], got [${ts.join(', ')}] (yPred [${yPred.shape.join(', ')}])`);
  }
  if (!labelsPrevalidated()) {
    const values = yTrue.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < 0 || v >= c) {
        throw new ValueError(`${owner}: yTrue[${i}] must be a class index (an integer in [0, ${c})), got ${v}`);
      }
    }
  }
  const rows = lead.reduce((a, b) => a * b, 1);
  return yTrue.rank === 1 ? yTrue : reshape(yTrue, [rows]);
}
