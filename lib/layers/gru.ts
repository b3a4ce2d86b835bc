/** The GRU layer (Keras `GRU`, reset_after form): gates z, r, h on the fused `gruStep` kernels. */
import { ValueError, describe } from '../errors';
import { zeros } from '../ops/creation';
import { slice } from '../ops/indexing';
import { gruSequence, type CellActivation } from '../ops/recurrent';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { optionKeys } from '../options/strict';
import type { LayerArgs } from './layer';
import { RECURRENT_KEYS, RecurrentLayer, cellActivation, type CellRun, type RecurrentArgs } from './recurrent';

/** Options of `gru()`. */
export interface GRUArgs extends RecurrentArgs {
  /** Activation of the gates z and r: 'sigmoid' (default), 'tanh', 'relu' or 'linear'. */
  recurrentActivation?: CellActivation;
  /**
   * Apply the reset gate after the recurrent product (Keras 3's default and cuDNN's / PyTorch's form; true). The
   * reset-before form (Keras 2's default) is not implemented: false is an error.
   */
  resetAfter?: boolean;
}

/**
 * Gated recurrent unit over [batch, time, features], Keras's reset_after form: with x W + b_in and
 * a = h_{t-1} U + b_rec split into the gates z, r, h (kernel [features, 3 units], recurrentKernel [units, 3 units],
 * bias [2, 3 units]: input row, recurrent row), z = s(x_z + a_z), r = s(x_r + a_r), n = act(x_h + r a_h),
 * h_t = z h_{t-1} + (1 - z) n. PyTorch's nn.GRU computes the same with its gates ordered r, z, n and
 * h_t = (1 - z) n + z h_{t-1}.
 */
export class GRU extends RecurrentLayer {
  static override readonly optionKeys: readonly string[] = [...RECURRENT_KEYS, ...optionKeys<Omit<GRUArgs, keyof RecurrentArgs | keyof LayerArgs>>({
    recurrentActivation: true, resetAfter: true,
  })];
  readonly className = 'GRU';
  readonly recurrentActivation: CellActivation;
  readonly resetAfter = true;
  protected readonly gates = 3;
  protected readonly stateCount = 1;

  constructor(args: GRUArgs) {
    super(args, 'GRU', 'gru');
    this.recurrentActivation = cellActivation('gru', 'recurrentActivation', args.recurrentActivation, 'sigmoid');
    if (args.resetAfter !== undefined && args.resetAfter !== true) {
      throw new ValueError(`gru: resetAfter must be true (the reset-after form of Keras 3, PyTorch and cuDNN; the reset-before form is not implemented), got ${describe(args.resetAfter)}`);
    }
  }

  protected override biasShape(): number[] {
    return [2, 3 * this.units];
  }

  /** Bias row `row` (0: input, 1: recurrent) as a [3 units] tensor. */
  private biasRow(row: number): Tensor {
    return reshape(slice(this.bias as Variable, [row, 0], [1, 3 * this.units]), [3 * this.units]);
  }

  protected override inputBias(): Tensor | null {
    return this.bias ? this.biasRow(0) : null;
  }

  protected runCell(xw: Tensor, [h0]: Tensor[], mask: Tensor | null, recurrentMask: Tensor | null): CellRun {
    const [T, B] = xw.shape, U = this.units;
    const recBias = this.bias ? this.biasRow(1) : this.zeroBias();
    const states = gruSequence(xw, this.recurrentKernel as Variable, recBias, h0, mask, this.activation, this.recurrentActivation, recurrentMask);
    const sequence = this.returnSequences ? reshape(slice(states, [1, 0, 0], [T, B, U]), [T, B, U]) : null;
    const h = reshape(slice(states, [T, 0, 0], [1, B, U]), [B, U]);
    return { sequence, finals: [h] };
  }

  private zeroBias(): Tensor {
    return zeros([3 * this.units]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, resetAfter: true };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === GRU;
  }
}

/** A `GRU` layer: `gru({ units: 32 })`. */
export function gru(args: GRUArgs): GRU {
  if (args === null || typeof args !== 'object') throw new ValueError(`gru: options must be an object with units, got ${describe(args)}`);
  return new GRU(args);
}
