/**
 * Conformance of the recurrent step kernels: lstmStep, gruStep, rnnStep run over whole sequences (every step in
 * order), then their gradients in reverse order (backpropagation through time), and of the LSTM's sequence kernels
 * (lstmSequence, lstmSequenceGrad: every step in one call), with and without a mask, with the
 * default and the other cell activations; batch and unit counts cross the cuda block size and the small-GEMM path.
 * The recurrent dropout masks [gates, batch, units] run through the same kernels, alone and with a step mask.
 */
import type { UnaryOp } from '../../lib/backend/kernel-ids';
import { describeFamily } from './backends';
import { accumulationTol } from './compare';
import { checkAgainstReference } from './harness';
import { Rng } from './prng';

/** [steps, batch, units, features of x W + b per unit]. */
const SIZES: Array<[number, number, number]> = [[1, 1, 1], [3, 2, 5], [7, 5, 17], [4, 33, 40]];
const ACTIVATIONS: Array<[UnaryOp, UnaryOp]> = [['tanh', 'sigmoid'], ['relu', 'tanh'], ['linear', 'sigmoid']];

/** A 0 / 1 mask [T, B] with about a third of the rows off (none off when `on` is false: all ones). */
function maskOf(rng: Rng, T: number, B: number): Float32Array {
  return Float32Array.from(rng.uniform(T * B, 0, 1), (u) => (u < 0.35 ? 0 : 1));
}

/** Recurrent dropout masks [k, B, U] at rate 0.3: 0 or fround(1 / 0.7), as the dropout kernel draws them. */
function dropOf(rng: Rng, k: number, B: number, U: number): Float32Array {
  return Float32Array.from(rng.uniform(k * B * U, 0, 1), (u) => (u < 0.3 ? 0 : 1 / 0.7));
}

/** Each test runs without masks, with a step mask, with recurrent dropout masks, and with both. */
const VARIANTS: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
const variantName = (masked: boolean, dropped: boolean) => `${masked ? 'masked' : 'unmasked'}${dropped ? ', dropped' : ''}`;

/**
 * Sizes whose batch the cpu sequence kernels split over threads (rows of a thread block run through every step
 * alone): an odd batch that leaves blocks of unequal size.
 */
const SEQUENCE_SIZES: Array<[number, number, number]> = [[40, 13, 32], [20, 7, 64]];

/** The buffers of an LSTM case: random xw, recurrent kernel, initial h and c, dStates; a mask with a third off. */
function lstmHost(T: number, B: number, U: number, masked: boolean) {
  const rng = new Rng(T * 100 + B * 10 + U + (masked ? 7 : 0));
  const row = B * U, slots = (T + 1) * row;
  const states = new Float32Array(2 * slots);
  states.set(rng.uniform(row, -1, 1), 0);
  states.set(rng.uniform(row, -1, 1), slots);
  return {
    xw: rng.uniform(T * B * 4 * U, -2, 2), u: rng.uniform(U * 4 * U, -0.6 / Math.sqrt(U), 0.6 / Math.sqrt(U)), mask: maskOf(rng, T, B), states,
    gates: new Float32Array(T * B * 4 * U), dStates: rng.uniform(2 * slots), carry: new Float32Array(2 * row),
    dxw: new Float32Array(T * B * 4 * U),
  };
}

/** Tolerance for values that went through T recurrent GEMMs of inner size `inner`. */
const tolFor = (T: number, inner: number) => accumulationTol(inner * (T + 1), 4);

describeFamily('recurrent', () => {
  describe.each(ACTIVATIONS)('activation %s, recurrentActivation %s', (act, rec) => {
    test.each(SIZES)('lstmStep and lstmStepGrad, T %i B %i U %i, with and without masks', (T, B, U) => {
      for (const [masked, dropped] of VARIANTS) {
        const rng = new Rng(T * 100 + B * 10 + U + (masked ? 7 : 0) + (dropped ? 11 : 0));
        const row = B * U, slots = (T + 1) * row;
        const states = new Float32Array(2 * slots);
        states.set(rng.uniform(row, -1, 1), 0);
        states.set(rng.uniform(row, -1, 1), slots);
        const host = {
          xw: rng.uniform(T * B * 4 * U, -2, 2), u: rng.uniform(U * 4 * U, -0.6 / Math.sqrt(U), 0.6 / Math.sqrt(U)), mask: maskOf(rng, T, B), states,
          gates: new Float32Array(T * B * 4 * U), dStates: rng.uniform(2 * slots), carry: new Float32Array(2 * row),
          dxw: new Float32Array(T * B * 4 * U), drop: dropOf(rng, 4, B, U),
        };
        const tol = tolFor(T, 4 * U);
        checkAgainstReference(host, (be, x) => {
          const m = masked ? x.mask : null, d = dropped ? x.drop : null;
          for (let t = 0; t < T; t++) be.lstmStep(x.xw, x.u, m, x.states, x.gates, t, T, B, U, act, rec, d);
          for (let t = T - 1; t >= 0; t--) be.lstmStepGrad(x.u, m, x.states, x.gates, x.dStates, x.carry, x.dxw, t, T, B, U, act, rec, d);
        }, { states: tol, gates: tol, carry: tol, dxw: tol }, `lstm ${variantName(masked, dropped)}`);
      }
    });

    test.each([...SIZES, ...SEQUENCE_SIZES])('lstmSequence and lstmSequenceGrad, T %i B %i U %i, with and without mask', (T, B, U) => {
      for (const masked of [false, true]) {
        const tol = tolFor(T, 4 * U);
        checkAgainstReference(lstmHost(T, B, U, masked), (be, x) => {
          const m = masked ? x.mask : null;
          be.lstmSequence(x.xw, x.u, m, x.states, x.gates, T, B, U, act, rec);
          be.lstmSequenceGrad(x.u, m, x.states, x.gates, x.dStates, x.carry, x.dxw, T, B, U, act, rec);
        }, { states: tol, gates: tol, carry: tol, dxw: tol }, `lstm sequence ${masked ? 'masked' : 'unmasked'}`);
      }
    });

    test.each(SIZES)('gruStep and gruStepGrad, T %i B %i U %i, with and without masks', (T, B, U) => {
      for (const [masked, dropped] of VARIANTS) {
        const rng = new Rng(T * 100 + B * 10 + U + (masked ? 7 : 0) + (dropped ? 11 : 0) + 3);
        const row = B * U, slots = (T + 1) * row;
        const states = new Float32Array(slots);
        states.set(rng.uniform(row, -1, 1), 0);
        const host = {
          xw: rng.uniform(T * B * 3 * U, -2, 2), u: rng.uniform(U * 3 * U, -0.6 / Math.sqrt(U), 0.6 / Math.sqrt(U)), bias: rng.uniform(3 * U, -0.5, 0.5),
          mask: maskOf(rng, T, B), states, gates: new Float32Array(T * 2 * B * 3 * U), dStates: rng.uniform(slots),
          carry: new Float32Array(row), dxw: new Float32Array(T * B * 3 * U), dRec: new Float32Array(T * B * 3 * U),
          drop: dropOf(rng, 3, B, U),
        };
        const tol = tolFor(T, 3 * U);
        checkAgainstReference(host, (be, x) => {
          const m = masked ? x.mask : null, d = dropped ? x.drop : null;
          for (let t = 0; t < T; t++) be.gruStep(x.xw, x.u, x.bias, m, x.states, x.gates, t, T, B, U, act, rec, d);
          for (let t = T - 1; t >= 0; t--) {
            be.gruStepGrad(x.u, m, x.states, x.gates, x.dStates, x.carry, x.dxw, x.dRec, t, T, B, U, act, rec, d);
          }
        }, { states: tol, gates: tol, carry: tol, dxw: tol, dRec: tol }, `gru ${variantName(masked, dropped)}`);
      }
    });

    test.each(SIZES)('rnnStep and rnnStepGrad, T %i B %i U %i, with and without masks', (T, B, U) => {
      for (const [masked, dropped] of VARIANTS) {
        const rng = new Rng(T * 100 + B * 10 + U + (masked ? 7 : 0) + (dropped ? 11 : 0) + 5);
        const row = B * U, slots = (T + 1) * row;
        const states = new Float32Array(slots);
        states.set(rng.uniform(row, -1, 1), 0);
        const host = {
          xw: rng.uniform(T * row, -2, 2), u: rng.uniform(U * U, -0.6 / Math.sqrt(U), 0.6 / Math.sqrt(U)), mask: maskOf(rng, T, B), states,
          dStates: rng.uniform(slots), carry: new Float32Array(row), dxw: new Float32Array(T * row), drop: dropOf(rng, 1, B, U),
        };
        const tol = tolFor(T, U);
        checkAgainstReference(host, (be, x) => {
          const m = masked ? x.mask : null, d = dropped ? x.drop : null;
          for (let t = 0; t < T; t++) be.rnnStep(x.xw, x.u, m, x.states, t, T, B, U, act, d);
          for (let t = T - 1; t >= 0; t--) be.rnnStepGrad(x.u, m, x.states, x.dStates, x.carry, x.dxw, t, T, B, U, act, d);
        }, { states: tol, carry: tol, dxw: tol }, `rnn ${variantName(masked, dropped)}`);
      }
    });
  });

  test('a masked row keeps its state exactly and passes its gradient through', () => {
    const T = 3, B = 2, U = 4, row = B * U, slots = (T + 1) * row;
    const rng = new Rng(99);
    const mask = Float32Array.from([1, 0, 0, 1, 1, 0]);  // row 1 is off at steps 0 and 2
    const states = new Float32Array(2 * slots);
    states.set(rng.uniform(row), 0);
    states.set(rng.uniform(row), slots);
    const host = { xw: rng.uniform(T * B * 4 * U), u: rng.uniform(16 * U), mask, states, gates: new Float32Array(T * B * 4 * U) };
    const out = checkAgainstReference(host, (be, x) => {
      for (let t = 0; t < T; t++) be.lstmStep(x.xw, x.u, x.mask, x.states, x.gates, t, T, B, U, 'tanh', 'sigmoid', null);
    }, { states: tolFor(T, 4 * U) }, 'lstm mask').states;
    for (const slab of [0, slots]) {
      for (let j = 0; j < U; j++) {
        expect(out[slab + row + U + j]).toBe(out[slab + U + j]);  // step 0 off: slot 1 = slot 0
        expect(out[slab + 3 * row + U + j]).toBe(out[slab + 2 * row + U + j]);  // step 2 off
        expect(out[slab + 2 * row + U + j]).not.toBe(out[slab + row + U + j]);  // step 1 on: it changes
      }
    }
  });
});
