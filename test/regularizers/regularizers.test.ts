/** L1 / L2 / L1L2 penalties: hand-computed values (Keras formulas), gradient checks, config, bad input. */
import { setBackend } from '../../lib/backend/select';
import { ValueError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';
import { getRegularizer, l1, l1l2, l2 } from '../../lib/regularizers/index';
import { checkGradients, randomValues } from '../helpers/gradcheck';

beforeAll(() => setBackend('reference'));

const W = [[0.5, -1.5], [2, -0.25]]; // sum|w| = 4.25, sum w^2 = 6.5625

test('Keras formulas and defaults: l1 0.01 sum|w|, l2 0.01 sum w^2, l1l2 defaults 0', () => {
  expect(l1().penalty(tensor(W)).dataSync()[0]).toBeCloseTo(0.0425, 7);
  expect(l2().penalty(tensor(W)).dataSync()[0]).toBeCloseTo(0.065625, 7);
  // The factor alone, as in l2(1e-4), equals the options form.
  expect(l2(0.02).penalty(tensor(W)).dataSync()[0]).toBeCloseTo(2 * 0.065625, 7);
  expect(l1(0.3).getConfig()).toEqual(l1({ l1: 0.3 }).getConfig());
  expect(() => l2(-1)).toThrow(ValueError);
  expect(l1l2({ l1: 0.1, l2: 0.2 }).penalty(tensor(W)).dataSync()[0]).toBeCloseTo(0.425 + 1.3125, 6);
  const zero = l1l2().penalty(tensor(W));
  expect(zero.shape).toEqual([]);
  expect(zero.dataSync()[0]).toBe(0);
});

test('gradients by central differences', () => {
  const values = randomValues(6, 21, -2, 2, [0], 0.05);
  for (const r of [l1({ l1: 0.3 }), l2({ l2: 0.7 }), l1l2({ l1: 0.2, l2: 0.5 })]) {
    checkGradients((w) => r.penalty(w), [{ shape: [2, 3], values }], { h: 1e-3, tol: 1e-2 });
  }
});

test('getRegularizer: names, configs, instances', () => {
  expect(getRegularizer('l2').getConfig()).toEqual({ l2: 0.01 });
  const r = l1l2({ l1: 0.1, l2: 0.2 });
  expect(getRegularizer(r)).toBe(r);
  expect(getRegularizer({ className: r.className, config: r.getConfig() }).getConfig()).toEqual({ l1: 0.1, l2: 0.2 });
  expect(() => getRegularizer('l3')).toThrow(ValueError);
});

test('bad input is a ValueError', () => {
  expect(() => l1({ l1: -1 })).toThrow(/l1 must be a finite number >= 0, got -1/);
  expect(() => l2({ l2: NaN })).toThrow(ValueError);
  expect(() => l1().penalty([1, 2] as never)).toThrow(/w must be a Tensor/);
});
