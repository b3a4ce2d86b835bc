/**
 * Losses against golden values (Keras formulas in NumPy, torch.nn.functional; golden-data.ts), gradient
 * checks by central differences on the reference backend, fromLogits = probability variants, bad input.
 */
import { setBackend } from '../../lib/backend/select';
import { ShapeError, ValueError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';
import { sigmoid } from '../../lib/ops/unary';
import { softmax } from '../../lib/ops/softmax';
import { mean } from '../../lib/ops/reduce';
import { mul, sub } from '../../lib/ops/binary';
import type { Tensor } from '../../lib/tensor/tensor';
import {
  binaryCrossentropy, categoricalCrossentropy, getLoss, huber, meanAbsoluteError, meanSquaredError,
  sparseCategoricalCrossentropy, type Loss,
} from '../../lib/losses/index';
import { checkGradients, randomValues } from '../helpers/gradcheck';
import { describeEachBackend } from '../helpers/backends';
import { B, C, EXPECTED, INPUTS } from './golden-data';

beforeAll(() => setBackend('reference'));

const t2 = (name: string) => tensor(Float32Array.from(INPUTS[name]), [B, C]);

function expectValues(x: Tensor, expected: number[], tol = 1e-5): void {
  expect(x.shape).toEqual([expected.length]);
  const v = x.dataSync();
  expected.forEach((e, i) => {
    if (Math.abs(v[i] - e) > tol * Math.max(1, Math.abs(e))) throw new Error(`element ${i}: got ${v[i]}, expected ${e}`);
  });
}

describeEachBackend('golden values', () => {
  const cases: [string, Loss, string, string][] = [
    ['mse', meanSquaredError(), 'regTrue', 'regPred'],
    ['mae', meanAbsoluteError(), 'regTrue', 'regPred'],
    ['huber1', huber(), 'regTrue', 'regPred'],
    ['huber05', huber({ delta: 0.5 }), 'regTrue', 'regPred'],
    ['bce', binaryCrossentropy(), 'binTrue', 'binProb'],
    ['bceSmooth02', binaryCrossentropy({ labelSmoothing: 0.2 }), 'binTrue', 'binProb'],
    ['bceLogits', binaryCrossentropy({ fromLogits: true }), 'binTrue', 'binLogit'],
    ['cce', categoricalCrossentropy(), 'catTrue', 'catProbRaw'],
    ['cceSmooth01', categoricalCrossentropy({ labelSmoothing: 0.1 }), 'catTrue', 'catProbRaw'],
    ['cceLogits', categoricalCrossentropy({ fromLogits: true }), 'catTrue', 'catLogit'],
    ['cceLogitsSmooth01', categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), 'catTrue', 'catLogit'],
  ];
  for (const [key, loss, yt, yp] of cases) {
    test(`${key} = reference per-sample values`, () => expectValues(loss.perSample(t2(yt), t2(yp)), EXPECTED[key]));
  }
  test('sparse = reference, labels [batch] and [batch, 1]', () => {
    const idx = Float32Array.from(INPUTS.sparseIdx);
    expectValues(sparseCategoricalCrossentropy().perSample(tensor(idx, [B]), t2('catProbRaw')), EXPECTED.sparse);
    expectValues(sparseCategoricalCrossentropy().perSample(tensor(idx, [B, 1]), t2('catProbRaw')), EXPECTED.sparse);
    expectValues(sparseCategoricalCrossentropy({ fromLogits: true }).perSample(tensor(idx, [B]), t2('catLogit')), EXPECTED.sparseLogits);
  });
  test('probabilities are clipped to [1e-7, 1 - 1e-7]: p = 0 for a positive gives -log(1e-7)', () => {
    const v = binaryCrossentropy().perSample(tensor([[1]]), tensor([[0]])).dataSync()[0];
    expect(v).toBeCloseTo(-Math.log(1e-7), 3);
  });
});

describeEachBackend('fromLogits variants equal the probability variants', () => {
  test('binary: bce(logits x) = bce(sigmoid(x))', () => {
    const x = t2('binLogit');
    const a = binaryCrossentropy({ fromLogits: true }).perSample(t2('binTrue'), x).dataSync();
    const b = binaryCrossentropy().perSample(t2('binTrue'), sigmoid(x)).dataSync();
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5));
  });
  test('categorical and sparse: ce(logits x) = ce(softmax(x))', () => {
    const x = t2('catLogit');
    const a = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).perSample(t2('catTrue'), x).dataSync();
    const b = categoricalCrossentropy({ labelSmoothing: 0.1 }).perSample(t2('catTrue'), softmax(x)).dataSync();
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5));
    const idx = tensor(Float32Array.from(INPUTS.sparseIdx), [B]);
    const c = sparseCategoricalCrossentropy({ fromLogits: true }).perSample(idx, x).dataSync();
    const d = sparseCategoricalCrossentropy().perSample(idx, softmax(x)).dataSync();
    c.forEach((v, i) => expect(Math.abs(v - d[i])).toBeLessThan(1e-5));
  });
});

describe('gradients by central differences (with respect to yPred), reference backend', () => {
  beforeAll(() => setBackend('reference'));
  const n = B * C;
  const shape = [B, C];
  const yt = (name: string) => t2(name);
  // Points kept away from the kinks of |e| and of huber (|e| = delta).
  const diffs = randomValues(n, 11, -2, 2, [0, 0.5, -0.5, 1, -1], 0.1);
  const regTrue = Float32Array.from(INPUTS.regTrue);
  const regPred = Float32Array.from(diffs.map((d, i) => regTrue[i] + d));
  const cases: [string, Loss, string, Float32Array][] = [
    ['mse', meanSquaredError(), 'regTrue', regPred],
    ['mae', meanAbsoluteError(), 'regTrue', regPred],
    ['huber', huber({ delta: 0.5 }), 'regTrue', regPred],
    ['binaryCrossentropy', binaryCrossentropy({ labelSmoothing: 0.1 }), 'binTrue', randomValues(n, 12, 0.1, 0.9)],
    ['binaryCrossentropy fromLogits', binaryCrossentropy({ fromLogits: true }), 'binTrue', randomValues(n, 13, -3, 3, [0], 0.05)],
    ['categoricalCrossentropy', categoricalCrossentropy(), 'catTrue', randomValues(n, 14, 0.2, 1)],
    ['categoricalCrossentropy fromLogits', categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), 'catTrue', randomValues(n, 15, -2, 2)],
  ];
  for (const [name, loss, t, values] of cases) {
    test(name, () => {
      const target = yt(t);
      checkGradients((p) => loss.perSample(target, p), [{ shape, values }], { h: 1e-3, tol: 1e-2 });
    });
  }
  test('sparseCategoricalCrossentropy (probabilities and logits)', () => {
    const idx = tensor(Float32Array.from(INPUTS.sparseIdx), [B]);
    checkGradients((p) => sparseCategoricalCrossentropy().perSample(idx, p), [{ shape, values: randomValues(n, 16, 0.2, 1) }], { h: 1e-3, tol: 1e-2 });
    checkGradients((p) => sparseCategoricalCrossentropy({ fromLogits: true }).perSample(idx, p), [{ shape, values: randomValues(n, 17, -2, 2) }], { h: 1e-3, tol: 1e-2 });
  });
});

describe('getLoss', () => {
  test('names and aliases with defaults', () => {
    expect(getLoss('mse').name).toBe('meanSquaredError');
    expect(getLoss('mae').name).toBe('meanAbsoluteError');
    expect(getLoss('huber').getConfig()).toEqual({ delta: 1 });
    expect(getLoss('binaryCrossentropy').getConfig()).toEqual({ fromLogits: false, labelSmoothing: 0 });
    expect(getLoss('sparseCategoricalCrossentropy').fromLogits).toBe(false);
    const l = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    expect(getLoss(l)).toBe(l);
    expect(getLoss({ name: l.name, config: l.getConfig() }).getConfig()).toEqual(l.getConfig());
  });
  test('a user function returning per-sample or scalar values', () => {
    const perSample = getLoss(function myLoss(t, p) { return mean(mul(sub(p, t), sub(p, t)), -1); });
    expect(perSample.name).toBe('myLoss');
    expectValues(perSample.perSample(t2('regTrue'), t2('regPred')), EXPECTED.mse);
    const scalarLoss = getLoss((t, p) => mean(sub(p, t)));
    expect(scalarLoss.perSample(t2('regTrue'), t2('regPred')).shape).toEqual([]);
    expect(() => getLoss((t) => t).perSample(t2('regTrue'), t2('regPred'))).toThrow(ShapeError);
  });
  test('unknown names and bad options are ValueErrors', () => {
    expect(() => getLoss('crossentropy')).toThrow(/getLoss: id must be one of/);
    expect(() => getLoss(42 as never)).toThrow(ValueError);
    expect(() => huber({ delta: 0 })).toThrow(ValueError);
    expect(() => huber({ delta: NaN })).toThrow(/delta must be a finite number/);
    expect(() => binaryCrossentropy({ labelSmoothing: 1.5 })).toThrow(ValueError);
    expect(() => categoricalCrossentropy({ fromLogits: 'yes' as never })).toThrow(ValueError);
  });
});

describe('bad input to perSample', () => {
  test('mismatched shapes are ShapeErrors naming both shapes', () => {
    expect(() => meanSquaredError().perSample(tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow(/yTrue \[1, 2\] and yPred \[1, 3\]/);
    expect(() => binaryCrossentropy().perSample(tensor([1, 0]), tensor([[0.5], [0.5]]))).toThrow(ShapeError);
    expect(() => categoricalCrossentropy().perSample(tensor([1, 0]), tensor([0.5, 0.5]))).toThrow(ShapeError);
    expect(() => sparseCategoricalCrossentropy().perSample(tensor([1, 0, 1]), tensor([[0.5, 0.5], [0.5, 0.5]]))).toThrow(ShapeError);
  });
  test('non-tensors and out-of-range sparse labels are ValueErrors', () => {
    expect(() => meanSquaredError().perSample([1, 2] as never, tensor([1, 2]))).toThrow(/yTrue must be a Tensor/);
    expect(() => sparseCategoricalCrossentropy().perSample(tensor([0, 2]), tensor([[0.5, 0.5], [0.5, 0.5]]))).toThrow(/yTrue\[1\] must be a class index/);
    expect(() => sparseCategoricalCrossentropy().perSample(tensor([0, 0.5]), tensor([[0.5, 0.5], [0.5, 0.5]]))).toThrow(ValueError);
  });
});
