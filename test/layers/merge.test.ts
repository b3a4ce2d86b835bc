/**
 * Merge layers: forward values against NumPy (computed by /usr/bin/python3 from the same inputs), gradients by
 * central differences for each input, and config round-trips.
 */
import { execFileSync } from 'child_process';
import * as my from '../../lib/index';
import { checkGradients, randomValues } from '../helpers/gradcheck';

const SHAPE = [3, 2, 4];
const xs = [1, 2, 3].map((s) => randomValues(24, s));

/** The NumPy result of `expr` over a, b, c (arrays of SHAPE). */
function numpy(expr: string): number[] {
  const script = `import json, sys, numpy as np
d = json.load(sys.stdin)
a, b, c = (np.array(v, dtype=np.float32).reshape(${JSON.stringify(SHAPE)}) for v in d)
print(json.dumps((${expr}).astype(np.float64).ravel().tolist()))`;
  const out = execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(xs.map((x) => Array.from(x))) });
  return JSON.parse(out.toString()) as number[];
}

const cases: [string, () => my.layers.Merge, number, string][] = [
  ['concatenate (axis -1)', () => my.layers.concatenate(), 3, 'np.concatenate([a, b, c], axis=-1)'],
  ['concatenate (axis 1)', () => my.layers.concatenate({ axis: 1 }), 2, 'np.concatenate([a, b], axis=1)'],
  ['add', () => my.layers.add(), 3, 'a + b + c'],
  ['subtract', () => my.layers.subtract(), 2, 'a - b'],
  ['multiply', () => my.layers.multiply(), 3, 'a * b * c'],
  ['average', () => my.layers.average(), 3, '(a + b + c) / 3'],
  ['maximum', () => my.layers.maximum(), 3, 'np.maximum(np.maximum(a, b), c)'],
  ['minimum', () => my.layers.minimum(), 2, 'np.minimum(a, b)'],
];

describe.each(cases)('%s', (_name, make, arity, expr) => {
  const inputs = () => xs.slice(0, arity).map((v) => my.tensor(v, SHAPE));

  test('forward equals NumPy (1e-6)', () => {
    const y = make().apply(inputs());
    const expected = numpy(expr);
    const got = y.dataSync();
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[i])));
  });

  test('gradients with respect to every input match central differences', () => {
    const layer = make();
    checkGradients((...ts) => layer.apply(ts), xs.slice(0, arity).map((values) => ({ shape: SHAPE, values })));
  });

  test('symbolic output shape and config round-trip', () => {
    const layer = make();
    const ins = xs.slice(0, arity).map(() => my.input({ shape: SHAPE.slice(1) }));
    const out = layer.apply(ins);
    expect([3, ...out.shape]).toEqual(layer.apply(inputs()).shape);
    const again = my.layers.deserializeLayer({ className: layer.className, config: layer.getConfig() });
    expect(again.getConfig()).toEqual(layer.getConfig());
  });
});

test('merge layers reject one tensor and tensors of different batch sizes', () => {
  expect(() => my.layers.add({ name: 'lonely' }).apply(my.zeros([2, 3]))).toThrow(/lonely: Add takes a list of tensors/);
  expect(() => my.layers.add({ name: 'rows' }).apply([my.zeros([2, 3]), my.zeros([3, 3])])).toThrow(/rows: inputs\[1\] has 3 rows but inputs\[0\] has 2/);
  expect(() => my.layers.concatenate({ axis: 0 })).toThrow(/axis must be a non-zero integer/);
  expect(() => my.layers.concatenate({ axis: 3 }).apply([my.input({ shape: [2] }), my.input({ shape: [2] })])).toThrow(/axis 3 does not exist for inputs of rank 2/);
});
