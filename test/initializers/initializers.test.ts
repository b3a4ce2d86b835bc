/** Initializers: Keras limits/stddevs checked on the empirical distribution, seeding, fans, config, bad input. */
import { setBackend } from '../../lib/backend/select';
import { ShapeError, ValueError } from '../../lib/errors';
import { setSeed } from '../../lib/tensor/random';
import {
  computeFans, constant, getInitializer, glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, ones,
  randomNormal, randomUniform, zeros,
} from '../../lib/initializers/index';

beforeAll(() => setBackend('reference'));

function stats(v: Float32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0; let min = Infinity; let max = -Infinity;
  for (const x of v) { s += x; min = Math.min(min, x); max = Math.max(max, x); }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length), min, max };
}

// [200, 300]: fanIn 200, fanOut 300, 60000 samples (std of the std estimate ~0.3%).
const SHAPE = [200, 300];

test('uniform ones: limit sqrt(6/(fanIn+fanOut)) (glorot), sqrt(6/fanIn) (he); std = limit/sqrt(3)', () => {
  for (const [init, limit] of [[glorotUniform({ seed: 1 }), Math.sqrt(6 / 500)], [heUniform({ seed: 2 }), Math.sqrt(6 / 200)]] as const) {
    const s = stats(init.init(SHAPE).dataSync());
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * limit);
    expect(s.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
  }
});

test('truncated normals: std of the result sqrt(scale/n) (Keras divides by .87962566103423978), |x| <= 2 stddev', () => {
  const cases = [
    [glorotNormal({ seed: 3 }), Math.sqrt(2 / 500)],
    [heNormal({ seed: 4 }), Math.sqrt(2 / 200)],
    [lecunNormal({ seed: 5 }), Math.sqrt(1 / 200)],
  ] as const;
  for (const [init, target] of cases) {
    const s = stats(init.init(SHAPE).dataSync());
    const stddev = target / 0.87962566103423978;
    expect(s.max).toBeLessThanOrEqual(2 * stddev * (1 + 1e-6));
    expect(s.min).toBeGreaterThanOrEqual(-2 * stddev * (1 + 1e-6));
    expect(Math.abs(s.mean)).toBeLessThan(0.02 * target);
    expect(Math.abs(s.std / target - 1)).toBeLessThan(0.02);
  }
});

test('randomNormal / randomUniform defaults (0, 0.05) and (-0.05, 0.05)', () => {
  const n = stats(randomNormal({ seed: 6 }).init(SHAPE).dataSync());
  expect(Math.abs(n.std / 0.05 - 1)).toBeLessThan(0.02);
  const u = stats(randomUniform({ seed: 7 }).init(SHAPE).dataSync());
  expect(u.min).toBeGreaterThanOrEqual(-0.05);
  expect(u.max).toBeLessThanOrEqual(0.05);
});

test('same seed gives the same values; without a seed the global generator (setSeed) decides', () => {
  const a = glorotUniform({ seed: 42 }).init([3, 4]).dataSync();
  const b = glorotUniform({ seed: 42 }).init([3, 4]).dataSync();
  expect(Array.from(a)).toEqual(Array.from(b));
  expect(Array.from(glorotUniform({ seed: 43 }).init([3, 4]).dataSync())).not.toEqual(Array.from(a));
  setSeed(9);
  const c = heNormal().init([5]).dataSync();
  setSeed(9);
  expect(Array.from(heNormal().init([5]).dataSync())).toEqual(Array.from(c));
});

test('constants and fans', () => {
  expect(Array.from(zeros().init([2]).dataSync())).toEqual([0, 0]);
  expect(Array.from(ones().init([2]).dataSync())).toEqual([1, 1]);
  expect(Array.from(constant({ value: 2.5 }).init([2]).dataSync())).toEqual([2.5, 2.5]);
  expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
  expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
});

test('getInitializer and config round-trip', () => {
  expect(getInitializer('glorotUniform').className).toBe('GlorotUniform');
  expect(getInitializer('HeNormal').className).toBe('HeNormal');
  const r = randomUniform({ minval: -1, maxval: 2, seed: 3 });
  const back = getInitializer({ className: r.className, config: r.getConfig() });
  expect(Array.from(back.init([4]).dataSync())).toEqual(Array.from(r.init([4]).dataSync()));
  expect(() => getInitializer('xavier')).toThrow(ValueError);
});

test('bad input', () => {
  expect(() => glorotUniform({ seed: NaN })).toThrow(/seed must be a finite number/);
  expect(() => randomUniform({ minval: 1, maxval: 0 })).toThrow(ValueError);
  expect(() => constant({ value: NaN })).toThrow(ValueError);
  expect(() => glorotUniform().init([2, -1])).toThrow(ShapeError);
});
