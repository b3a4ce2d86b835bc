/**
 * `compile` of a model with several outputs (or loss weights): one loss, weight and list of metrics per output
 * ("head"), given as one value for every output, an array in output order, or an object keyed by output name
 * (Keras). The targets of the heads travel packed side by side in one [n, columns] tensor (lib/models/graph-data.ts),
 * so that fit's one-x-one-y machinery (recorded, compiled and native steps) serves these models unchanged; each
 * head reads its columns back with `slice` + `reshape`.
 *
 *   loss = sum_h lossWeight_h * loss_h(y_h, output_h) + weight penalties + activity penalties
 */
import { ValueError, describe } from '../errors';
import { getLoss, type Loss } from '../losses/loss';
import { getMetric } from '../metrics/index';
import type { Metric } from '../metrics/metric';
import { slice } from '../ops/indexing';
import { reshape } from '../ops/reshape';
import { softmax } from '../ops/softmax';
import { sigmoid } from '../ops/unary';
import { tidy } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import type { CompileArgs, LossId } from './compile';

/** What compile needs to know of each model output. */
export interface OutputInfo {
  name: string;
  /** Sample shape of the output. */
  shape: number[];
  /** The final activation a cross-entropy may take as logits (see lib/models/graph-run.ts), or null. */
  activation: 'softmax' | 'sigmoid' | null;
}

/** One output's loss, weight and place in the packed targets and outputs. */
export interface Head {
  name: string;
  loss: Loss;
  /** The loss from logits when the output's softmax / sigmoid is fused into it, else null. */
  logitsLoss: Loss | null;
  outputActivation: 'softmax' | 'sigmoid' | null;
  weight: number;
  /** Sample shape of the output, and of its target ([] for sparse labels). */
  outputShape: number[];
  targetShape: number[];
  /** Columns of the head's target in the packed y, and of its output in the packed output. */
  yOffset: number;
  ySize: number;
  outOffset: number;
  outSize: number;
}

const FUSABLE: Record<'softmax' | 'sigmoid', string[]> = {
  softmax: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
  sigmoid: ['binaryCrossentropy'],
};

/** True for one loss: a name, a function, a Loss object, or `{ name, config? }`. */
export function isOneLoss(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'function') return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.perSample === 'function') return true;
  return typeof o.name === 'string' && Object.keys(o).every((k) => k === 'name' || k === 'config');
}

/** True for an object keyed by output names (not a loss, metric or array). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype && !isOneLoss(v) && typeof (v as { update?: unknown }).update !== 'function';

/**
 * The value of `arg` for each output: one value for all, an array in output order, or an object keyed by output
 * name (every key an output name; missing outputs get `dflt`, or an error when `dflt` is undefined).
 */
export function perOutput<T>(value: unknown, outputs: OutputInfo[], arg: string, dflt: T | undefined, single: (v: unknown) => boolean): T[] {
  const names = outputs.map((o) => o.name);
  if (Array.isArray(value) && !single(value)) {
    if (value.length !== outputs.length) throw new ValueError(`compile: ${arg} as an array needs one entry per output (${names.join(', ')}), got ${value.length}`);
    return value as T[];
  }
  if (isPlainObject(value) && !single(value)) {
    const unknown = Object.keys(value).filter((k) => !names.includes(k));
    if (unknown.length > 0) throw new ValueError(`compile: ${arg} names ${unknown.map((k) => JSON.stringify(k)).join(', ')}, which is not an output; outputs: ${names.join(', ')}`);
    return names.map((n) => {
      if (n in value) return value[n] as T;
      if (dflt === undefined) throw new ValueError(`compile: ${arg} has no entry for output ${JSON.stringify(n)}; outputs: ${names.join(', ')}`);
      return dflt;
    });
  }
  return outputs.map(() => value as T);
}

/** The packed width of a sample shape. */
export const widthOf = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/**
 * Resolves the loss and loss weight of each output. Losses: a name, Loss, function or `{ name, config }` for all,
 * an array, or an object keyed by output name (every output needs one). Loss weights: numbers >= 0, default 1.
 */
export function resolveHeads(args: CompileArgs & { lossWeights?: unknown }, outputs: OutputInfo[]): Head[] {
  const losses = perOutput<LossId>(args.loss, outputs, 'loss', undefined, isOneLoss);
  const weights = args.lossWeights === undefined ? outputs.map(() => 1) : perOutput<unknown>(args.lossWeights, outputs, 'lossWeights', 1, (v) => typeof v === 'number');
  let yOffset = 0;
  let outOffset = 0;
  return outputs.map((o, k) => {
    const w = weights[k];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new ValueError(`compile: lossWeights for output ${JSON.stringify(o.name)} must be a finite number >= 0, got ${describe(w)}`);
    if (losses[k] === undefined || losses[k] === null) throw new ValueError(`compile: loss for output ${JSON.stringify(o.name)} is required`);
    const loss = getLoss(losses[k]);
    const logitsLoss = o.activation !== null && FUSABLE[o.activation].includes(loss.name) && !loss.fromLogits
      ? getLoss({ name: loss.name, config: { ...loss.getConfig(), fromLogits: true } })
      : null;
    const targetShape = loss.name === 'sparseCategoricalCrossentropy' ? [] : o.shape.slice();
    const head: Head = {
      name: o.name, loss, logitsLoss, outputActivation: logitsLoss ? o.activation : null, weight: w,
      outputShape: o.shape.slice(), targetShape, yOffset, ySize: widthOf(targetShape), outOffset, outSize: widthOf(o.shape),
    };
    yOffset += head.ySize;
    outOffset += head.outSize;
    return head;
  });
}

/** Columns [offset, offset + size) of a packed [n, columns] tensor, shaped [n, ...shape]. */
export function unpackColumns(packed: Tensor, offset: number, size: number, shape: readonly number[]): Tensor {
  const n = packed.shape[0];
  const part = offset === 0 && size === packed.shape[1] ? packed : slice(packed, [0, offset], [n, size]);
  const want = [n, ...shape];
  return want.length === 2 && want[1] === size ? part : reshape(part, want);
}

/** The head's target from the packed y. */
export function headTarget(head: Head, y: Tensor): Tensor {
  return unpackColumns(y, head.yOffset, head.ySize, head.targetShape);
}

/** A metric of one head: reads the head's columns of the packed target and output; named `<output>_<metric>`. */
class HeadMetric implements Metric {
  readonly name: string;

  constructor(private readonly head: Head, private readonly inner: Metric, prefix: boolean) {
    this.name = prefix ? `${head.name}_${inner.name}` : inner.name;
  }

  update(yTrue: Tensor, yPred: Tensor): void {
    tidy(() => {
      const h = this.head;
      let pred = unpackColumns(yPred, h.outOffset, h.outSize, h.outputShape);
      if (h.outputActivation === 'softmax') pred = softmax(pred, -1);
      else if (h.outputActivation === 'sigmoid') pred = sigmoid(pred);
      this.inner.update(headTarget(h, yTrue), pred);
    });
  }

  /** The wrapped metric's own name. */
  get innerName(): string {
    return this.inner.name;
  }

  result(): number {
    return this.inner.result();
  }

  reset(): void {
    this.inner.reset();
  }
}

/**
 * The metrics of each head: an array (names or Metric objects) applied to every output, or an object keyed by
 * output name whose values are a name, a Metric or an array of them. With several outputs each metric is named
 * `<output>_<metric>` (Keras); the serializable form is returned with them.
 */
export function resolveHeadMetrics(value: unknown, heads: Head[]): { metrics: Metric[]; config: string[] | Record<string, string[]> } {
  if (value === undefined || value === null) return { metrics: [], config: [] };
  const outputs = heads.map((h) => ({ name: h.name, shape: h.outputShape, activation: null }));
  const prefix = heads.length > 1;
  const lists = isPlainObject(value)
    ? perOutput<unknown>(value, outputs, 'metrics', [], () => false)
    : Array.isArray(value) ? heads.map(() => value) : null;
  if (lists === null) throw new ValueError(`compile: metrics must be an array of names or Metric objects, or an object keyed by output name, got ${describe(value)}`);
  const metrics: Metric[] = [];
  const byHead: Record<string, string[]> = {};
  heads.forEach((h, k) => {
    const list = Array.isArray(lists[k]) ? lists[k] as unknown[] : [lists[k]];
    byHead[h.name] = [];
    for (const id of list) {
      const m = new HeadMetric(h, getMetric(id as string, h.loss.name), prefix);
      if (metrics.some((x) => x.name === m.name) || m.name === 'loss') throw new ValueError(`compile: metric name ${JSON.stringify(m.name)} appears twice (or clashes with 'loss')`);
      metrics.push(m);
      byHead[h.name].push(m.innerName);
    }
  });
  return { metrics, config: isPlainObject(value) || prefix ? byHead : byHead[heads[0].name] };
}
