/**
 * The recurrent sequence ops (LSTM, GRU, simple RNN) on the fused cell kernels of the kernel table. The LSTM runs
 * its whole sequence in one `lstmSequence` call and backpropagation through time in one `lstmSequenceGrad` call;
 * the GRU and the simple RNN make one `*Step` call per time step (the step's recurrent GEMM and the cell math in
 * one native call) and run the `*StepGrad` kernels in reverse order. The recurrent kernel's gradient is then one
 * GEMM over all steps.
 *
 * Everything is time-major: xw [T, B, k U] is x W + b of every step (computed by the caller with one GEMM), the
 * result holds the state slots 0..T (slot 0 the initial state, slot t + 1 the state after step t). A mask
 * [T, B] of 0 / 1 (null: none) makes a row keep its previous state at the steps where it is 0.
 */
import { needsGradient, record, retainForGradient } from '../autograd/tape';
import type { Backend } from '../backend/backend';
import type { UnaryOp } from '../backend/kernel-ids';
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkRank, checkTensor, commonBackend } from './checks';
import { empty } from './creation';

/** The activations a recurrent cell runs inside its kernel. */
export const CELL_ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'linear'] as const;
/** One of {@link CELL_ACTIVATIONS}. */
export type CellActivation = typeof CELL_ACTIVATIONS[number];

/** The sizes of a sequence op: steps T, batch B, units U. */
interface Dims { T: number; B: number; U: number }

function checkActivationName(op: string, name: string, value: unknown): CellActivation {
  if (!(CELL_ACTIVATIONS as readonly unknown[]).includes(value)) {
    throw new ValueError(`${op}: ${name} must be one of ${CELL_ACTIVATIONS.join(', ')} (the activations the fused cell kernels run), got ${describe(value)}`);
  }
  return value as CellActivation;
}

/** Checks xw [T, B, k U], the recurrent kernel [U, k U], the initial states [B, U] and the mask [T, B]. */
function checkSequence(op: string, k: number, xw: Tensor, recurrentKernel: Tensor, initial: Tensor[], mask: Tensor | null): Dims {
  checkTensor(xw, op, 'xw');
  checkTensor(recurrentKernel, op, 'recurrentKernel');
  checkRank(xw, 3, op, 'xw');
  checkRank(recurrentKernel, 2, op, 'recurrentKernel');
  const U = recurrentKernel.shape[0];
  if (recurrentKernel.shape[1] !== k * U) {
    throw new ShapeError(`${op}: recurrentKernel must have shape [units, ${k} * units], got [${recurrentKernel.shape.join(', ')}]`);
  }
  const [T, B] = xw.shape;
  if (xw.shape[2] !== k * U) throw new ShapeError(`${op}: xw must have shape [steps, batch, ${k * U}] for ${U} units, got [${xw.shape.join(', ')}]`);
  if (T === 0) throw new ValueError(`${op}: the sequence has 0 time steps; give at least one step`);
  for (const s of initial) {
    checkTensor(s, op, 'initial state');
    if (s.rank !== 2 || s.shape[0] !== B || s.shape[1] !== U) {
      throw new ShapeError(`${op}: an initial state must have shape [${B}, ${U}] (batch, units), got [${s.shape.join(', ')}]`);
    }
  }
  if (mask !== null) {
    checkTensor(mask, op, 'mask');
    if (mask.rank !== 2 || mask.shape[0] !== T || mask.shape[1] !== B) {
      throw new ShapeError(`${op}: mask must have shape [${T}, ${B}] (steps, batch), got [${mask.shape.join(', ')}]`);
    }
  }
  return { T, B, U };
}

/** Copies the initial states into slot 0 of each slab of `states` (slabs of (T + 1) B U floats). */
function writeInitial(backend: Backend, states: Tensor, initial: Tensor[], d: Dims): void {
  const row = d.B * d.U, slots = (d.T + 1) * row;
  initial.forEach((s, i) => backend.copyStrided(s.storage, 0, [1], states.storage, i * slots, [1], [row], false));
}

/**
 * The gradients of the initial states: carry (one [B, U] block per slab) plus the gradient of slot 0 of each slab.
 */
function initialGrads(backend: Backend, carry: Tensor, dy: Tensor, slabs: number, d: Dims): Tensor[] {
  const row = d.B * d.U, slots = (d.T + 1) * row;
  const out: Tensor[] = [];
  for (let i = 0; i < slabs; i++) {
    const g = empty([d.B, d.U]);
    backend.copyStrided(carry.storage, i * row, [1], g.storage, 0, [1], [row], false);
    backend.copyStrided(dy.storage, i * slots, [1], g.storage, 0, [1], [row], true);
    out.push(g);
  }
  return out;
}

/** dK = sum_t h_t^T dz_t = H^T dZ over the state slots 0..T-1 (the first T B U floats of states). */
function recurrentKernelGrad(backend: Backend, states: Tensor, dz: Tensor, d: Dims, k: number): Tensor {
  const dK = empty([d.U, k * d.U]);
  backend.gemm(states.storage, dz.storage, dK.storage, d.U, k * d.U, d.T * d.B, true, false, 1, 0);
  return dK;
}

/** Keeps the saved gates and the mask for the gradient rule when the op was recorded; frees the gates otherwise. */
function keepForGradient(recorded: boolean, gates: Tensor | null, mask: Tensor | null): void {
  if (recorded) {
    if (gates) retainForGradient(gates);
    if (mask) retainForGradient(mask);
  } else {
    gates?.dispose();
  }
}

function maskStorage(mask: Tensor | null): unknown {
  return mask === null ? null : mask.storage;
}

/**
 * LSTM over a sequence (Keras gate order i, f, c, o): for t < T, z = xw[t] + h_t U,
 * i = s(z_i), f = s(z_f), g = a(z_c), o = s(z_o), c_{t+1} = f c_t + i g, h_{t+1} = o a(c_{t+1}), with
 * a = `activation` (default tanh) and s = `recurrentActivation` (default sigmoid).
 * Returns the states [2, T + 1, B, U]: h slots then c slots (slot 0 = h0 / c0). Gradients flow to xw, the
 * recurrent kernel and both initial states.
 */
export function lstmSequence(xw: Tensor, recurrentKernel: Tensor, h0: Tensor, c0: Tensor, mask: Tensor | null = null,
  activation: CellActivation = 'tanh', recurrentActivation: CellActivation = 'sigmoid'): Tensor {
  const op = 'lstmSequence';
  const d = checkSequence(op, 4, xw, recurrentKernel, [h0, c0], mask);
  const act = checkActivationName(op, 'activation', activation) as UnaryOp;
  const rec = checkActivationName(op, 'recurrentActivation', recurrentActivation) as UnaryOp;
  const inputs = mask ? [xw, recurrentKernel, h0, c0, mask] : [xw, recurrentKernel, h0, c0];
  const backend = commonBackend(op, ...inputs);
  const { T, B, U } = d;
  const states = empty([2, T + 1, B, U]);
  const gates = empty([T, B, 4 * U]);
  writeInitial(backend, states, [h0, c0], d);
  const m = maskStorage(mask);
  backend.lstmSequence(xw.storage, recurrentKernel.storage, m, states.storage, gates.storage, T, B, U, act, rec);
  const wantK = needsGradient(recurrentKernel);
  const recorded = record(op, [xw, recurrentKernel, h0, c0], states, (dy) => {
    const carry = empty([2, B, U], true);
    const dxw = empty([T, B, 4 * U]);
    backend.lstmSequenceGrad(recurrentKernel.storage, m, states.storage, gates.storage, dy.storage, carry.storage, dxw.storage, T, B, U, act, rec);
    const [dh0, dc0] = initialGrads(backend, carry, dy, 2, d);
    carry.dispose();
    return [dxw, wantK ? recurrentKernelGrad(backend, states, dxw, d, 4) : null, dh0, dc0];
  });
  keepForGradient(recorded, gates, mask);
  return states;
}

/**
 * GRU over a sequence in the reset-after form (Keras 3 default, gate order z, r, h): with a = h_t U + b_rec,
 * z = s(xw_z + a_z), r = s(xw_r + a_r), n = act(xw_h + r a_h), h_{t+1} = z h_t + (1 - z) n.
 * Returns the states [T + 1, B, U] (slot 0 = h0). Gradients flow to xw, the recurrent kernel, the recurrent bias
 * and h0.
 */
export function gruSequence(xw: Tensor, recurrentKernel: Tensor, recurrentBias: Tensor, h0: Tensor, mask: Tensor | null = null,
  activation: CellActivation = 'tanh', recurrentActivation: CellActivation = 'sigmoid'): Tensor {
  const op = 'gruSequence';
  const d = checkSequence(op, 3, xw, recurrentKernel, [h0], mask);
  checkTensor(recurrentBias, op, 'recurrentBias');
  const { T, B, U } = d;
  if (recurrentBias.rank !== 1 || recurrentBias.shape[0] !== 3 * U) {
    throw new ShapeError(`${op}: recurrentBias must have shape [${3 * U}], got [${recurrentBias.shape.join(', ')}]`);
  }
  const act = checkActivationName(op, 'activation', activation) as UnaryOp;
  const rec = checkActivationName(op, 'recurrentActivation', recurrentActivation) as UnaryOp;
  const inputs = [xw, recurrentKernel, recurrentBias, h0];
  const backend = commonBackend(op, ...(mask ? [...inputs, mask] : inputs));
  const states = empty([T + 1, B, U]);
  const gates = empty([T, 2, B, 3 * U]);
  writeInitial(backend, states, [h0], d);
  const m = maskStorage(mask);
  for (let t = 0; t < T; t++) {
    backend.gruStep(xw.storage, recurrentKernel.storage, recurrentBias.storage, m, states.storage, gates.storage, t, T, B, U, act, rec);
  }
  const wantK = needsGradient(recurrentKernel), wantB = needsGradient(recurrentBias);
  const recorded = record(op, inputs, states, (dy) => {
    const carry = empty([B, U], true);
    const dxw = empty([T, B, 3 * U]);
    const dRec = empty([T, B, 3 * U]);
    for (let t = T - 1; t >= 0; t--) {
      backend.gruStepGrad(recurrentKernel.storage, m, states.storage, gates.storage, dy.storage, carry.storage, dxw.storage, dRec.storage, t, T, B, U, act, rec);
    }
    const [dh0] = initialGrads(backend, carry, dy, 1, d);
    carry.dispose();
    let dBias: Tensor | null = null;
    if (wantB) {
      dBias = empty([3 * U]);
      backend.reduce('sum', dRec.storage, dBias.storage, 1, T * B, 3 * U);
    }
    const dK = wantK ? recurrentKernelGrad(backend, states, dRec, d, 3) : null;
    dRec.dispose();
    return [dxw, dK, dBias, dh0];
  });
  keepForGradient(recorded, gates, mask);
  return states;
}

/**
 * Simple RNN over a sequence: h_{t+1} = act(xw[t] + h_t U) (default tanh). Returns the states [T + 1, B, U]
 * (slot 0 = h0). Gradients flow to xw, the recurrent kernel and h0.
 */
export function rnnSequence(xw: Tensor, recurrentKernel: Tensor, h0: Tensor, mask: Tensor | null = null,
  activation: CellActivation = 'tanh'): Tensor {
  const op = 'rnnSequence';
  const d = checkSequence(op, 1, xw, recurrentKernel, [h0], mask);
  const act = checkActivationName(op, 'activation', activation) as UnaryOp;
  const inputs = [xw, recurrentKernel, h0];
  const backend = commonBackend(op, ...(mask ? [...inputs, mask] : inputs));
  const { T, B, U } = d;
  const states = empty([T + 1, B, U]);
  writeInitial(backend, states, [h0], d);
  const m = maskStorage(mask);
  for (let t = 0; t < T; t++) backend.rnnStep(xw.storage, recurrentKernel.storage, m, states.storage, t, T, B, U, act);
  const wantK = needsGradient(recurrentKernel);
  const recorded = record(op, inputs, states, (dy) => {
    const carry = empty([B, U], true);
    const dxw = empty([T, B, U]);
    for (let t = T - 1; t >= 0; t--) backend.rnnStepGrad(recurrentKernel.storage, m, states.storage, dy.storage, carry.storage, dxw.storage, t, T, B, U, act);
    const [dh0] = initialGrads(backend, carry, dy, 1, d);
    carry.dispose();
    return [dxw, wantK ? recurrentKernelGrad(backend, states, dxw, d, 1) : null, dh0];
  });
  keepForGradient(recorded, null, mask);
  return states;
}
