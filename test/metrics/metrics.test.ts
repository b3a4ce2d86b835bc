/** Metrics against sklearn.metrics figures (sklearn 1.2.1, pasted) and hand counts, streaming, bad input. */
import { setBackend } from '../../lib/backend/select';
import { ShapeError, ValueError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';
import { auc, getMetric, precision, recall } from '../../lib/metrics/index';

beforeAll(() => setBackend('reference'));

// 40 labels and scores; figures from sklearn 1.2.1: roc_auc_score = 0.8813131313131313,
// precision_score(y, s > 0.5) = 0.7142857142857143, recall_score(y, s > 0.5) = 0.8333333333333334;
// Keras' 200-threshold bucketed AUC computed in NumPy with Keras' thresholds = 0.8787878787878788.
const Y = [1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0];
const S = [0.7111, 0.5264, 0.5718, 0.3917, 0.4415, 0.9156, 0.4978, 0.582, 0.9169, 0.012, 0.4599, 0.0008, 0.6772, 0.2838, 0.1321,
  0.2112, 0.524, 0.2057, 0.0969, 0.804, 0.2916, 0.8693, 0.5031, 0.2079, 0.5199, 0.3296, 0.3292, 0.5035, 0.0094, 0.9566, 0.4058,
  0.8992, 0.2391, 0.6182, 0.6096, 0.6087, 0.7115, 0.5061, 0.8319, 0.4384];

/** Feeds the data in batches of `size` rows of shape [size, 1]. */
function feed(m: ReturnType<typeof auc>, y: number[], s: number[], size: number): void {
  for (let i = 0; i < y.length; i += size) {
    const n = Math.min(size, y.length - i);
    m.update(tensor(y.slice(i, i + n), [n, 1]), tensor(s.slice(i, i + n), [n, 1]));
  }
}

describe('auc (Keras ROC, 200 thresholds, trapezoid)', () => {
  test('streaming over batches equals Keras bucketed AUC and is within 0.003 of sklearn exact AUC', () => {
    const m = auc();
    feed(m, Y, S, 7);
    expect(m.result()).toBeCloseTo(0.8787878787878788, 6);
    expect(Math.abs(m.result() - 0.8813131313131313)).toBeLessThan(3e-3);
    m.reset();
    expect(m.result()).toBe(0);
    feed(m, Y, S, 40);
    expect(m.result()).toBeCloseTo(0.8787878787878788, 6);
  });
  test('equals sklearn exactly when no two scores share a bucket (sklearn: 0.76)', () => {
    const y = [0, 1, 0, 1, 1, 0, 1, 0, 0, 1];
    const s = [3, 150, 40, 90, 120, 10, 60, 70, 190, 180].map((k) => (k + 0.5) / 199);
    const m = auc();
    feed(m, y, s, 3);
    expect(m.result()).toBeCloseTo(0.76, 6);
  });
});

describe('precision / recall', () => {
  test('match sklearn at threshold 0.5, streaming', () => {
    const p = precision();
    const r = recall();
    for (const m of [p, r]) feed(m as never, Y, S, 9);
    expect(p.result()).toBeCloseTo(0.7142857142857143, 10);
    expect(r.result()).toBeCloseTo(0.8333333333333334, 10);
    p.reset();
    expect(p.result()).toBe(0); // no predicted positives: 0 as in Keras
  });
});

describe('accuracy', () => {
  test("'accuracy' is binary for binaryCrossentropy (threshold 0.5) and keeps its name", () => {
    const m = getMetric('accuracy', 'binaryCrossentropy');
    expect(m.name).toBe('accuracy');
    m.update(tensor([[1], [0], [1], [0]]), tensor([[0.9], [0.6], [0.4], [0.1]]));
    expect(m.result()).toBeCloseTo(0.5);
    m.update(tensor([[1], [1]]), tensor([[0.7], [0.8]]));
    expect(m.result()).toBeCloseTo(4 / 6);
  });
  test('categorical (argmax of both) and sparse (index vs argmax)', () => {
    const c = getMetric('acc', 'categoricalCrossentropy');
    expect(c.name).toBe('acc');
    c.update(tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1]]), tensor([[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]));
    expect(c.result()).toBeCloseTo(2 / 3);
    const s = getMetric('accuracy', 'sparseCategoricalCrossentropy');
    s.update(tensor([1, 0, 2]), tensor([[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]));
    s.update(tensor([[0]]), tensor([[0.9, 0.05, 0.05]]));
    expect(s.result()).toBeCloseTo(3 / 4);
  });
  test('for other losses the kind comes from the shapes', () => {
    const sparse = getMetric('accuracy', 'meanSquaredError');
    sparse.update(tensor([2, 0]), tensor([[0, 0, 1], [0, 1, 0]]));
    expect(sparse.result()).toBeCloseTo(0.5);
    const binary = getMetric('accuracy', 'custom');
    binary.update(tensor([[1], [0]]), tensor([[0.6], [0.2]]));
    expect(binary.result()).toBe(1);
  });
  test('mse / mae stream over elements', () => {
    const m = getMetric('mse', 'x');
    m.update(tensor([[1, 2]]), tensor([[2, 4]]));
    m.update(tensor([[0, 0]]), tensor([[1, 1]]));
    expect(m.result()).toBeCloseTo((1 + 4 + 1 + 1) / 4);
    const a = getMetric('mae', 'x');
    a.update(tensor([[1, 2]]), tensor([[2, 4]]));
    expect(a.result()).toBeCloseTo(1.5);
  });
});

describe('bad input', () => {
  test('typed errors', () => {
    expect(() => getMetric('f1', 'mse')).toThrow(/getMetric: id must be one of/);
    expect(() => getMetric(3 as never, 'mse')).toThrow(ValueError);
    expect(() => getMetric('mse', 'mse').update(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => getMetric('auc', 'mse').update([1] as never, tensor([1]))).toThrow(/yTrue must be a Tensor/);
    expect(() => getMetric('sparseCategoricalAccuracy', '').update(tensor([1, 0, 1]), tensor([[1, 0], [0, 1]]))).toThrow(ShapeError);
    expect(() => auc({ numThresholds: 1 })).toThrow(ValueError);
  });
});
