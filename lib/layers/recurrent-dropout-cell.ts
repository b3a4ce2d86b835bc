/**
 * The recurrent cells composed of ops, for training with `recurrentDropout` (Keras semantics): one mask
 * m [batch, units] per call (already scaled: m = Bernoulli(1 - rate) / (1 - rate)), fixed over the time steps,
 * multiplies the previous state only where it enters the recurrent product, h_{t-1} -> (m h_{t-1}) U. The GRU's
 * blend z h_{t-1} and the carry of masked steps use the undropped state. Without recurrent dropout (and at
 * inference) the layers run the fused sequence kernels instead; these cells compute the same function when m = 1.
 */
import { add, mul, sub } from '../ops/binary';
import { concat, slice } from '../ops/indexing';
import { matmul } from '../ops/matmul';
import type { CellActivation } from '../ops/recurrent';
import { reshape } from '../ops/reshape';
import { unary } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import type { CellRun } from './recurrent';

/** Which cell to run and its parameters. */
export interface DroppedCell {
  kind: 'lstm' | 'gru' | 'rnn';
  recurrentKernel: Tensor;
  /** The GRU's recurrent bias [3 units]; null elsewhere. */
  recurrentBias: Tensor | null;
  activation: CellActivation;
  recurrentActivation: CellActivation;
}

function activate(name: CellActivation, x: Tensor): Tensor {
  return name === 'linear' ? x : unary(name, x);
}

/** Columns [from, from + U) of a [B, k U] matrix. */
function part(z: Tensor, from: number, U: number): Tensor {
  return slice(z, [0, from], [z.shape[0], U]);
}

/** prev where keep[b] = 0, next where keep[b] = 1: prev + keep (next - prev). */
function carry(prev: Tensor, next: Tensor, keep: Tensor | null): Tensor {
  return keep === null ? next : add(prev, mul(keep, sub(next, prev)));
}

/**
 * Runs `cell` over xw [T, B, k U] from the initial states, with the step mask [T, B] (or null) and the recurrent
 * dropout mask m [B, U]. Returns the outputs of every step [T, B, U] and the final states.
 */
export function runDroppedCell(cell: DroppedCell, xw: Tensor, initial: Tensor[], mask: Tensor | null, m: Tensor): CellRun {
  const [T, B, kU] = xw.shape;
  const U = cell.recurrentKernel.shape[0];
  let h = initial[0];
  let c = cell.kind === 'lstm' ? initial[1] : null;
  const outputs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const x = reshape(slice(xw, [t, 0, 0], [1, B, kU]), [B, kU]);
    const keep = mask === null ? null : reshape(slice(mask, [t, 0], [1, B]), [B, 1]);
    const a = matmul(mul(h, m), cell.recurrentKernel);
    let hNext: Tensor;
    if (cell.kind === 'rnn') {
      hNext = activate(cell.activation, add(x, a));
    } else if (cell.kind === 'lstm') {
      const z = add(x, a);
      const i = activate(cell.recurrentActivation, part(z, 0, U));
      const f = activate(cell.recurrentActivation, part(z, U, U));
      const g = activate(cell.activation, part(z, 2 * U, U));
      const o = activate(cell.recurrentActivation, part(z, 3 * U, U));
      const cNext = add(mul(f, c as Tensor), mul(i, g));
      hNext = mul(o, activate(cell.activation, cNext));
      c = carry(c as Tensor, cNext, keep);
    } else {
      const ab = add(a, cell.recurrentBias as Tensor);
      const z = activate(cell.recurrentActivation, add(part(x, 0, U), part(ab, 0, U)));
      const r = activate(cell.recurrentActivation, add(part(x, U, U), part(ab, U, U)));
      const n = activate(cell.activation, add(part(x, 2 * U, U), mul(r, part(ab, 2 * U, U))));
      hNext = add(n, mul(z, sub(h, n)));
    }
    h = carry(h, hNext, keep);
    outputs.push(reshape(h, [1, B, U]));
  }
  return { sequence: concat(outputs, 0), finals: c === null ? [h] : [h, c] };
}
