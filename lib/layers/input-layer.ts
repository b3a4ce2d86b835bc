/** The input layer of a graph model: `my.input({ shape, name })` makes one and returns its symbolic tensor. */
import { ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkSampleShape, Layer } from './layer';
import { GraphNode, type SymbolicTensor } from './symbolic';

/** Options of `my.input`. */
export interface InputArgs {
  /** Shape of one sample, batch dimension excluded, e.g. [12]. Required. */
  shape: number[];
  /** The input's name (the key of this input in `fit({ name: x })`); default `input`, `input_1`, ... */
  name?: string;
}

/** A layer with no weights that stands for a model input; it has one node and no inbound tensors. */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';

  constructor(args: InputArgs) {
    if (args === null || typeof args !== 'object') throw new ValueError(`input: options must be { shape, name? }, got ${describe(args)}`);
    const shape = checkSampleShape(args.shape, `input${typeof args.name === 'string' ? ` ${JSON.stringify(args.name)}` : ''}: shape`);
    super({ name: args.name, inputShape: shape }, 'Input');
    this.built = true;
    new GraphNode(this, [], [shape]);
  }

  /** The symbolic tensor this input stands for. */
  get output(): SymbolicTensor {
    return this.inboundNodes[0].outputs[0];
  }

  /** The identity (an input layer passes its data on). */
  call(x: Tensor): Tensor {
    return x;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return inputShape.slice();
  }

  /** `{ name, shape }`. */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, shape: (this.inputShape as number[]).slice() };
  }

  protected override deterministicCall(): boolean {
    return true;
  }
}

/**
 * A symbolic model input: `const x = my.input({ shape: [12], name: 'numeric' })`. Apply layers to it
 * (`layer.apply(x)`) and make a model with `my.model({ inputs: [x], outputs: [...] })`.
 */
export function input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
