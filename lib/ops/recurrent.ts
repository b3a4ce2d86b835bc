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
 *
 * Recurrent dropout (Keras's recurrent_dropout) is the optional `recurrentMask` [k, B, U] of a cell of k gates,
 * already scaled (0 or 1 / (1 - rate)) and fixed over the steps: gate g's recurrent product becomes
 * (h_t * mask[g]) U_g inside the same step kernels, forward and backward.
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

/** Checks the recurrent dropout mask: [k, B, U] (null: none). */
function checkRecurrentMask(op: string, k: number, recurrentMask: Tensor | null, d: Dims): void {
  if (recurrentMask === null) return;
  checkTensor(recurrentMask, op, 'recurrentMask');
  const { B, U } = d;
  if (recurrentMask.rank !== 3 || recurrentMask.shape[0] !== k || recurrentMask.shape[1] !== B || recurrentMask.shape[2] !== U) {
    throw new ShapeError(`${op}: recurrentMask must have shape [${k}, ${B}, ${U}] (gates, batch, units), got [${recurrentMask.shape.join(', ')}]`);
  }
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

/**
 * dK = sum_t h_t^T dz_t = H^T dZ over the state slots 0..T-1 (the first T B U floats of states). Under recurrent
 * dropout gate g's column block is sum_t (h_t * mask[g])^T dz_{t,g}: the slots scaled by each gate's mask
 * ([k, T, B, U], one broadcast multiply), then one strided batched GEMM over the gates.
 */
function recurrentKernelGrad(backend: Backend, states: Tensor, dz: Tensor, d: Dims, k: number, drop: Tensor | null): Tensor {
  const { T, B, U } = d;
  const dK = empty([U, k * U]);
  if (drop === null) {
    backend.gemm(states.storage, dz.storage, dK.storage, U, k * U, T * B, true, false, 1, 0);
    return dK;
  }
  const scaled = empty([k, T, B, U]);
  backend.binary('mul', states.storage, [0, B * U, U, 1], drop.storage, [B * U, 0, U, 1], scaled.storage, [k, T, B, U]);
  backend.batchedGemm(scaled.storage, [0, T * B * U, U], dz.storage, [0, U, k * U], dK.storage, [0, U, k * U], [1, k, U, U, T * B],
    true, false, 1, 0);
  scaled.dispose();
  return dK;
}

/** Keeps the saved gates and the masks for the gradient rule when the op was recorded; frees the gates otherwise. */
function keepForGradient(recorded: boolean, gates: Tensor | null, mask: Tensor | null, drop: Tensor | null): void {
  if (recorded) {
    if (gates) retainForGradient(gates);
    if (mask) retainForGradient(mask);
    if (drop) retainForGradient(drop);
  } else {
    gates?.dispose();
  }
}

function maskStorage(mask: Tensor | null): unknown {
  return mask === null ? null : mask.storage;
}

/** The masks that are given, for the backend check. */
function present(...masks: Array<Tensor | null>): Tensor[] {
  return masks.filter((m): m is Tensor => m !== null);
}

/**
 * LSTM over a sequence (Keras gate order i, f, c, o): for t < T, z = xw[t] + h_t U,
 * i = s(z_i), f = s(z_f), g = a(z_c), o = s(z_o), c_{t+1} = f c_t + i g, h_{t+1} = o a(c_{t+1}), with
 * a = `activation` (default tanh) and s = `recurrentActivation` (default sigmoid); with `recurrentMask`
 * [4, B, U] (default none) z_g = xw[t]_g + (h_t * mask[g]) U_g for the gates g = i, f, c, o.
 * Returns the states [2, T + 1, B, U]: h slots then c slots (slot 0 = h0 / c0). Gradients flow to xw, the
 * recurrent kernel and both initial states (not to the masks).
 */
export function lstmSequence(xw: Tensor, recurrentKernel: Tensor, h0: Tensor, c0: Tensor, mask: Tensor | null = null,
  activation: CellActivation = 'tanh', recurrentActivation: CellActivation = 'sigmoid', recurrentMask: Tensor | null = null): Tensor {
  const op = 'lstmSequence';
  const d = checkSequence(op, 4, xw, recurrentKernel, [h0, c0], mask);
  checkRecurrentMask(op, 4, recurrentMask, d);
  const act = checkActivationName(op, 'activation', activation) as UnaryOp;
  const rec = checkActivationName(op, 'recurrentActivation', recurrentActivation) as UnaryOp;
  const inputs = [xw, recurrentKernel, h0, c0];
  const backend = commonBackend(op, ...inputs, ...present(mask, recurrentMask));
  const { T, B, U } = d;
  const states = empty([2, T + 1, B, U]);
  const gates = empty([T, B, 4 * U]);
  writeInitial(backend, states, [h0, c0], d);
  const m = maskStorage(mask), dm = maskStorage(recurrentMask);
  // One call for the whole sequence; recurrent dropout (training only) goes step by step through the step kernel.
  if (dm === null) backend.lstmSequence(xw.storage, recurrentKernel.storage, m, states.storage, gates.storage, T, B, U, act, rec);
  else for (let t = 0; t < T; t++) backend.lstmStep(xw.storage, recurrentKernel.storage, m, states.storage, gates.storage, t, T, B, U, act, rec, dm);
  const wantK = needsGradient(recurrentKernel);
  const recorded = record(op, inputs, states, (dy) => {
    const carry = empty([2, B, U], true);
    const dxw = empty([T, B, 4 * U]);
    if (dm === null) {
      backend.lstmSequenceGrad(recurrentKernel.storage, m, states.storage, gates.storage, dy.storage, carry.storage, dxw.storage, T, B, U, act, rec);
    } else {
      for (let t = T - 1; t >= 0; t--) {
        backend.lstmStepGrad(recurrentKernel.storage, m, states.storage, gates.storage, dy.storage, carry.storage, dxw.storage, t, T, B, U, act, rec, dm);
      }
    }
    const [dh0, dc0] = initialGrads(backend, carry, dy, 2, d);
    carry.dispose();
    return [dxw, wantK ? recurrentKernelGrad(backend, states, dxw, d, 4, recurrentMask) : null, dh0, dc0];
  });
  keepForGradient(recorded, gates, mask, recurrentMask);
  return states;
}

/**
 * GRU over a sequence in the reset-after form (Keras 3 default, gate order z, r, h): with a = h_t U + b_rec,
 * z = s(xw_z + a_z), r = s(xw_r + a_r), n = act(xw_h + r a_h), h_{t+1} = z h_t + (1 - z) n; with
 * `recurrentMask` [3, B, U] (default none) a_g = (h_t * mask[g]) U_g + b_rec,g while the blend keeps h_t.
 * Returns the states [T + 1, B, U] (slot 0 = h0). Gradients flow to xw, the recurrent kernel, the recurrent bias
 * and h0.
 */
export function gruSequence(xw: Tensor, recurrentKernel: Tensor, recurrentBias: Tensor, h0: Tensor, mask: Tensor | null = null,
  activation: CellActivation = 'tanh', recurrentActivation: CellActivation = 'sigmoid', recurrentMask: Tensor | null = null): Tensor {
  const op = 'gruSequence';
  const d = checkSequence(op, 3, xw, recurrentKernel, [h0], mask);
  checkRecurrentMask(op, 3, recurrentMask, d);
  checkTensor(recurrentBias, op, 'recurrentBias');
  const { T, B, U } = d;
  if (recurrentBias.rank !== 1 || recurrentBias.shape[0] !== 3 * U) {
    throw new ShapeError(`${op}: recurrentBias must have shape [${3 * U}], got [${recurrentBias.shape.join(', ')}]`);
  }
  const act = checkActivationName(op, 'activation', activation) as UnaryOp;
  const rec = checkActivationName(op, 'recurrentActivation', recurrentActivation) as UnaryOp;
  const inputs = [xw, recurrentKernel, recurrentBias, h0];
  const backend = commonBackend(op, ...inputs, ...present(mask, recurrentMask));
  const states = empty([T + 1, B, U]);
  const gates = empty([T, 2, B, 3 * U]);
  writeInitial(backend, states, [h0], d);
  const m = maskStorage(mask), dm = maskStorage(recurrentMask);
  for (let t = 0; t < T; t++) {
    backend.gruStep(xw.storage, recurrentKernel.storage, recurrentBias.storage, m, states.storage, gates.storage, t, T, B, U, act, rec, dm);
  }
  const wantK = needsGradient(recurrentKernel), wantB = needsGradient(recurrentBias);
  const recorded = record(op, inputs, states, (dy) => {
    const carry = empty([B, U], true);
    const dxw = empty([T, B, 3 * U]);
    const dRec = empty([T, B, 3 * U]);
    for (let t = T - 1; t >= 0; t--) {
      backend.gruStepGrad(recurrentKernel.storage, m, states.storage, gates.storage, dy.storage, carry.storage, dxw.storage, dRec.storage, t, T, B, U, act, rec, dm);
    }
    const [dh0] = initialGrads(backend, carry, dy, 1, d);
    carry.dispose();
    let dBias: Tensor | null = null;
    if (wantB) {
      dBias = empty([3 * U]);
      backend.reduce('sum', dRec.storage, dBias.storage, 1, T * B, 3 * U);
    }
    const dK = wantK ? recurrentKernelGrad(backend, states, dRec, d, 3, recurrentMask) : null;
    dRec.dispose();
    return [dxw, dK, dBias, dh0];
  });
  keepForGradient(recorded, gates, mask, recurrentMask);
  return states;
}

/**
 * Simple RNN over a sequence: h_{t+1} = act(xw[t] + h_t U) (default tanh); with `recurrentMask` [1, B, U] (default
 * none) h_t is scaled by it in the product. Returns the states [T + 1, B, U] (slot 0 = h0). Gradients flow to xw,
 * the recurrent kernel and h0.
 */
export function rnnSequence(xw: Tensor, recurrentKernel: Tensor, h0: Tensor, mask: Tensor | null = null,
  activation: CellActivation = 'tanh', recurrentMask: Tensor | null = null): Tensor {
  const op = 'rnnSequence';
  const d = checkSequence(op, 1, xw, recurrentKernel, [h0], mask);
  checkRecurrentMask(op, 1, recurrentMask, d);
  const act = checkActivationName(op, 'activation', activation) as UnaryOp;
  const inputs = [xw, recurrentKernel, h0];
  const backend = commonBackend(op, ...inputs, ...present(mask, recurrentMask));
  const { T, B, U } = d;
  const states = empty([T + 1, B, U]);
  writeInitial(backend, states, [h0], d);
  const m = maskStorage(mask), dm = maskStorage(recurrentMask);
  for (let t = 0; t < T; t++) backend.rnnStep(xw.storage, recurrentKernel.storage, m, states.storage, t, T, B, U, act, dm);
  const wantK = needsGradient(recurrentKernel);
  const recorded = record(op, inputs, states, (dy) => {
    const carry = empty([B, U], true);
    const dxw = empty([T, B, U]);
    for (let t = T - 1; t >= 0; t--) backend.rnnStepGrad(recurrentKernel.storage, m, states.storage, dy.storage, carry.storage, dxw.storage, t, T, B, U, act, dm);
    const [dh0] = initialGrads(backend, carry, dy, 1, d);
    carry.dispose();
    return [dxw, wantK ? recurrentKernelGrad(backend, states, dxw, d, 1, recurrentMask) : null, dh0];
  });
  keepForGradient(recorded, null, mask, recurrentMask);
  return states;
}
