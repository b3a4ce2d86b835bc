/** Activations by name: values against the formulas, the fused dense path equal to the composed one. */
import { setBackend } from '../../lib/backend/select';
import { ValueError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';
import { dense } from '../../lib/ops/fused';
import { matmul } from '../../lib/ops/matmul';
import { add } from '../../lib/ops/binary';
import { ACTIVATION_NAMES, getActivation } from '../../lib/activations/index';

beforeAll(() => setBackend('reference'));

const X = [-2, -0.5, 0, 0.7, 3];
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const FORMULAS: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  leakyRelu: (x) => (x > 0 ? x : 0.2 * x), // Keras 3's activation default (negative_slope 0.2)
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  silu: (x) => x * sig(x),
  swish: (x) => x * sig(x),
  sigmoid: sig,
  tanh: Math.tanh,
  softplus: (x) => Math.log1p(Math.exp(x)),
};

test('elementwise activations follow their formulas', () => {
  for (const [name, f] of Object.entries(FORMULAS)) {
    const y = getActivation(name).apply(tensor(X)).dataSync();
    X.forEach((x, i) => expect(y[i]).toBeCloseTo(f(x), 5));
  }
  // gelu exact: x Phi(x); Phi(0.7) = 0.7580363478 (standard normal CDF table)
  expect(getActivation('gelu').apply(tensor([0.7])).dataSync()[0]).toBeCloseTo(0.7 * 0.7580363478, 5);
  const s = getActivation('softmax').apply(tensor([[1, 2, 3]])).dataSync();
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
  expect(s[2]).toBeCloseTo(Math.exp(3) / z, 6);
});

test('the fused dense activation equals the composed one', () => {
  const x = tensor([[0.5, -1], [2, 0.3]]);
  const w = tensor([[1, -2, 0.5], [0.7, 0.1, -1]]);
  const b = tensor([0.1, -0.2, 0.3]);
  for (const name of ACTIVATION_NAMES) {
    const a = getActivation(name);
    if (a.fused === null) { expect(name).toBe('softmax'); continue; }
    const fused = dense(x, w, b, a.fused, a.param).dataSync();
    const composed = a.apply(add(matmul(x, w), b)).dataSync();
    fused.forEach((v, i) => expect(v).toBeCloseTo(composed[i], 5));
  }
});

test('null means linear; unknown names are ValueErrors', () => {
  expect(getActivation(null).name).toBe('linear');
  expect(getActivation(undefined).fused).toBe('linear');
  expect(() => getActivation('mish')).toThrow(/activation must be one of/);
  expect(() => getActivation(3 as never)).toThrow(ValueError);
});
