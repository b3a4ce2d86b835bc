/**
 * The pooling, padding and up-sampling layers against PyTorch (test/parity/pooling_torch.py, float64): forward values
 * and input gradients of `sum(layer(x) * dy)` for the same x and dy, channels last here and NCHW there. Max pooling
 * with TensorFlow's uneven 'same' padding is compared with F.max_pool2d on x padded with -inf; average pooling with
 * F.avg_pool2d(count_include_pad=False) where the 'same' padding is even; bilinear up-sampling with
 * F.interpolate(align_corners=False).
 *
 * Needs /usr/bin/python3 with torch (CI installs python3-torch); without it the test FAILS with the install
 * instruction, unless MYELIN_SKIP_TORCH_PARITY=1 is set explicitly.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { pythonPath } from '../../benchmarks/peers';
import { torchAvailable } from '../../benchmarks/parity/sides';
import * as my from '../../lib/index';
import { poolAxis } from '../../lib/ops/pooling';
import { expectClose } from '../conformance/compare';
import { availableBackends } from '../helpers/backends';
import { distinctValues } from '../helpers/distinct-values';

interface Case {
  label: string;
  make: () => my.layers.Layer;
  shape: number[];
  op: string;
  params: Record<string, unknown>;
}

/** TensorFlow's 'same' split of one axis: [before, after]. */
function samePads(size: number, pool: number, stride: number): [number, number] {
  const a = poolAxis(size, pool, stride, 'same', 'parity');
  return [a.padBefore, Math.max(0, (a.out - 1) * stride + pool - size) - a.padBefore];
}

const CASES: Case[] = [
  { label: 'maxPooling2d 2x2', make: () => my.layers.maxPooling2d({ poolSize: 2 }), shape: [2, 6, 6, 3], op: 'max_pool2d', params: { pool: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0] } },
  { label: 'maxPooling2d 3x3 stride 1', make: () => my.layers.maxPooling2d({ poolSize: 3, strides: 1 }), shape: [2, 5, 6, 2], op: 'max_pool2d', params: { pool: [3, 3], stride: [1, 1], pad: [0, 0, 0, 0] } },
  { label: 'maxPooling2d 2x2 same (uneven padding)', make: () => my.layers.maxPooling2d({ poolSize: 2, padding: 'same' }), shape: [2, 7, 5, 3], op: 'max_pool2d', params: { pool: [2, 2], stride: [2, 2], pad: [...samePads(7, 2, 2), ...samePads(5, 2, 2)] } },
  { label: 'maxPooling2d 3x2 stride 2x1 same', make: () => my.layers.maxPooling2d({ poolSize: [3, 2], strides: [2, 1], padding: 'same' }), shape: [1, 6, 5, 4], op: 'max_pool2d', params: { pool: [3, 2], stride: [2, 1], pad: [...samePads(6, 3, 2), ...samePads(5, 2, 1)] } },
  { label: 'averagePooling2d 2x2', make: () => my.layers.averagePooling2d({ poolSize: 2 }), shape: [2, 6, 4, 3], op: 'avg_pool2d', params: { pool: [2, 2], stride: [2, 2], pad: [0, 0] } },
  { label: 'averagePooling2d 3x3 stride 1 same', make: () => my.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }), shape: [2, 5, 6, 2], op: 'avg_pool2d', params: { pool: [3, 3], stride: [1, 1], pad: [1, 1] } },
  { label: 'averagePooling2d 3x3 stride 2 same', make: () => my.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), shape: [1, 7, 7, 3], op: 'avg_pool2d', params: { pool: [3, 3], stride: [2, 2], pad: [1, 1] } },
  { label: 'maxPooling1d 3 stride 2 same', make: () => my.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), shape: [2, 8, 3], op: 'max_pool1d', params: { pool: 3, stride: 2, pad: samePads(8, 3, 2) } },
  { label: 'averagePooling1d 3 stride 1 same', make: () => my.layers.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }), shape: [2, 9, 4], op: 'avg_pool1d', params: { pool: 3, stride: 1, pad: 1 } },
  { label: 'globalAveragePooling2d', make: () => my.layers.globalAveragePooling2d(), shape: [3, 4, 5, 6], op: 'global_avg_2d', params: {} },
  { label: 'globalMaxPooling2d', make: () => my.layers.globalMaxPooling2d(), shape: [3, 4, 5, 6], op: 'global_max_2d', params: {} },
  { label: 'globalAveragePooling1d', make: () => my.layers.globalAveragePooling1d(), shape: [3, 7, 5], op: 'global_avg_1d', params: {} },
  { label: 'globalMaxPooling1d', make: () => my.layers.globalMaxPooling1d(), shape: [3, 7, 5], op: 'global_max_1d', params: {} },
  { label: 'zeroPadding2d [[1, 2], [0, 3]]', make: () => my.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), shape: [2, 3, 4, 2], op: 'pad', params: { pad: [[1, 2], [0, 3]] } },
  { label: 'upSampling2d [2, 3]', make: () => my.layers.upSampling2d({ size: [2, 3] }), shape: [2, 3, 4, 2], op: 'nearest', params: { size: [2, 3] } },
  { label: 'upSampling2d bilinear [2, 3]', make: () => my.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }), shape: [2, 3, 4, 2], op: 'bilinear', params: { size: [2, 3] } },
  { label: 'upSampling2d bilinear 4', make: () => my.layers.upSampling2d({ size: 4, interpolation: 'bilinear' }), shape: [1, 5, 2, 3], op: 'bilinear', params: { size: [4, 4] } },
];

const torch = torchAvailable();
const skip = process.env.MYELIN_SKIP_TORCH_PARITY === '1';

/** x and dy of every case (the same on every backend) and PyTorch's y and dx for them. */
function torchSide(): { version: string; inputs: Array<{ x: Float32Array; dy: Float32Array; dyShape: number[] }>; results: Array<{ y: number[]; dx: number[] }> } {
  my.setBackend('reference');
  const inputs = CASES.map((c, i) => {
    const x = distinctValues(c.shape, i + 1);
    const y = c.make().apply(x);
    const dy = my.randomUniform(y.shape.slice(), { minval: -1, maxval: 1, seed: 100 + i });
    return { x: x.dataSync().slice(), dy: dy.dataSync().slice(), dyShape: y.shape.slice() };
  });
  const payload = JSON.stringify(CASES.map((c, i) => ({ op: c.op, params: c.params, shape: c.shape, x: Array.from(inputs[i].x), dy: Array.from(inputs[i].dy) })));
  const r = spawnSync(pythonPath(), [path.join(__dirname, 'pooling_torch.py')], { input: payload, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`pooling_torch.py failed: ${r.stderr || r.error?.message}`);
  return { inputs, ...JSON.parse(r.stdout) };
}

describe('pooling, padding and up-sampling layers against PyTorch', () => {
  if (!torch.ok && skip) {
    test('is skipped on request (MYELIN_SKIP_TORCH_PARITY=1)', () => {
      console.warn(`torch parity NOT checked: ${torch.message}`);
      expect(skip).toBe(true);
    });
    return;
  }
  if (!torch.ok) {
    test('PyTorch is importable', () => {
      throw new Error(`PyTorch parity cannot run: ${torch.message} Set MYELIN_SKIP_TORCH_PARITY=1 to skip this check explicitly.`);
    });
    return;
  }

  const side = torchSide();
  const worst: Record<string, number> = {};
  afterAll(() => console.log(`PyTorch ${side.version}, max |myelin - torch| per layer (forward and gradient, every backend): ${JSON.stringify(worst)}`));

  describe.each(availableBackends())('$label', ({ name, options }) => {
    beforeAll(() => my.setBackend(name, options));
    afterAll(() => my.setBackend('reference'));

    test.each(CASES.map((c, i) => [c.label, i] as const))('%s: forward and input gradient', (label, i) => {
      const c = CASES[i];
      const layer = c.make();
      const x = my.variable(my.tensor(side.inputs[i].x, c.shape), true, 'x');
      const { value, grads } = my.valueAndGrads(() => my.sum(my.mul(layer.apply(x, true), my.tensor(side.inputs[i].dy, side.inputs[i].dyShape))), [x]);
      const y = my.noGrad(() => layer.apply(x, false));
      const want = side.results[i];
      const tol = { rtol: 1e-5, atol: 1e-6 };
      expectClose(y.dataSync(), want.y, tol, `${label} forward`);
      expectClose(grads[0].dataSync(), want.dx, tol, `${label} gradient`);
      const diff = Math.max(...Array.from(y.dataSync(), (v, k) => Math.abs(v - want.y[k])), ...Array.from(grads[0].dataSync(), (v, k) => Math.abs(v - want.dx[k])));
      worst[label] = Math.max(worst[label] ?? 0, Number(diff.toPrecision(2)));
      value.dispose(); grads[0].dispose(); y.dispose(); x.dispose();
    });
  });
});
