/** Every public op given wrong shapes, wrong types, NaN dimensions or disposed tensors throws a typed error. */
import * as my from '../../lib/index';

beforeAll(() => { my.setBackend('reference'); });

const t = () => my.tensor([[1, 2], [3, 4]]);

test('creation rejects ragged, non-numeric and mis-shaped input', () => {
  expect(() => my.tensor([[1, 2], [3]])).toThrow(my.ShapeError);
  expect(() => my.tensor([[1, 2], [3, 'x']] as never)).toThrow(my.ValueError);
  expect(() => my.tensor({} as never)).toThrow(my.ValueError);
  expect(() => my.tensor([1, 2, 3], [2, 2])).toThrow(/holds 4 values but 3 were given/);
  expect(() => my.zeros([2, -1])).toThrow(my.ShapeError);
  expect(() => my.zeros([NaN])).toThrow(/shape\[0\] must be a non-negative integer, got NaN/);
  expect(() => my.ones('3' as never)).toThrow(my.ShapeError);
  expect(() => my.fill([2], 'a' as never)).toThrow(my.ValueError);
  expect(() => my.randomNormal([2], { stddev: NaN })).toThrow(my.ValueError);
  expect(() => my.randomUniform([2], { minval: 2, maxval: 1 })).toThrow(my.ValueError);
  expect(() => my.scalar('1' as never)).toThrow(my.ValueError);
});

test('ops reject non-tensors, incompatible shapes and bad axes with messages naming them', () => {
  expect(() => my.relu([1, 2] as never)).toThrow(/relu: x must be a Tensor, got an array of length 2/);
  expect(() => my.add(t(), my.tensor([1, 2, 3]))).toThrow(/cannot be broadcast/);
  expect(() => my.matmul(t(), my.tensor([[1, 2, 3]]))).toThrow(/inner dimensions differ/);
  expect(() => my.matmul(my.tensor([1, 2]), t())).toThrow(/a must have rank 2/);
  expect(() => my.matmul(t(), t(), 'yes' as never)).toThrow(my.ValueError);
  expect(() => my.sum(t(), 2)).toThrow(/axis must be an integer in \[-2, 1\], got 2/);
  expect(() => my.sum(t(), [0, 0])).toThrow(/listed twice/);
  expect(() => my.sum(t(), 0, 'no' as never)).toThrow(my.ValueError);
  expect(() => my.max(my.zeros([0, 2]), 0)).toThrow(my.ShapeError);
  expect(() => my.argmax(my.scalar(1))).toThrow(my.ShapeError);
  expect(() => my.softmax(t(), 0)).toThrow(/only the last axis/);
  expect(() => my.reshape(t(), [3, 2])).toThrow(/holds 6 values/);
  expect(() => my.reshape(t(), [-1, -1])).toThrow(/only one dimension may be -1/);
  expect(() => my.transpose(t(), [0, 0])).toThrow(my.ValueError);
  expect(() => my.slice(t(), [1, 1], [2, 1])).toThrow(/does not fit/);
  expect(() => my.concat([t(), my.zeros([2, 3])], 0)).toThrow(/does not match/);
  expect(() => my.concat([])).toThrow(my.ValueError);
  expect(() => my.gather(t(), [0, 2])).toThrow(/indices\[1\] must be an integer in \[0, 1\], got 2/);
  expect(() => my.gather(t(), [0.5])).toThrow(my.ValueError);
  expect(() => my.broadcastTo(my.tensor([1, 2, 3]), [2, 2])).toThrow(my.ShapeError);
  expect(() => my.squeeze(t(), 0)).toThrow(my.ShapeError);
  expect(() => my.leakyRelu(t(), NaN)).toThrow(/alpha must be a finite number, got NaN/);
  expect(() => my.dense(t(), my.zeros([3, 1]), null)).toThrow(/features per row/);
  expect(() => my.dense(t(), my.zeros([2, 1]), my.zeros([2]))).toThrow(/bias must have shape \[1\]/);
  expect(() => my.dense(t(), my.zeros([2, 1]), null, 'nope' as never)).toThrow(my.ValueError);
  expect(() => my.softmaxCrossEntropy(t(), my.tensor([0, 1, 1]), true)).toThrow(my.ShapeError);
});

test('disposed tensors throw DisposedError and the library stays usable', () => {
  const a = t();
  a.dispose();
  expect(a.isDisposed).toBe(true);
  expect(() => a.dataSync()).toThrow(my.DisposedError);
  expect(() => my.add(a, 1)).toThrow(my.DisposedError);
  a.dispose();
  expect(my.add(t(), 1).arraySync()).toEqual([[2, 3], [4, 5]]);
});

test('valueAndGrads validates its arguments', () => {
  const w = my.variable(t());
  expect(() => my.valueAndGrads('f' as never, [w])).toThrow(my.ValueError);
  expect(() => my.valueAndGrads(() => w, [1 as never])).toThrow(my.ValueError);
  expect(() => my.valueAndGrads(() => 3 as never, [w])).toThrow(/f must return a Tensor/);
  expect(() => my.valueAndGrads(() => { throw new Error('boom'); }, [w])).toThrow('boom');
  const { grads } = my.valueAndGrads(() => my.sum(my.square(w)), [w]);
  expect(grads[0].arraySync()).toEqual([[2, 4], [6, 8]]);
});

test('backend selection rejects unknown names and never falls back silently', () => {
  expect(() => my.setBackend('tpu' as never)).toThrow(my.ValueError);
  my.setBackend('reference');
  expect(my.backendInfo().backend).toBe('reference');
});
