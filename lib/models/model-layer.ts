/**
 * A model used as a layer of another model (`inner.apply(x)` on symbolic tensors): the layer's weights are the
 * model's (shared with it), its call runs the model's graph. One such layer per model (`model.asLayer()`).
 */
import { ShapeError, ValueError } from '../errors';
import { add } from '../ops/binary';
import { shapesEqual } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { Layer } from '../layers/layer';
import type { Model } from './model';

/** The layer that stands for `model` inside other models. */
export class ModelLayer extends Layer {
  readonly className: string;

  constructor(readonly model: Model) {
    super({ name: model.name }, 'Model');
    this.className = model.className;
  }

  override get weights(): Variable[] {
    return this.model.weights;
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.model.trainableWeights : [];
  }

  override get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.model.weights.filter((w) => !trainable.has(w));
  }

  /** The model's output shapes for inputs of `shapes` (a Sequential not built yet builds for them). */
  override inferShapes(shapes: number[][]): number[][] {
    const m = this.model as Model & { build?: (s: number[]) => void };
    if (m.inputShapes.length === 0 && shapes.length === 1 && m.build) m.build(shapes[0]);
    const expected = m.inputShapes;
    if (shapes.length !== expected.length) throw new ValueError(`${this.name}: the model takes ${expected.length} inputs, got ${shapes.length}`);
    shapes.forEach((s, i) => {
      if (!shapesEqual(s, expected[i])) throw new ShapeError(`${this.name}: input ${i} must have samples of shape [${expected[i].join(', ')}], got [null, ${s.join(', ')}]`);
    });
    this.built = true;
    return m.outputShapes;
  }

  override invoke(xs: Tensor[], training: boolean): Tensor[] {
    return this.invokeWithLosses(xs, training).outputs;
  }

  /** The model's graph on `xs`, with the activity penalties of its layers. */
  override invokeWithLosses(xs: Tensor[], training: boolean): { outputs: Tensor[]; activity: Tensor[] } {
    const graph = this.model.requireGraph(this.name);
    if (xs.length !== graph.inputs.length) throw new ValueError(`${this.name}: the model takes ${graph.inputs.length} inputs, got ${xs.length}`);
    return this.model.runOn(xs, training);
  }

  call(x: Tensor, training: boolean): Tensor {
    return this.invoke([x], training)[0];
  }

  computeOutputShape(inputShape: number[]): number[] {
    return this.inferShapes([inputShape])[0];
  }

  /** The sum of the weight penalties of the model's layers. */
  override regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const l of this.model.layers) {
      const r = l.regularizationLoss();
      if (r) total = total ? add(total, r) : r;
    }
    return total;
  }

  override repeatableStep(): boolean {
    return this.model.layers.every((l) => l.repeatableStep());
  }

  override countParams(): number {
    return this.model.countParams();
  }

  /** The model's own config (`{ className, config }` of the model is what a graph config stores). */
  override getConfig(): Record<string, unknown> {
    return (this.model as unknown as { getConfig(): Record<string, unknown> }).getConfig();
  }

  override dispose(): void {
    this.model.dispose();
  }
}
