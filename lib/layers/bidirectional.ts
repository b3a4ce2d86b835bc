/**
 * The Bidirectional wrapper (Keras `Bidirectional`): runs a recurrent layer over the sequence forwards and a copy of
 * it backwards (goBackwards flipped, its own weights), and merges the two outputs.
 */
import { ShapeError, ValueError, describe } from '../errors';
import { add, mul } from '../ops/binary';
import { gather, concat } from '../ops/indexing';
import { expandDims } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { optionKeys } from '../options/strict';
import { Layer, type LayerArgs } from './layer';
import { RecurrentLayer } from './recurrent';

/** How the two directions are merged. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/** Options of `bidirectional()`. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer run forwards (simpleRnn, lstm or gru), or its `{ className, config }`. Required. */
  layer: RecurrentLayer | { className: string; config: Record<string, unknown> };
  /** 'concat' (default: [forward, backward] along the last axis), 'sum', 'mul' or 'ave' (the mean of the two). */
  mergeMode?: MergeMode;
}

/**
 * y = merge(forward(x), reverse_t(backward(x))) where backward is a copy of the layer (same options, goBackwards
 * flipped, its own weights); with returnSequences the backward outputs are put back in time order first, and with a
 * mask both directions output 0 at masked steps (Keras). Weights: the forward layer's, then the backward layer's.
 * With returnState the outputs are [y, ...forward states, ...backward states]. PyTorch: nn.LSTM(bidirectional=True)
 * gives the 'concat' mode.
 */
export class Bidirectional extends Layer {
  static override readonly optionKeys: readonly string[] = optionKeys<Omit<BidirectionalArgs, keyof LayerArgs>>({ layer: true, mergeMode: true });
  readonly className = 'Bidirectional';
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;

  constructor(args: BidirectionalArgs) {
    super(args, 'Bidirectional');
    const { deserializeLayer } = require('./registry') as typeof import('./registry');
    const inner = args.layer instanceof Layer ? args.layer
      : args.layer !== null && typeof args.layer === 'object' && typeof (args.layer as { className?: unknown }).className === 'string'
        ? deserializeLayer(args.layer as { className: string; config: Record<string, unknown> }) : null;
    if (!(inner instanceof RecurrentLayer)) {
      throw new ValueError(`bidirectional: layer must be a recurrent layer (simpleRnn, lstm, gru) or its { className, config }, got ${describe(args.layer)}`);
    }
    const mode = args.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(mode)) throw new ValueError(`bidirectional: mergeMode must be one of ${MERGE_MODES.join(', ')}, got ${describe(mode)}`);
    this.mergeMode = mode;
    this.forwardLayer = inner;
    const cfg = inner.getConfig();
    this.backwardLayer = deserializeLayer({
      className: inner.className,
      config: { ...cfg, name: `backward_${inner.name}`, goBackwards: !inner.goBackwards, inputShape: undefined },
    }) as RecurrentLayer;
  }

  private merged(units: number): number {
    return this.mergeMode === 'concat' ? 2 * units : units;
  }

  override inferShapes(shapes: number[][]): number[][] {
    const half = (shapes.length - 1) / 2;
    if (!Number.isInteger(half)) throw new ShapeError(`${this.name}: give the forward layer's initial states, then the backward layer's (as many), got ${shapes.length - 1} states`);
    const f = this.forwardLayer.inferShapes([shapes[0], ...shapes.slice(1, 1 + half)]);
    this.backwardLayer.inferShapes([shapes[0], ...shapes.slice(1 + half)]);
    if (!this.built) super.build(shapes[0].slice());
    const out = f[0].slice();
    out[out.length - 1] = this.merged(this.forwardLayer.units);
    return [out, ...f.slice(1), ...f.slice(1)];
  }

  computeOutputShape(inputShape: number[]): number[] {
    const out = this.forwardLayer.computeOutputShape(inputShape);
    out[out.length - 1] = this.merged(this.forwardLayer.units);
    return out;
  }

  override build(inputShape: number[]): void {
    this.inferShapes([inputShape]);
  }

  call(x: Tensor, training = false): Tensor {
    return this.invoke([x], training)[0];
  }

  override invoke(xs: Tensor[], training: boolean): Tensor[] {
    return this.invokeMasked(xs, training, []);
  }

  override invokeMasked(xs: Tensor[], training: boolean, masks: ReadonlyArray<Tensor | null>): Tensor[] {
    if (!Array.isArray(xs) || xs.length === 0) throw new ValueError(`${this.name}: inputs must be a Tensor or a list [x, ...initialStates], got ${describe(xs)}`);
    const mask = masks[0] ?? null;
    const half = (xs.length - 1) / 2;
    if (!Number.isInteger(half)) throw new ShapeError(`${this.name}: give the forward layer's initial states, then the backward layer's (as many), got ${xs.length - 1} states`);
    const fIn = [xs[0], ...xs.slice(1, 1 + half)];
    const bIn = [xs[0], ...xs.slice(1 + half)];
    if (!this.built) this.build(xs[0].shape.slice(1));
    const [fOut, ...fStates] = this.forwardLayer.run(fIn, mask, training);
    const [bBack, ...bStates] = this.backwardLayer.run(bIn, mask, training);
    let bOut = bBack;
    let a = fOut;
    if (this.forwardLayer.returnSequences) {
      const T = xs[0].shape[1];
      bOut = gather(bOut, Int32Array.from({ length: T }, (_, i) => T - 1 - i), 1);
      if (mask !== null) {
        const m = expandDims(mask, 2);
        a = mul(a, m);
        bOut = mul(bOut, m);
      }
    }
    let y: Tensor;
    if (this.mergeMode === 'concat') y = concat([a, bOut], -1);
    else if (this.mergeMode === 'sum') y = add(a, bOut);
    else if (this.mergeMode === 'mul') y = mul(a, bOut);
    else y = mul(add(a, bOut), 0.5);
    return this.forwardLayer.returnState ? [y, ...fStates, ...bStates] : [y];
  }

  override computeOutputMask(xs: Tensor[], masks: ReadonlyArray<Tensor | null>): Tensor | null {
    return this.forwardLayer.computeOutputMask(xs, masks);
  }

  override get weights(): Variable[] {
    return [...this.forwardLayer.weights, ...this.backwardLayer.weights];
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights] : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? [] : this.weights;
  }

  override regularizationLoss(): Tensor | null {
    const parts = [this.forwardLayer.regularizationLoss(), this.backwardLayer.regularizationLoss()].filter((p): p is Tensor => p !== null);
    return parts.length === 0 ? null : parts.length === 1 ? parts[0] : add(parts[0], parts[1]);
  }

  override repeatableStep(): boolean {
    return this.constructor === Bidirectional && this.forwardLayer.repeatableStep() && this.backwardLayer.repeatableStep();
  }

  override countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.forwardLayer.className, config: this.forwardLayer.getConfig() }, mergeMode: this.mergeMode };
  }

  override dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
    super.dispose();
  }
}

/**
 * A `Bidirectional` wrapper: `bidirectional(lstm({ units: 64 }), { mergeMode: 'sum' })` or
 * `bidirectional({ layer: lstm({ units: 64 }) })`.
 */
export function bidirectional(layer: RecurrentLayer | BidirectionalArgs, options: Omit<BidirectionalArgs, 'layer'> = {}): Bidirectional {
  if (layer instanceof RecurrentLayer) {
    if (options === null || typeof options !== 'object') throw new ValueError(`bidirectional: options must be an object, got ${describe(options)}`);
    return new Bidirectional({ ...options, layer });
  }
  if (layer === null || typeof layer !== 'object') throw new ValueError(`bidirectional: pass a recurrent layer or options with layer, got ${describe(layer)}`);
  return new Bidirectional(layer);
}
