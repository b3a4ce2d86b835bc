/**
 * Conformance of the convolution kernels (channels last): conv2dForward with and without bias under every
 * activation, in place (z === out), and the input and kernel gradients, over geometries with strides, dilation,
 * 'same'-style padding, pointwise (1 x 1) windows, one-row images (conv1d), several im2col tiles on the cpu, and
 * empty batches.
 */
import type { UnaryOp } from '../../lib/backend/kernel-ids';
import { describeFamily } from './backends';
import { accumulationTol, ELEMENTWISE_TOL } from './compare';
import { checkAgainstReference, maxAbs } from './harness';
import { Rng } from './prng';

/** A convolution case: sizes [N, H, W, C, OH, OW, F] and window [KH, KW, SH, SW, DH, DW, PT, PL]. */
interface Case { name: string; sizes: number[]; window: number[] }

/** The case for an input [n, h, w, c], a [kh, kw] window of f filters, strides, dilation and padding before. */
function geometry(name: string, [n, h, w, c]: number[], [kh, kw]: number[], f: number, [sh, sw] = [1, 1], [dh, dw] = [1, 1],
  [pt, pb, pl, pr] = [0, 0, 0, 0]): Case {
  const oh = Math.floor((h + pt + pb - (kh - 1) * dh - 1) / sh) + 1;
  const ow = Math.floor((w + pl + pr - (kw - 1) * dw - 1) / sw) + 1;
  return { name, sizes: [n, h, w, c, oh, ow, f], window: [kh, kw, sh, sw, dh, dw, pt, pl] };
}

const CASES: Case[] = [
  geometry('1x1 image, 1x1 window', [1, 1, 1, 1], [1, 1], 1),
  geometry('valid 3x3', [2, 7, 6, 3], [3, 3], 5),
  geometry('pointwise 1x1 (a plain GEMM)', [3, 5, 4, 7], [1, 1], 9),
  geometry('same 3x3, stride 1', [2, 6, 7, 4], [3, 3], 6, [1, 1], [1, 1], [1, 1, 1, 1]),
  geometry('same 3x3, stride 2 (Keras pads 0 before, 1 after on even sizes)', [2, 8, 8, 3], [3, 3], 4, [2, 2], [1, 1], [0, 1, 0, 1]),
  geometry('strides 2x3, 4x2 window', [2, 11, 13, 2], [4, 2], 3, [2, 3]),
  geometry('dilation 2x3', [1, 9, 12, 3], [3, 2], 4, [1, 1], [2, 3]),
  geometry('dilation and stride with padding', [2, 10, 9, 2], [3, 3], 3, [2, 2], [2, 2], [2, 2, 2, 2]),
  geometry('1x1 window, stride 2 (im2col, not pointwise)', [2, 6, 5, 4], [1, 1], 3, [2, 2]),
  geometry('one row (conv1d), same k=5', [3, 1, 20, 4], [1, 5], 6, [1, 1], [1, 1], [0, 0, 2, 2]),
  geometry('LeNet conv 2 (several im2col tiles)', [8, 13, 13, 32], [3, 3], 16),
  geometry('LeNet conv 1 (one channel)', [4, 28, 28, 1], [3, 3], 32),
  geometry('empty batch', [0, 5, 5, 2], [3, 3], 3),
  geometry('window larger than a side with padding', [2, 2, 3, 2], [3, 3], 2, [1, 1], [1, 1], [1, 1, 1, 1]),
];

const ACTIVATIONS: Array<[UnaryOp, number]> = [['linear', 0], ['relu', 0], ['sigmoid', 0], ['tanh', 0], ['leakyRelu', 0.2],
  ['elu', 1], ['gelu', 0], ['silu', 0], ['softplus', 0]];

function sizesOf(c: Case) {
  const [n, h, w, ch, oh, ow, f] = c.sizes;
  const [kh, kw] = c.window;
  return { x: n * h * w * ch, w: kh * kw * ch * f, out: n * oh * ow * f, k: kh * kw * ch, rows: n * oh * ow, f };
}

describeFamily('convolutions', () => {
  describe.each(CASES)('$name', (c) => {
    const len = sizesOf(c);
    const rng = new Rng(len.x * 7 + len.w * 3 + len.out);
    const x = rng.uniform(len.x);
    const w = rng.uniform(len.w, -0.5, 0.5);
    const bias = rng.uniform(len.f);
    const dz = rng.uniform(len.out);

    test.each(ACTIVATIONS)('conv2dForward %s(%d), with and without bias, and in place', (activation, param) => {
      const zTol = accumulationTol(len.k + 1, maxAbs(x) * maxAbs(w) + maxAbs(bias));
      const outTol = { rtol: zTol.rtol + ELEMENTWISE_TOL.rtol, atol: 1.2 * zTol.atol + ELEMENTWISE_TOL.atol };
      for (const withBias of [true, false]) {
        checkAgainstReference({ x, w, bias, z: new Float32Array(len.out), out: new Float32Array(len.out) },
          (be, b) => be.conv2dForward(b.x, b.w, withBias ? b.bias : null, b.z, b.out, c.sizes, c.window, activation, param),
          { z: zTol, out: outTol }, `conv2dForward ${c.name} ${activation} bias=${withBias}`);
        checkAgainstReference({ x, w, bias, z: new Float32Array(len.out) },
          (be, b) => be.conv2dForward(b.x, b.w, withBias ? b.bias : null, b.z, b.z, c.sizes, c.window, activation, param),
          { z: activation === 'linear' ? zTol : outTol }, `conv2dForward ${c.name} ${activation} bias=${withBias} z === out`);
      }
    });

    test('conv2dInputGrad writes every element of dx (NaN there before does not survive)', () => {
      const [, , , , , , f] = c.sizes;
      const [kh, kw] = c.window;
      const got = checkAgainstReference({ dz, w, dx: new Float32Array(len.x).fill(NaN) },
        (be, b) => be.conv2dInputGrad(b.dz, b.w, b.dx, c.sizes, c.window),
        { dx: accumulationTol(kh * kw * f, maxAbs(dz) * maxAbs(w)) }, `conv2dInputGrad ${c.name}`);
      expect(Array.from(got.dx).every(Number.isFinite)).toBe(true);
    });

    test('conv2dFilterGrad writes every element of dw', () => {
      const got = checkAgainstReference({ x, dz, dw: new Float32Array(len.w).fill(NaN) },
        (be, b) => be.conv2dFilterGrad(b.x, b.dz, b.dw, c.sizes, c.window),
        { dw: accumulationTol(len.rows, maxAbs(x) * maxAbs(dz)) }, `conv2dFilterGrad ${c.name}`);
      expect(Array.from(got.dw).every(Number.isFinite)).toBe(true);
    });
  });
});
