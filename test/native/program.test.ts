/**
 * Compiled programs of the CPU flavour (native/cpu/program.cc): a list of kernel calls converted and checked
 * once gives, run, exactly what the same calls give one by one; it runs again on whatever its input buffers
 * then hold; bad calls are refused when compiling, with the entry's own message; only program handles run.
 */
import { loadCpuAddon } from '../../lib/native/loader';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from '../../lib/backend/kernel-ids';
import { Random } from '../../lib/tensor/random';

const addon = loadCpuAddon();

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** A small dense + relu + softmax cross-entropy forward and backward, as [entry, ...args] calls. */
function stepCalls(x: Float32Array, w: Float32Array, b: Float32Array, t: Float32Array) {
  const [m, k, n] = [5, 7, 3];
  const z = new Float32Array(m * n), h = new Float32Array(m * n), p = new Float32Array(m * n);
  const loss = new Float32Array(m), ones = new Float32Array(m), dlogits = new Float32Array(m * n);
  const dz = new Float32Array(m * n), dw = new Float32Array(k * n), db = new Float32Array(n), sq = new Float32Array(m * n);
  const calls: unknown[][] = [
    ['denseForward', x, w, b, z, h, m, n, k, UNARY_OPS.relu, 0],
    ['softmaxCrossEntropy', h, t, p, loss, m, n, true],
    ['fill', ones, 1, 0, m],
    ['softmaxCrossEntropyGrad', p, t, ones, dlogits, m, n, true, 1, 1],
    ['unaryGrad', UNARY_OPS.relu, z, h, dlogits, dz, m * n, 0],
    ['gemm', x, dz, dw, k, n, m, true, false, 1, 0],
    ['reduce', REDUCE_OPS.sum, dz, db, 1, m, n],
    ['binary', BINARY_OPS.mul, dz, [n, 1], dz, [n, 1], sq, [m, n]],
    ['copyStrided', sq, 0, [1], dz, 0, [1], [m * n], true],
  ];
  return { calls, outputs: [z, h, p, loss, dlogits, dz, dw, db, sq] };
}

function inputs(seed: number) {
  const r = lcg(seed);
  return {
    x: Float32Array.from({ length: 35 }, r), w: Float32Array.from({ length: 21 }, r),
    b: Float32Array.from({ length: 3 }, r), t: Float32Array.from([0, 2, 1, 1, 0]),
  };
}

function runDirectly(calls: unknown[][]): void {
  const entries = addon as unknown as Record<string, (...a: unknown[]) => void>;
  for (const [name, ...args] of calls) entries[name as string](...args);
}

describe('cpu compiled programs', () => {
  test('a program computes exactly what its calls compute one by one, and again on new inputs', () => {
    const a = inputs(1);
    const compiled = stepCalls(a.x, a.w, a.b, a.t);
    const program = addon.compileProgram(compiled.calls);
    addon.runProgram(program);
    const direct = stepCalls(a.x, a.w, a.b, a.t);
    runDirectly(direct.calls);
    compiled.outputs.forEach((o, i) => expect(Array.from(o)).toEqual(Array.from(direct.outputs[i])));

    // New data in the same input buffers: the program reads them at run time.
    const fresh = inputs(2);
    a.x.set(fresh.x);
    a.t.set([2, 2, 0, 1, 1]);
    addon.runProgram(program);
    const again = stepCalls(fresh.x, a.w, a.b, Float32Array.from([2, 2, 0, 1, 1]));
    runDirectly(again.calls);
    compiled.outputs.forEach((o, i) => expect(Array.from(o)).toEqual(Array.from(again.outputs[i])));
  });

  test('a class target that turns invalid after compiling gives NaN, never a read out of bounds', () => {
    const a = inputs(3);
    const { calls, outputs } = stepCalls(a.x, a.w, a.b, a.t);
    const program = addon.compileProgram(calls);
    a.t[1] = 7;  // 3 classes
    addon.runProgram(program);
    const loss = outputs[3];
    expect(Number.isNaN(loss[1])).toBe(true);
    expect(Number.isFinite(loss[0])).toBe(true);
  });

  test('bad calls are refused when compiling, naming the call or the entry', () => {
    expect(() => addon.compileProgram([['adamStep']])).toThrow(/calls\[0\] names 'adamStep', which is not a kernel a program can hold/);
    expect(() => addon.compileProgram([['unary', UNARY_OPS.relu, new Float32Array(2), new Float32Array(1), 2, 0]])).toThrow(/unary: argument 'out' has 1 elements, needs 2/);
    expect(() => addon.compileProgram([[42]])).toThrow(/calls\[0\] must be \[kernelName, \.\.\.arguments\]/);
    expect(() => addon.compileProgram('no' as unknown as unknown[][])).toThrow(/argument 'calls' must be an array/);
  });

  test('trainSteps checks its layout before running anything (the checks both flavours share)', () => {
    const a = inputs(4);
    const { calls } = stepCalls(a.x, a.w, a.b, a.t);
    const program = addon.compileProgram(calls);
    const [x, y] = [new Float32Array(7 * 10), new Float32Array(10)];
    const xIn = a.x, yIn = a.t, loss = new Float32Array(5), losses = new Float32Array(4);
    const sgd = ['sgdStep', [a.w], [new Float32Array(21)], [], new Float32Array([0.1, 0]), 0, false, 0, false];
    const run = (lrs: Float64Array, idx: Int32Array, call: unknown[] = sgd) =>
      addon.trainSteps(program, call, lrs, x, xIn, y, yIn, idx, loss, losses, 0);
    const w0 = Array.from(a.w);
    expect(() => run(new Float64Array(2), new Int32Array(7))).toThrow(/indices.length must be a multiple of lrs.length/);
    expect(() => run(new Float64Array(1), Int32Array.from([0, 1, 2, 3, 10]))).toThrow(/trainSteps: indices\[4\] = 10 is out of range for 'x' with 10 rows/);
    const shortHyper = ['sgdStep', [a.w], [new Float32Array(21)], [], new Float32Array(1), 0, false, 0, false];
    expect(() => run(new Float64Array(1), new Int32Array(5), shortHyper)).toThrow(/argument 'hyper' must hold 2 floats \[learningRate, stepsDone\], got 1/);
    expect(() => run(new Float64Array(5), new Int32Array(25))).toThrow(/argument 'losses' has 4 elements, needs 5/);
    expect(() => addon.trainSteps(program, ['nope'], new Float64Array(1), x, xIn, y, yIn, new Int32Array(5), loss, losses, 0))
      .toThrow(/'nope' is not an optimizer step/);
    expect(Array.from(a.w)).toEqual(w0);
  });

  test('trainEpochs gives what trainSteps gives on the same shuffled orders, and advances the generator as they do', () => {
    const results: { w: number[]; losses: number[]; next: number }[] = [];
    for (const whole of [true, false]) {
      const a = inputs(6);
      const { calls } = stepCalls(a.x, a.w, a.b, a.t);
      const program = addon.compileProgram(calls);
      const r = lcg(9);
      const x = Float32Array.from({ length: 7 * 10 }, r), y = Float32Array.from({ length: 10 }, (_, i) => i % 3);
      const sgd = ['sgdStep', [a.w, a.b], [calls[5][3] as Float32Array, calls[6][3] as Float32Array], [], new Float32Array([0.1, 0]), 0, false, 0, false];
      const lrs = Float64Array.from([0.1, 0.09, 0.08, 0.07]);
      const rng = new Random(3);
      const lossOut = calls[1][4] as Float32Array;
      const epochLosses = new Float64Array(2);
      if (whole) {
        rng.withStateWords((state) => addon.trainEpochs([[program, sgd, a.x, a.t, lossOut]], lrs, x, y, 5, 2, state, epochLosses));
      } else {
        const idx = new Int32Array(20);
        idx.set(rng.permutation(10), 0);
        idx.set(rng.permutation(10), 10);
        const losses = new Float32Array(4);
        addon.trainSteps(program, sgd, lrs, x, a.x, y, a.t, idx, lossOut, losses, 0);
        // Each epoch's loss as fit averages batch losses: weighted by batch size (5 and 5), summed in float64.
        for (const e of [0, 1]) epochLosses[e] = (5 * losses[2 * e] + 5 * losses[2 * e + 1]) / 10;
      }
      results.push({ w: Array.from(a.w), losses: Array.from(epochLosses), next: rng.nextUint32() });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0].losses.every((v) => v > 0)).toBe(true);
    expect(results[0].w).not.toEqual(Array.from(inputs(6).w));
  });

  test('trainEpochs checks its arguments before running anything', () => {
    const a = inputs(4);
    const { calls } = stepCalls(a.x, a.w, a.b, a.t);
    const program = addon.compileProgram(calls);
    const [x, y] = [new Float32Array(7 * 12), new Float32Array(12)];
    const sgd = ['sgdStep', [a.w], [new Float32Array(21)], [], new Float32Array([0.1, 0]), 0, false, 0, false];
    const kind = [program, sgd, a.x, a.t, new Float32Array(5)];
    const w0 = Array.from(a.w);
    const run = (kinds: unknown[][], lrs: number, state: Float64Array | null = null, xs = x, ys = y, epochLosses = new Float64Array(2)) =>
      addon.trainEpochs(kinds, new Float64Array(lrs), xs, ys, 5, 2, state, epochLosses);
    // 12 rows in batches of 5: two full batches and one of 2, three steps an epoch.
    expect(() => run([kind], 6)).toThrow(/kinds needs a second entry for the last batch \(12 rows in batches of 5\)/);
    expect(() => run([kind, kind], 6)).toThrow(/kinds\[1\]: xIn and yIn must hold the last batch's rows/);
    expect(() => run([kind], 5, null, new Float32Array(7 * 10), new Float32Array(10))).toThrow(/lrs must have one learning rate per step: 4/);
    expect(() => run([kind], 4, new Float64Array(3), new Float32Array(7 * 10), new Float32Array(10))).toThrow(/state must have 4 entries/);
    expect(() => run([kind], 4, null, new Float32Array(7 * 10), new Float32Array(9))).toThrow(/x and y must have the same number of rows/);
    expect(() => run([[program, ['nope'], a.x, a.t, new Float32Array(5)]], 4, null, new Float32Array(7 * 10), new Float32Array(10))).toThrow(/'nope' is not an optimizer step/);
    expect(() => run([kind], 4, null, new Float32Array(7 * 10), new Float32Array(10), new Float64Array(1))).toThrow(/'epochLosses' must have one entry per epoch: 2/);
    expect(Array.from(a.w)).toEqual(w0);
  });

  test('the async forms run the same steps off the JS thread, check their arguments first, and stop on the control word', async () => {
    const results: number[][] = [];
    const control = new Int32Array(1);
    for (const off of [false, true]) {
      const a = inputs(5);
      const { calls } = stepCalls(a.x, a.w, a.b, a.t);
      const program = addon.compileProgram(calls);
      const r = lcg(4);
      const x = Float32Array.from({ length: 7 * 10 }, r), y = Float32Array.from({ length: 10 }, (_, i) => i % 3);
      const sgd = ['sgdStep', [a.w, a.b], [calls[5][3] as Float32Array, calls[6][3] as Float32Array], [], new Float32Array([0.1, 0]), 0, false, 0, false];
      const lrs = Float64Array.from([0.1, 0.05, 0.02]);
      const idx = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5]);
      const losses = new Float32Array(3);
      const lossOut = calls[1][4] as Float32Array;
      if (off) {
        const args = [program, sgd, lrs, x, a.x, y, a.t, idx, lossOut, losses, 0] as const;
        expect(() => addon.trainStepsAsync(program, sgd, lrs, x, a.x, y, a.t, idx.subarray(1), lossOut, losses, 0, control))
          .toThrow(/trainStepsAsync: indices.length must be a multiple of lrs.length/);
        expect(() => addon.trainStepsAsync(...args, 'no' as unknown as Int32Array)).toThrow(/trainStepsAsync: argument 'control'/);
        control[0] = 1;  // a stop asked for before the first step: nothing runs
        expect(await addon.trainStepsAsync(...args, control)).toBe(0);
        control[0] = 0;
        expect(await addon.trainStepsAsync(...args, control)).toBe(3);
      } else {
        addon.trainSteps(program, sgd, lrs, x, a.x, y, a.t, idx, lossOut, losses, 0);
      }
      results.push([...Array.from(a.w), ...Array.from(losses)]);
    }
    expect(results[1]).toEqual(results[0]);
  });

  test('runBatchesAsync runs a program over consecutive batches and copies outputs and losses out', async () => {
    const a = inputs(2);
    const { calls } = stepCalls(a.x, a.w, a.b, a.t);
    const program = addon.compileProgram(calls);
    const lossOut = calls[1][4] as Float32Array;
    const r = lcg(6);
    // The program's batch is 5 rows of 7 features; 3 batches.
    const x = Float32Array.from({ length: 7 * 15 }, r), y = Float32Array.from({ length: 15 }, (_, i) => i % 3);
    const losses = new Float64Array(3);
    const probs = calls[1][3] as Float32Array;
    const out = new Float32Array(15 * 3);
    const control = new Int32Array(1);
    expect(await addon.runBatchesAsync(program, x, a.x, y, a.t, probs, out, lossOut, losses, 5, 0, 3, control)).toBe(3);
    // Each batch's loss and outputs are what runProgram gives on the same rows.
    for (let b = 0; b < 3; b++) {
      a.x.set(x.subarray(b * 35, b * 35 + 35));
      a.t.set(y.subarray(b * 5, b * 5 + 5));
      addon.runProgram(program);
      expect(losses[b]).toBe(lossOut[0]);
      expect(Array.from(out.subarray(b * 15, b * 15 + 15))).toEqual(Array.from(probs));
    }
    expect(() => addon.runBatchesAsync(program, x, a.x, y, a.t, null, null, lossOut, losses, 5, 5, 3, control))
      .toThrow(/firstRow \+ count \* batch exceeds the 15 rows of x/);
    expect(() => addon.runBatchesAsync(program, x, a.x, y, null, null, null, null, null, 5, 0, 1, control))
      .toThrow(/y and yIn must both be given or both be null/);
  });

  test('runProgram takes only program handles', () => {
    expect(() => addon.runProgram({} as never)).toThrow(/must be a program from compileProgram/);
  });
});
