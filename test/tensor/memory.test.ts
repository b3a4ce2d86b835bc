/** tidy scopes, keep, dispose accounting, variables and the tape's bookkeeping. */
import * as my from '../../lib/index';

beforeAll(() => { my.setBackend('reference'); });

test('tidy disposes intermediates and keeps what it returns', () => {
  const before = my.memory().numTensors;
  const kept = my.tidy(() => {
    const a = my.tensor([1, 2, 3]);
    const b = my.mul(a, 2);
    return { out: my.add(b, 1), list: [my.exp(a)] };
  });
  expect(my.memory().numTensors).toBe(before + 2);
  expect(kept.out.arraySync()).toEqual([3, 5, 7]);
  kept.out.dispose();
  kept.list[0].dispose();
  expect(my.memory().numTensors).toBe(before);
  expect(my.memory().numBytes).toBeGreaterThanOrEqual(0);
});

test('nested tidy hands returned tensors to the parent scope; keep and variables survive', () => {
  const before = my.memory().numTensors;
  let inner: my.Tensor | null = null;
  let kept: my.Tensor | null = null;
  let v: my.Variable | null = null;
  my.tidy(() => {
    inner = my.tidy(() => my.ones([2]));
    kept = my.keep(my.zeros([2]));
    v = my.variable(my.ones([3]));
    expect(inner.isDisposed).toBe(false);
    return undefined;
  });
  expect(inner!.isDisposed).toBe(true);
  expect(kept!.isDisposed).toBe(false);
  expect(v!.isDisposed).toBe(false);
  kept!.dispose();
  v!.dispose();
  expect(my.memory().numTensors).toBe(before);
});

test('tidy disposes on error and rejects async functions', () => {
  const before = my.memory().numTensors;
  expect(() => my.tidy(() => { my.ones([4]); throw new Error('x'); })).toThrow('x');
  expect(my.memory().numTensors).toBe(before);
  expect(() => my.tidy((async () => my.ones([1])) as never)).toThrow(/synchronous/);
});

test('valueAndGrads leaves only value and gradients alive, also across inner tidy scopes', () => {
  const w = my.variable(my.tensor([[0.5, -1], [2, 0.1]]));
  const x = my.tensor([[1, 2], [3, 4]]);
  const before = my.memory().numTensors;
  const { value, grads } = my.valueAndGrads(() => my.tidy(() => my.mean(my.square(my.dense(x, w, null, 'tanh')))), [w]);
  expect(my.memory().numTensors).toBe(before + 2);
  // d/dw mean(tanh(xw)^2) computed by hand in float64.
  const xw = [[1 * 0.5 + 2 * 2, 1 * -1 + 2 * 0.1], [3 * 0.5 + 4 * 2, 3 * -1 + 4 * 0.1]];
  const dz = xw.map((r) => r.map((z) => (2 * Math.tanh(z) * (1 - Math.tanh(z) ** 2)) / 4));
  const expected = [[1 * dz[0][0] + 3 * dz[1][0], 1 * dz[0][1] + 3 * dz[1][1]], [2 * dz[0][0] + 4 * dz[1][0], 2 * dz[0][1] + 4 * dz[1][1]]];
  const got = grads[0].arraySync() as number[][];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(got[i][j]).toBeCloseTo(expected[i][j], 5);
  value.dispose(); grads[0].dispose();
  expect(my.memory().numTensors).toBe(before);
});

test('gradients of unused variables are zeros and repeated variables get separate tensors', () => {
  const a = my.variable(my.tensor([1, 2]));
  const b = my.variable(my.tensor([3]));
  const { grads } = my.valueAndGrads(() => my.sum(my.mul(a, a)), [a, b, a]);
  expect(grads[0].arraySync()).toEqual([2, 4]);
  expect(grads[1].arraySync()).toEqual([0]);
  expect(grads[2]).not.toBe(grads[0]);
  expect(grads[2].arraySync()).toEqual([2, 4]);
});

test('Variable.assign checks shapes and writes in place', () => {
  const v = my.variable(my.zeros([2]), true, 'w');
  v.assign(my.tensor([5, 6]));
  expect(v.arraySync()).toEqual([5, 6]);
  expect(() => v.assign(my.zeros([3]))).toThrow(/w has shape \[2\]/);
  v.assignData(new Float32Array([1, 1]));
  expect(v.arraySync()).toEqual([1, 1]);
});
