/** The simple RNN layer (Keras `SimpleRNN`) on the fused `rnnStep` kernels. */
import { ValueError, describe } from '../errors';
import { slice } from '../ops/indexing';
import { rnnSequence } from '../ops/recurrent';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { RECURRENT_KEYS, RecurrentLayer, type CellRun, type RecurrentArgs } from './recurrent';

/** Options of `simpleRnn()`. */
export type SimpleRNNArgs = RecurrentArgs;

/**
 * Fully connected recurrence over [batch, time, features]: h_t = act(x_t W + h_{t-1} U + b) (kernel
 * [features, units], recurrentKernel [units, units], bias [units]; act default tanh). PyTorch's nn.RNN is the same
 * with weights transposed and two biases (b_ih + b_hh = b).
 */
export class SimpleRNN extends RecurrentLayer {
  static override readonly optionKeys: readonly string[] = RECURRENT_KEYS;
  readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly stateCount = 1;

  constructor(args: SimpleRNNArgs) {
    super(args, 'SimpleRNN', 'simpleRnn');
  }

  protected runCell(xw: Tensor, [h0]: Tensor[], mask: Tensor | null, recurrentMask: Tensor | null): CellRun {
    const [T, B] = xw.shape, U = this.units;
    const states = rnnSequence(xw, this.recurrentKernel as Variable, h0, mask, this.activation, recurrentMask);
    const sequence = this.returnSequences ? reshape(slice(states, [1, 0, 0], [T, B, U]), [T, B, U]) : null;
    const h = reshape(slice(states, [T, 0, 0], [1, B, U]), [B, U]);
    return { sequence, finals: [h] };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === SimpleRNN;
  }
}

/** A `SimpleRNN` layer: `simpleRnn({ units: 16 })`. */
export function simpleRnn(args: SimpleRNNArgs): SimpleRNN {
  if (args === null || typeof args !== 'object') throw new ValueError(`simpleRnn: options must be an object with units, got ${describe(args)}`);
  return new SimpleRNN(args);
}
