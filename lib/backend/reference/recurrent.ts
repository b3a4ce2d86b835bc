/**
 * Reference recurrent step kernels (LSTM, GRU, simple RNN and their gradients), float64 inside: the layouts and
 * formulas of the kernel table (time-major xw, state slabs of steps + 1 slots, masked rows keep the state, the
 * recurrent dropout mask [gates, batch, units] scaling h where it enters gate g's recurrent product).
 */
import type { UnaryOp } from '../kernel-ids';

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function act(op: UnaryOp, x: number): number {
  switch (op) {
    case 'tanh': return Math.tanh(x);
    case 'sigmoid': return sigmoid(x);
    case 'relu': return x < 0 ? 0 : x;
    default: return x;
  }
}

/** f'(x) from y = f(x). */
function actGrad(op: UnaryOp, y: number): number {
  switch (op) {
    case 'tanh': return 1 - y * y;
    case 'sigmoid': return y * (1 - y);
    case 'relu': return y > 0 ? 1 : 0;
    default: return 1;
  }
}

/** The recurrent dropout factor of unit p of row b in column j's gate (1 without a mask). */
function dropOf(drop: Float32Array | null, batch: number, units: number, b: number, j: number, p: number): number {
  return drop === null ? 1 : drop[(Math.floor(j / units) * batch + b) * units + p];
}

/**
 * Row b of h [batch, units] (at offset `h0`, row b of the step) times U [units, n], column j, with h scaled by the
 * recurrent dropout of column j's gate: sum_p h[b, p] drop[g, b, p] U[p, j] in float64.
 */
function rowTimes(h: Float32Array, h0: number, u: Float32Array, units: number, n: number, j: number,
  drop: Float32Array | null, batch: number, b: number): number {
  let acc = 0;
  for (let p = 0; p < units; p++) acc += h[h0 + p] * dropOf(drop, batch, units, b, j, p) * u[p * n + j];
  return acc;
}

/** carry[b, p] += sum_j dz[b, j] U[p, j] drop[g(j), b, p] for the rows of dz (width n) at offset z0. */
function addTimesTransposed(dz: Float32Array, z0: number, u: Float32Array, carry: Float32Array, batch: number,
  units: number, n: number, drop: Float32Array | null): void {
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < units; p++) {
      let acc = carry[b * units + p];
      for (let j = 0; j < n; j++) acc += dz[z0 + b * n + j] * u[p * n + j] * dropOf(drop, batch, units, b, j, p);
      carry[b * units + p] = acc;
    }
  }
}

const isMasked = (mask: Float32Array | null, t: number, batch: number, b: number): boolean =>
  mask !== null && mask[t * batch + b] === 0;

/** One LSTM step t (see the kernel table): gates i, f, g, o; c' = f c + i g; h' = o f(c'). */
export function lstmStep(xw: Float32Array, recurrentKernel: Float32Array, mask: Float32Array | null, states: Float32Array,
  gates: Float32Array, t: number, steps: number, batch: number, units: number, activation: UnaryOp,
  recurrentActivation: UnaryOp, recurrentMask: Float32Array | null = null): void {
  const row = batch * units, slots = (steps + 1) * row, w = 4 * units;
  for (let b = 0; b < batch; b++) {
    const h0 = t * row + b * units, c0 = slots + h0, g0 = (t * batch + b) * w;
    if (isMasked(mask, t, batch, b)) {
      for (let j = 0; j < units; j++) { states[h0 + row + j] = states[h0 + j]; states[c0 + row + j] = states[c0 + j]; }
      gates.fill(0, g0, g0 + w);
      continue;
    }
    const z = (k: number): number => xw[g0 + k] + rowTimes(states, h0, recurrentKernel, units, w, k, recurrentMask, batch, b);
    for (let j = 0; j < units; j++) {
      const i = act(recurrentActivation, z(j)), f = act(recurrentActivation, z(units + j));
      const g = act(activation, z(2 * units + j)), o = act(recurrentActivation, z(3 * units + j));
      const cn = f * states[c0 + j] + i * g;
      gates[g0 + j] = i; gates[g0 + units + j] = f; gates[g0 + 2 * units + j] = g; gates[g0 + 3 * units + j] = o;
      states[c0 + row + j] = cn;
      states[h0 + row + j] = o * act(activation, cn);
    }
  }
}

/** Backward of one LSTM step t (see the kernel table). */
export function lstmStepGrad(recurrentKernel: Float32Array, mask: Float32Array | null, states: Float32Array,
  gates: Float32Array, dStates: Float32Array, carry: Float32Array, dxw: Float32Array, t: number, steps: number,
  batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp,
  recurrentMask: Float32Array | null = null): void {
  const row = batch * units, slots = (steps + 1) * row, w = 4 * units;
  for (let b = 0; b < batch; b++) {
    const o0 = b * units, s1 = (t + 1) * row + o0, g0 = (t * batch + b) * w;
    for (let j = 0; j < units; j++) {
      const dh = carry[o0 + j] + dStates[s1 + j], dc = carry[row + o0 + j] + dStates[slots + s1 + j];
      if (isMasked(mask, t, batch, b)) {
        carry[o0 + j] = dh; carry[row + o0 + j] = dc;
        for (let k = 0; k < 4; k++) dxw[g0 + k * units + j] = 0;
        continue;
      }
      const i = gates[g0 + j], f = gates[g0 + units + j], g = gates[g0 + 2 * units + j], o = gates[g0 + 3 * units + j];
      const c = states[slots + t * row + o0 + j], tc = act(activation, states[slots + s1 + j]);
      const dct = dc + dh * o * actGrad(activation, tc);
      dxw[g0 + j] = dct * g * actGrad(recurrentActivation, i);
      dxw[g0 + units + j] = dct * c * actGrad(recurrentActivation, f);
      dxw[g0 + 2 * units + j] = dct * i * actGrad(activation, g);
      dxw[g0 + 3 * units + j] = dh * tc * actGrad(recurrentActivation, o);
      carry[row + o0 + j] = dct * f;
      carry[o0 + j] = 0;
    }
  }
  addTimesTransposed(dxw, t * batch * w, recurrentKernel, carry, batch, units, w, recurrentMask);
}

/** Every LSTM step in order (see the kernel table): `lstmStep` for t = 0 .. steps - 1. */
export function lstmSequence(xw: Float32Array, recurrentKernel: Float32Array, mask: Float32Array | null,
  states: Float32Array, gates: Float32Array, steps: number, batch: number, units: number, activation: UnaryOp,
  recurrentActivation: UnaryOp): void {
  for (let t = 0; t < steps; t++) lstmStep(xw, recurrentKernel, mask, states, gates, t, steps, batch, units, activation, recurrentActivation);
}

/** Backpropagation through every LSTM step (see the kernel table): `lstmStepGrad` for t = steps - 1 .. 0. */
export function lstmSequenceGrad(recurrentKernel: Float32Array, mask: Float32Array | null, states: Float32Array,
  gates: Float32Array, dStates: Float32Array, carry: Float32Array, dxw: Float32Array, steps: number, batch: number,
  units: number, activation: UnaryOp, recurrentActivation: UnaryOp): void {
  for (let t = steps - 1; t >= 0; t--) {
    lstmStepGrad(recurrentKernel, mask, states, gates, dStates, carry, dxw, t, steps, batch, units, activation, recurrentActivation);
  }
}

/** One GRU step t, reset_after form (see the kernel table). */
export function gruStep(xw: Float32Array, recurrentKernel: Float32Array, recurrentBias: Float32Array,
  mask: Float32Array | null, states: Float32Array, gates: Float32Array, t: number, steps: number, batch: number,
  units: number, activation: UnaryOp, recurrentActivation: UnaryOp, recurrentMask: Float32Array | null = null): void {
  const row = batch * units, w = 3 * units;
  const zrn0 = t * batch * 2 * w, a0 = zrn0 + batch * w;
  for (let b = 0; b < batch; b++) {
    const h0 = t * row + b * units, x0 = (t * batch + b) * w;
    const ab = a0 + b * w, gb = zrn0 + b * w;
    for (let k = 0; k < w; k++) gates[ab + k] = rowTimes(states, h0, recurrentKernel, units, w, k, recurrentMask, batch, b) + recurrentBias[k];
    if (isMasked(mask, t, batch, b)) {
      for (let j = 0; j < units; j++) states[h0 + row + j] = states[h0 + j];
      gates.fill(0, gb, gb + w);
      continue;
    }
    for (let j = 0; j < units; j++) {
      const z = act(recurrentActivation, xw[x0 + j] + gates[ab + j]);
      const r = act(recurrentActivation, xw[x0 + units + j] + gates[ab + units + j]);
      const n = act(activation, xw[x0 + 2 * units + j] + r * gates[ab + 2 * units + j]);
      gates[gb + j] = z; gates[gb + units + j] = r; gates[gb + 2 * units + j] = n;
      states[h0 + row + j] = z * states[h0 + j] + (1 - z) * n;
    }
  }
}

/** Backward of one GRU step t (see the kernel table). */
export function gruStepGrad(recurrentKernel: Float32Array, mask: Float32Array | null, states: Float32Array,
  gates: Float32Array, dStates: Float32Array, carry: Float32Array, dxw: Float32Array, dRecurrent: Float32Array,
  t: number, steps: number, batch: number, units: number, activation: UnaryOp, recurrentActivation: UnaryOp,
  recurrentMask: Float32Array | null = null): void {
  const row = batch * units, w = 3 * units;
  const zrn0 = t * batch * 2 * w, a0 = zrn0 + batch * w;
  for (let b = 0; b < batch; b++) {
    const o0 = b * units, x0 = (t * batch + b) * w, gb = zrn0 + b * w, ab = a0 + b * w;
    for (let j = 0; j < units; j++) {
      const dh = carry[o0 + j] + dStates[(t + 1) * row + o0 + j];
      if (isMasked(mask, t, batch, b)) {
        carry[o0 + j] = dh;
        for (let k = 0; k < 3; k++) { dxw[x0 + k * units + j] = 0; dRecurrent[x0 + k * units + j] = 0; }
        continue;
      }
      const z = gates[gb + j], r = gates[gb + units + j], n = gates[gb + 2 * units + j];
      const h = states[t * row + o0 + j];
      const dn = dh * (1 - z) * actGrad(activation, n);
      const dz = dh * (h - n) * actGrad(recurrentActivation, z);
      const dr = dn * gates[ab + 2 * units + j] * actGrad(recurrentActivation, r);
      dxw[x0 + j] = dz; dxw[x0 + units + j] = dr; dxw[x0 + 2 * units + j] = dn;
      dRecurrent[x0 + j] = dz; dRecurrent[x0 + units + j] = dr; dRecurrent[x0 + 2 * units + j] = dn * r;
      carry[o0 + j] = dh * z;
    }
  }
  addTimesTransposed(dRecurrent, t * batch * w, recurrentKernel, carry, batch, units, w, recurrentMask);
}

/** One simple RNN step t: h' = f(xw[t] + h U). */
export function rnnStep(xw: Float32Array, recurrentKernel: Float32Array, mask: Float32Array | null, states: Float32Array,
  t: number, steps: number, batch: number, units: number, activation: UnaryOp, recurrentMask: Float32Array | null = null): void {
  const row = batch * units;
  for (let b = 0; b < batch; b++) {
    const h0 = t * row + b * units;
    const next = new Float64Array(units);
    for (let j = 0; j < units; j++) {
      next[j] = isMasked(mask, t, batch, b) ? states[h0 + j]
        : act(activation, xw[h0 + j] + rowTimes(states, h0, recurrentKernel, units, units, j, recurrentMask, batch, b));
    }
    for (let j = 0; j < units; j++) states[h0 + row + j] = next[j];
  }
}

/** Backward of one simple RNN step t. */
export function rnnStepGrad(recurrentKernel: Float32Array, mask: Float32Array | null, states: Float32Array,
  dStates: Float32Array, carry: Float32Array, dxw: Float32Array, t: number, steps: number, batch: number, units: number,
  activation: UnaryOp, recurrentMask: Float32Array | null = null): void {
  const row = batch * units;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; j++) {
      const i = b * units + j, dh = carry[i] + dStates[(t + 1) * row + i];
      if (isMasked(mask, t, batch, b)) { carry[i] = dh; dxw[t * row + i] = 0; continue; }
      dxw[t * row + i] = dh * actGrad(activation, states[(t + 1) * row + i]);
      carry[i] = 0;
    }
  }
  addTimesTransposed(dxw, t * row, recurrentKernel, carry, batch, units, units, recurrentMask);
}
