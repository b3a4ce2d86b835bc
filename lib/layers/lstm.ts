/** The LSTM layer (Keras `LSTM`): gates i, f, c, o on the fused `lstmStep` kernels. */
import { ValueError, describe } from '../errors';
import type { Initializer } from '../initializers/initializer';
import { fill } from '../ops/creation';
import { concat, slice } from '../ops/indexing';
import { lstmSequence, type CellActivation } from '../ops/recurrent';
import { reshape } from '../ops/reshape';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { optionKeys } from '../options/strict';
import type { LayerArgs } from './layer';
import { RECURRENT_KEYS, RecurrentLayer, cellActivation, type CellRun, type RecurrentArgs } from './recurrent';

/** Options of `lstm()`. */
export interface LSTMArgs extends RecurrentArgs {
  /** Activation of the gates i, f, o: 'sigmoid' (default), 'tanh', 'relu' or 'linear'. */
  recurrentActivation?: CellActivation;
  /** Initialize the forget gate's bias to 1 (and the rest with biasInitializer), as Keras. Default true. */
  unitForgetBias?: boolean;
}

/**
 * Long short-term memory over [batch, time, features]. With z = x_t W + h_{t-1} U + b split into the gates
 * i, f, c, o (Keras order; kernel [features, 4 units], recurrentKernel [units, 4 units], bias [4 units]):
 * i = s(z_i), f = s(z_f), o = s(z_o), c_t = f c_{t-1} + i a(z_c), h_t = o a(c_t), with a = activation (tanh)
 * and s = recurrentActivation (sigmoid). States: [h, c]. PyTorch's nn.LSTM has the same gate order with two
 * biases (b_ih + b_hh = b here) and weights transposed ([4 units, features]).
 */
export class LSTM extends RecurrentLayer {
  static override readonly optionKeys: readonly string[] = [...RECURRENT_KEYS, ...optionKeys<Omit<LSTMArgs, keyof RecurrentArgs | keyof LayerArgs>>({
    recurrentActivation: true, unitForgetBias: true,
  })];
  readonly className = 'LSTM';
  readonly recurrentActivation: CellActivation;
  readonly unitForgetBias: boolean;
  protected readonly gates = 4;
  protected readonly stateCount = 2;

  constructor(args: LSTMArgs) {
    super(args, 'LSTM', 'lstm');
    this.recurrentActivation = cellActivation('lstm', 'recurrentActivation', args.recurrentActivation, 'sigmoid');
    if (args.unitForgetBias !== undefined && typeof args.unitForgetBias !== 'boolean') {
      throw new ValueError(`lstm: unitForgetBias must be a boolean, got ${describe(args.unitForgetBias)}`);
    }
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override initialBias(shape: number[]): Initializer {
    if (!this.unitForgetBias) return super.initialBias(shape);
    const U = this.units, base = this.biasInitializer;
    return {
      className: base.className,
      init: () => {
        const parts = [base.init([U]), fill([U], 1), base.init([2 * U])];
        const out = concat(parts, 0);
        for (const p of parts) p.dispose();
        return out;
      },
      getConfig: () => base.getConfig(),
    };
  }

  protected runCell(xw: Tensor, [h0, c0]: Tensor[], mask: Tensor | null, recurrentMask: Tensor | null): CellRun {
    const [T, B] = xw.shape, U = this.units;
    const states = lstmSequence(xw, this.recurrentKernel as Variable, h0, c0, mask, this.activation, this.recurrentActivation, recurrentMask);
    const sequence = this.returnSequences ? reshape(slice(states, [0, 1, 0, 0], [1, T, B, U]), [T, B, U]) : null;
    const h = reshape(slice(states, [0, T, 0, 0], [1, 1, B, U]), [B, U]);
    const c = reshape(slice(states, [1, T, 0, 0], [1, 1, B, U]), [B, U]);
    return { sequence, finals: [h, c] };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, unitForgetBias: this.unitForgetBias };
  }

  protected override deterministicCall(): boolean {
    return this.constructor === LSTM;
  }
}

/** An `LSTM` layer: `lstm({ units: 64, returnSequences: true })`. */
export function lstm(args: LSTMArgs): LSTM {
  if (args === null || typeof args !== 'object') throw new ValueError(`lstm: options must be an object with units, got ${describe(args)}`);
  return new LSTM(args);
}
