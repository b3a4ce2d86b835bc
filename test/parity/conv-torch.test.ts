/**
 * Convolutions against PyTorch: forward values and the gradients of sum(y * g) with respect to the input, the
 * kernel and the bias, for conv2d, depthwiseConv2d and conv1d (strides, dilation, 'same' and 'valid', fused activations), on every
 * backend that loads. PyTorch (test/parity/conv_torch.py, float64) gets the same channels-last data with the
 * kernels converted to its layout. Needs /usr/bin/python3 with torch, as test/parity/torch-parity.test.ts (which
 * see for MYELIN_SKIP_TORCH_PARITY).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { describeEachBackend } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';

interface Case {
  name: string;
  xShape: number[];
  wShape: number[];
  strides: number[];
  dilation: number[];
  padding: 'valid' | 'same';
  activation: 'linear' | 'relu' | 'tanh';
  /** depthwiseConv2d: the kernel is [kh, kw, channels, depthMultiplier]. */
  depthwise?: boolean;
}

const CASES: Case[] = [
  { name: 'conv2d valid 3x3 relu', xShape: [2, 9, 8, 3], wShape: [3, 3, 3, 5], strides: [1, 1], dilation: [1, 1], padding: 'valid', activation: 'relu' },
  { name: 'conv2d same, strides 2 (even input)', xShape: [2, 8, 8, 2], wShape: [3, 3, 2, 4], strides: [2, 2], dilation: [1, 1], padding: 'same', activation: 'linear' },
  { name: 'conv2d same, strides 2x3, 4x2 window (odd input)', xShape: [1, 9, 11, 2], wShape: [4, 2, 2, 3], strides: [2, 3], dilation: [1, 1], padding: 'same', activation: 'tanh' },
  { name: 'conv2d dilation 2, same', xShape: [2, 7, 7, 2], wShape: [3, 3, 2, 3], strides: [1, 1], dilation: [2, 2], padding: 'same', activation: 'tanh' },
  { name: 'conv2d 1x1 (pointwise)', xShape: [2, 4, 5, 6], wShape: [1, 1, 6, 4], strides: [1, 1], dilation: [1, 1], padding: 'valid', activation: 'linear' },
  { name: 'depthwiseConv2d multiplier 2, same, strides 2', xShape: [2, 7, 6, 3], wShape: [3, 3, 3, 2], strides: [2, 2], dilation: [1, 1], padding: 'same', activation: 'tanh', depthwise: true },
  { name: 'depthwiseConv2d multiplier 1, valid, dilation 2', xShape: [1, 8, 8, 4], wShape: [2, 3, 4, 1], strides: [1, 1], dilation: [2, 2], padding: 'valid', activation: 'relu', depthwise: true },
  { name: 'conv1d valid k=5 stride 2', xShape: [3, 20, 4], wShape: [5, 4, 6], strides: [2], dilation: [1], padding: 'valid', activation: 'relu' },
  { name: 'conv1d same k=4 dilation 3', xShape: [2, 13, 3], wShape: [4, 3, 2], strides: [1], dilation: [3], padding: 'same', activation: 'tanh' },
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** The inputs of each case and myelin's output shape (for the upstream gradient g). */
const inputs = CASES.map((c, i) => ({
  ...c,
  x: Array.from(randomValues(size(c.xShape), 10 + i, -1, 1)),
  w: Array.from(randomValues(size(c.wShape), 20 + i, -0.5, 0.5)),
  b: Array.from(randomValues(c.depthwise ? c.wShape[2] * c.wShape[3] : c.wShape[c.wShape.length - 1], 30 + i, -0.5, 0.5)),
}));

function myelinConv(c: typeof inputs[number], x: my.Tensor, w: my.Tensor, b: my.Tensor): my.Tensor {
  const activation = c.activation;
  if (c.depthwise) return my.depthwiseConv2d(x, w, b, { strides: [c.strides[0], c.strides[1]], dilationRate: [c.dilation[0], c.dilation[1]], padding: c.padding, activation });
  if (c.xShape.length === 4) return my.conv2d(x, w, b, { strides: [c.strides[0], c.strides[1]], dilationRate: [c.dilation[0], c.dilation[1]], padding: c.padding, activation });
  return my.conv1d(x, w, b, { strides: c.strides[0], dilationRate: c.dilation[0], padding: c.padding, activation });
}

const torch = torchAvailable();
const skip = !torch.ok && process.env.MYELIN_SKIP_TORCH_PARITY === '1';

/** PyTorch's results for every case (one Python process). */
function torchResults(gs: number[][]): Array<{ yShape: number[]; y: number[]; dx: number[]; dw: number[]; db: number[] }> {
  const r = spawnSync(torch.python, [path.join(__dirname, 'conv_torch.py')], {
    input: JSON.stringify(inputs.map((c, i) => ({ ...c, g: gs[i] }))), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`conv_torch.py failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

function maxDiff(got: ArrayLike<number>, want: number[]): number {
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  return m;
}

describeEachBackend('conv vs PyTorch', (backend) => {
  if (skip) {
    test('is skipped on request (MYELIN_SKIP_TORCH_PARITY=1)', () => expect(skip).toBe(true));
    return;
  }
  test('forward and gradients within 1e-5 (relative above 1) of PyTorch float64, every case', () => {
    if (!torch.ok) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    const results = inputs.map((c) => {
      const x = my.tensor(c.x, c.xShape);
      const w = my.tensor(c.w, c.wShape);
      const b = my.tensor(c.b, [c.b.length]);
      const y = my.noGrad(() => myelinConv(c, x, w, b));
      const g = my.tensor(randomValues(y.size, 40, -1, 1), y.shape.slice());
      const { value, grads } = my.valueAndGrads(() => my.sum(my.mul(myelinConv(c, x, w, b), g)), [x, w, b]);
      value.dispose();
      return { yShape: y.shape.slice(), y: y.dataSync(), g: Array.from(g.dataSync()), grads: grads.map((t) => t.dataSync()) };
    });
    const want = torchResults(results.map((r) => r.g));
    const rows = inputs.map((c, i) => {
      expect(results[i].yShape).toEqual(want[i].yShape);
      const d = [maxDiff(results[i].y, want[i].y), maxDiff(results[i].grads[0], want[i].dx), maxDiff(results[i].grads[1], want[i].dw), maxDiff(results[i].grads[2], want[i].db)];
      return { name: c.name, d };
    });
    console.log(`conv vs PyTorch on ${backend.label} (max |diff| / max(1, |torch|): y, dx, dkernel, dbias)\n${rows.map((r) => `  ${r.name}: ${r.d.map((v) => v.toExponential(1)).join(', ')}`).join('\n')}`);
    for (const r of rows) for (const v of r.d) expect(v).toBeLessThan(1e-5);
  });
});
