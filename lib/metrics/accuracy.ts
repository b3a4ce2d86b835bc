/** Streaming accuracies: binary (threshold), categorical (argmax), sparse (index vs argmax), and Keras' 'accuracy'. */
import { ShapeError, ValueError, describe } from '../errors';
import { checkLive } from '../losses/checks';
import type { Tensor } from '../tensor/tensor';
import { Mean, readBinaryPair, readPair, valueWeights } from './checks';
import type { Metric } from './metric';

/** The index of the largest of x[off .. off + c) (the first one on ties). */
export function argmaxRow(x: Float32Array, off: number, c: number): number {
  let best = 0;
  for (let j = 1; j < c; j++) if (x[off + j] > x[off + best]) best = j;
  return best;
}

/** Counts the correct predictions of a batch and how many were judged, each judgement weighted by `w` (or 1). */
export type Counter = (yTrue: Tensor, yPred: Tensor, w: Tensor | null) => { correct: number; count: number };

/** A metric that averages `correct / count` over every batch since the last reset. */
export function streaming(name: string, counter: Counter): Metric {
  const acc = new Mean();
  return {
    name,
    update(yTrue, yPred, sampleWeight) {
      const { correct, count } = counter(yTrue, yPred, sampleWeight ?? null);
      acc.add(correct, count);
    },
    result: () => acc.value(),
    reset: () => acc.reset(),
  };
}

/** Sums the weights of the hits among `n` judgements (weights from `w`, else 1 each) and the weights of all. */
export function tally(owner: string, n: number, w: Tensor | null, hit: (i: number) => boolean): { correct: number; count: number } {
  const weights = valueWeights(owner, n, w);
  let correct = 0, count = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights === null ? 1 : weights[i];
    count += wi;
    if (wi !== 0 && hit(i)) correct += wi;
  }
  return { correct, count };
}

function binaryCounter(owner: string, threshold: number): Counter {
  return (yTrue, yPred, w) => {
    const { t, p } = readBinaryPair(owner, yTrue, yPred);
    return tally(owner, p.length, w, (i) => (p[i] > threshold ? 1 : 0) === t[i]);
  };
}

function categoricalCounter(owner: string): Counter {
  return (yTrue, yPred, w) => {
    const { t, p } = readPair(owner, yTrue, yPred);
    const c = yPred.shape[yPred.rank - 1];
    const rows = c === 0 ? 0 : p.length / c;
    return tally(owner, rows, w, (r) => argmaxRow(t, r * c, c) === argmaxRow(p, r * c, c));
  };
}

/**
 * Checks sparse labels against predictions [..., classes] (one class index per row, [rows] or with a trailing 1)
 * and returns their values, the row count and the class count.
 */
export function readSparsePair(owner: string, yTrue: Tensor, yPred: Tensor): { t: Float32Array; p: Float32Array; rows: number; c: number } {
  checkLive(owner, 'yTrue', yTrue);
  checkLive(owner, 'yPred', yPred);
  if (yPred.rank < 2) throw new ShapeError(`${owner}: yPred must have shape [batch, classes], got [${yPred.shape.join(', ')}]`);
  const c = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / Math.max(c, 1);
  if (yTrue.size !== rows || !(yTrue.rank === yPred.rank - 1 || (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1))) {
    throw new ShapeError(`${owner}: yTrue must hold one class index per sample ([${yPred.shape.slice(0, -1).join(', ')}] or with a trailing 1), got [${yTrue.shape.join(', ')}]`);
  }
  return { t: yTrue.dataSync(), p: yPred.dataSync(), rows, c };
}

function sparseCounter(owner: string): Counter {
  return (yTrue, yPred, w) => {
    const { t, p, rows, c } = readSparsePair(owner, yTrue, yPred);
    return tally(owner, rows, w, (r) => argmaxRow(p, r * c, c) === t[r]);
  };
}

/** Fraction of elements with (yPred > threshold) equal to yTrue (labels 0/1). Default threshold 0.5. */
export function binaryAccuracy(options?: { threshold?: number; name?: string }): Metric {
  const o = options ?? {};
  const threshold = o.threshold ?? 0.5;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new ValueError(`binaryAccuracy: threshold must be a finite number, got ${describe(threshold)}`);
  const name = o.name ?? 'binaryAccuracy';
  return streaming(name, binaryCounter(name, threshold));
}

/** Fraction of rows where argmax(yPred) equals argmax(yTrue) (one-hot targets). */
export function categoricalAccuracy(options?: { name?: string }): Metric {
  const name = options?.name ?? 'categoricalAccuracy';
  return streaming(name, categoricalCounter(name));
}

/** Fraction of rows where argmax(yPred) equals the class index in yTrue ([batch] or [batch, 1]). */
export function sparseCategoricalAccuracy(options?: { name?: string }): Metric {
  const name = options?.name ?? 'sparseCategoricalAccuracy';
  return streaming(name, sparseCounter(name));
}

/**
 * Keras' 'accuracy': binary for binaryCrossentropy, categorical for categoricalCrossentropy, sparse for
 * sparseCategoricalCrossentropy; for other losses the kind is chosen from the shapes of the first batch.
 */
export function accuracy(name: string, lossName: string): Metric {
  if (lossName === 'binaryCrossentropy') return binaryAccuracy({ name });
  if (lossName === 'categoricalCrossentropy') return categoricalAccuracy({ name });
  if (lossName === 'sparseCategoricalCrossentropy') return sparseCategoricalAccuracy({ name });
  let counter: Counter | null = null;
  return streaming(name, (yTrue, yPred, w) => {
    if (counter === null) {
      checkLive(name, 'yTrue', yTrue);
      checkLive(name, 'yPred', yPred);
      const c = yPred.rank > 0 ? yPred.shape[yPred.rank - 1] : 1;
      const sparse = yTrue.rank === yPred.rank - 1 || (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 && c > 1);
      counter = yPred.rank < 2 || c === 1 ? binaryCounter(name, 0.5) : sparse ? sparseCounter(name) : categoricalCounter(name);
    }
    return counter(yTrue, yPred, w);
  });
}
