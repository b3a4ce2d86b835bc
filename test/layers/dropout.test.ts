/**
 * The Dropout layer with Philox masks drawn on the backend: the same seed gives the same masks, call after call,
 * on every backend that loads (compared with the reference bit for bit); the fraction kept is 1 - rate within
 * binomial error; the gradient is dy * mask / (1 - rate); inference is the identity; dispose frees the state.
 */
import * as my from '../../lib/index';
import { setBackend } from '../../lib/backend/select';
import { philoxDropout } from '../../lib/ops/dropout';
import { availableBackends, describeEachBackend } from '../helpers/backends';

/** Three training calls of a fresh seeded layer on a [rows, cols] input of ones, on the current backend. */
function threeMasks(rate: number, seed: number | undefined, rows: number, cols: number): Float32Array[] {
  const layer = my.layers.dropout({ rate, seed });
  const x = my.ones([rows, cols]);
  const out = [0, 1, 2].map(() => my.tidy(() => layer.apply(x, true).dataSync()));
  x.dispose();
  layer.dispose();
  return out;
}

describe('dropout masks are the same on every backend', () => {
  test('a seeded layer: three calls in a row, bit for bit as on the reference', () => {
    const cases = availableBackends();
    setBackend('reference');
    const want = threeMasks(0.3, 7, 33, 50);
    expect(new Set(want.map((m) => m.join())).size).toBe(3);  // each call draws a new mask
    for (const c of cases) {
      setBackend(c.name, c.options);
      const got = threeMasks(0.3, 7, 33, 50);
      got.forEach((m, i) => expect(Array.from(m)).toEqual(Array.from(want[i])));
    }
    setBackend('reference');
  });

  test('without a seed the key comes from the global generator: setSeed before making the layer fixes the masks', () => {
    const cases = availableBackends();
    setBackend('reference');
    my.setSeed(123);
    const want = threeMasks(0.5, undefined, 4, 9);
    for (const c of cases) {
      setBackend(c.name, c.options);
      my.setSeed(123);
      const got = threeMasks(0.5, undefined, 4, 9);
      got.forEach((m, i) => expect(Array.from(m)).toEqual(Array.from(want[i])));
    }
    setBackend('reference');
  });
});

describeEachBackend('dropout layer', () => {
  test.each([0.1, 0.5, 0.8])('rate %f: kept fraction 1 - rate within 5 binomial sigmas, kept values 1 / (1 - rate)', (rate) => {
    const n = 100 * 200;
    const [y] = threeMasks(rate, 11, 100, 200);
    const scale = Math.fround(1 / (1 - rate));
    let kept = 0;
    let other = 0;
    for (const v of y) {
      if (v === scale) kept++;
      else if (v !== 0) other++;
    }
    expect(other).toBe(0);
    const sigma = Math.sqrt(n * rate * (1 - rate));
    expect(Math.abs(kept - n * (1 - rate))).toBeLessThan(5 * sigma);
  });

  test('gradient: dx = dy * mask, the mask of the forward call', () => {
    const layer = my.layers.dropout({ rate: 0.4, seed: 3 });
    const x = my.randomNormal([6, 7], { seed: 4 });
    const dyValues = my.randomNormal([6, 7], { seed: 5 });
    const [dx] = my.grads(() => my.sum(my.mul(layer.apply(x, true), dyValues)), [x]);
    // The same first call again (fresh layer, same seed), on ones: its output is the mask.
    const mask = threeMasks(0.4, 3, 6, 7)[0];
    const dy = dyValues.dataSync();
    const got = dx.dataSync();
    for (let i = 0; i < mask.length; i++) expect(got[i]).toBe(Math.fround(dy[i] * mask[i]));
    for (const t of [x, dyValues, dx]) t.dispose();
    layer.dispose();
  });

  test('inference and rate 0 are the identity; dispose frees the state buffer', () => {
    const x = my.ones([2, 3]);
    const before = my.memory().numTensors;
    const layer = my.layers.dropout({ rate: 0.5, seed: 1 });
    expect(layer.apply(x, false)).toBe(x);
    expect(my.layers.dropout({ rate: 0 }).apply(x, true)).toBe(x);
    my.tidy(() => { layer.apply(x, true); });
    expect(my.memory().numTensors).toBe(before + 1);  // the counter's state buffer
    layer.dispose();
    expect(my.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('dropout op arguments', () => {
  test('a bad rate, key or state gives a ValueError naming it', () => {
    const x = my.ones([2, 2]);
    const state = my.zeros([4]);
    expect(() => philoxDropout(x, 1, [1, 2], state)).toThrow(/rate must be a number in \[0, 1\), got 1/);
    expect(() => philoxDropout(x, 0.5, [1, 2 ** 32], state)).toThrow(/key must be two integers in \[0, 2\^32\)/);
    expect(() => philoxDropout(x, 0.5, [1, 2], my.zeros([3]))).toThrow(my.ValueError);
    x.dispose();
    state.dispose();
  });
});
