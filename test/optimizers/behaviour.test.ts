/** Schedules (Keras formulas by hand), clipping, trainable filtering, one fused call, config and state. */
import { setBackend, getBackend } from '../../lib/backend/select';
import { ShapeError, ValueError } from '../../lib/errors';
import { tensor } from '../../lib/ops/creation';
import { variable } from '../../lib/tensor/variable';
import { adam, adagrad, getOptimizer, rmsprop, schedules, sgd, adamw } from '../../lib/optimizers/index';

beforeAll(() => setBackend('reference'));

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(Math.abs(a[i] - v)).toBeLessThanOrEqual(tol));
};

describe('learning-rate schedules (Keras formulas)', () => {
  test('exponentialDecay: 0.1 * 0.5^(step/4), staircase floors the exponent', () => {
    const s = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 4, decayRate: 0.5 });
    expect(s.valueAt(0)).toBeCloseTo(0.1, 12);
    expect(s.valueAt(2)).toBeCloseTo(0.1 * Math.SQRT1_2, 12); // 0.0707106781
    expect(s.valueAt(8)).toBeCloseTo(0.025, 12);
    const st = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 4, decayRate: 0.5, staircase: true });
    expect(st.valueAt(3)).toBeCloseTo(0.1, 12);
    expect(st.valueAt(5)).toBeCloseTo(0.05, 12);
  });

  test('cosineDecay: 0.5 (1 + cos(pi p)) blend to alpha, constant after decaySteps', () => {
    const s = schedules.cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 0.1 });
    expect(s.valueAt(0)).toBeCloseTo(1, 12);
    expect(s.valueAt(5)).toBeCloseTo(0.9 * 0.5 + 0.1, 12); // cos(pi/2) = 0
    expect(s.valueAt(10)).toBeCloseTo(0.1, 12);
    expect(s.valueAt(20)).toBeCloseTo(0.1, 12);
    expect(s.valueAt(2.5)).toBeCloseTo(0.9 * 0.5 * (1 + Math.SQRT1_2) + 0.1, 12);
  });

  test('piecewiseConstantDecay: values[i] while step <= boundaries[i]', () => {
    const s = schedules.piecewiseConstantDecay({ boundaries: [2, 5], values: [1, 0.5, 0.1] });
    expect([0, 2, 3, 5, 6, 100].map((t) => s.valueAt(t))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
  });

  test('an optimizer evaluates the schedule at its iteration count before each step', () => {
    const opt = sgd({ learningRate: schedules.piecewiseConstantDecay({ boundaries: [0], values: [1, 0.1] }) });
    const v = variable(tensor([0]));
    const g = tensor([1]);
    expect(opt.getLearningRate()).toBe(1);
    opt.applyGradients([{ variable: v, grad: g }]); // lr at iteration 0 = 1
    opt.applyGradients([{ variable: v, grad: g }]); // lr at iteration 1 = 0.1
    close(v.dataSync(), [-1.1]);
    expect(opt.getLearningRate()).toBeCloseTo(0.1);
    opt.setLearningRate(0.5);
    opt.applyGradients([{ variable: v, grad: g }]);
    close(v.dataSync(), [-1.6]);
  });

  test('bad schedule options are ValueErrors', () => {
    expect(() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(ValueError);
    expect(() => schedules.cosineDecay({ initialLearningRate: NaN, decaySteps: 10 })).toThrow(ValueError);
    expect(() => schedules.piecewiseConstantDecay({ boundaries: [2, 1], values: [1, 2, 3] })).toThrow(ValueError);
    expect(() => schedules.piecewiseConstantDecay({ boundaries: [2], values: [1] })).toThrow(/one more than boundaries/);
  });
});

describe('gradient clipping (applied before the step)', () => {
  // With plain SGD lr 1, the move equals the clipped gradient.
  const moveOf = (opts: object, grads: number[][]): number[][] => {
    const vars = grads.map((g) => variable(tensor(new Float32Array(g.length))));
    sgd({ learningRate: 1, ...opts }).applyGradients(vars.map((v, i) => ({ variable: v, grad: tensor(grads[i]) })));
    return vars.map((v) => Array.from(v.dataSync(), (x) => -x));
  };

  test('clipNorm rescales each gradient to norm <= clipNorm: [3, 4] with 1 -> [0.6, 0.8]; small ones unchanged', () => {
    const [a, b] = moveOf({ clipNorm: 1 }, [[3, 4], [0.3, 0.4]]);
    close(a, [0.6, 0.8]);
    close(b, [0.3, 0.4]);
  });

  test('globalClipNorm rescales all together: [3, 4] and [12] (global norm 13) with 6.5 -> halves', () => {
    const [a, b] = moveOf({ globalClipNorm: 6.5 }, [[3, 4], [12]]);
    close(a, [1.5, 2]);
    close(b, [6], 1e-5);
  });

  test('clipValue clips every element to [-c, c]', () => {
    const [a] = moveOf({ clipValue: 0.5 }, [[-2, 0.25, 0.7]]);
    close(a, [-0.5, 0.25, 0.5]);
  });

  test('clipping options must be > 0', () => {
    expect(() => sgd({ clipNorm: 0 })).toThrow(ValueError);
    expect(() => adam({ clipValue: NaN })).toThrow(/clipValue must be a finite number > 0, got NaN/);
  });
});

describe('applyGradients', () => {
  test('skips non-trainable variables and makes ONE fused backend call per step', () => {
    const backend = getBackend();
    const spy = jest.spyOn(backend, 'adamStep');
    const a = variable(tensor([1, 2]));
    const b = variable(tensor([3]), false);
    const c = variable(tensor([[1], [2]]));
    const opt = adam({ learningRate: 0.1 });
    opt.applyGradients([a, b, c].map((v) => ({ variable: v, grad: tensor(new Float32Array(v.size).fill(1), v.shape.slice()) })));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0]).toHaveLength(2); // a and c only
    close(b.dataSync(), [3]);
    close(a.dataSync(), [0.9, 1.9], 1e-5); // first Adam step moves by lr * sign(g)
    spy.mockRestore();
  });

  test('rejects mismatched shapes, non-variables, duplicates and bad arrays with typed errors', () => {
    const v = variable(tensor([1, 2]));
    const opt = sgd();
    expect(() => opt.applyGradients([{ variable: v, grad: tensor([1, 2, 3]) }])).toThrow(ShapeError);
    expect(() => opt.applyGradients([{ variable: tensor([1, 2]) as never, grad: tensor([1, 2]) }])).toThrow(/must be a Variable/);
    expect(() => opt.applyGradients([{ variable: v, grad: [1, 2] as never }])).toThrow(/grad must be a Tensor/);
    expect(() => opt.applyGradients([{ variable: v, grad: tensor([1, 2]) }, { variable: v, grad: tensor([1, 2]) }])).toThrow(/twice/);
    expect(() => opt.applyGradients(null as never)).toThrow(ValueError);
    expect(opt.iterations).toBe(0);
    close(v.dataSync(), [1, 2]);
  });

  test('hyper-parameters are validated', () => {
    expect(() => sgd({ learningRate: -0.1 })).toThrow(/learningRate must be a finite number >= 0, got -0.1/);
    expect(() => adam({ beta1: 1 })).toThrow(ValueError);
    expect(() => adam({ epsilon: NaN })).toThrow(ValueError);
    expect(() => rmsprop({ rho: 'x' as never })).toThrow(ValueError);
    expect(() => sgd({ nesterov: true })).toThrow(/nesterov needs momentum/);
    expect(() => adagrad({ initialAccumulatorValue: -1 })).toThrow(ValueError);
    expect(() => sgd().setLearningRate(NaN)).toThrow(ValueError);
    expect(() => adam({ convention: 'torch' as never })).toThrow(/adam: convention must be 'keras' or 'pytorch', got "torch"/);
    expect(() => rmsprop({ convention: 1 as never })).toThrow(ValueError);
  });
});

describe('config and state', () => {
  test('getConfig / getOptimizer round-trip, with a schedule', () => {
    const lr = schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 100 });
    for (const opt of [adam({ learningRate: lr, amsgrad: true, clipNorm: 2 }), sgd({ momentum: 0.5, nesterov: true }),
      adamw({ weightDecay: 0.1, convention: 'pytorch' }), adagrad({ epsilon: 1e-6 }), rmsprop({ centered: true, momentum: 0.2, convention: 'pytorch' })]) {
      const json = JSON.parse(JSON.stringify({ className: opt.className, config: opt.getConfig() }));
      const back = getOptimizer(json);
      expect(back.className).toBe(opt.className);
      expect(back.getConfig()).toEqual(opt.getConfig());
    }
    expect(getOptimizer('adam').getConfig()).toMatchObject({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, convention: 'keras' });
    expect(getOptimizer({ className: 'SGD', config: { convention: 'pytorch' } }).convention).toBe('pytorch');
    expect(getOptimizer('adamw').getConfig()).toMatchObject({ weightDecay: 0.004 });
    expect(getOptimizer('sgd').getLearningRate()).toBe(0.01);
    expect(getOptimizer('adagrad').getConfig()).toMatchObject({ initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(getOptimizer('rmsprop').getConfig()).toMatchObject({ rho: 0.9, epsilon: 1e-7, learningRate: 1e-3 });
    expect(() => getOptimizer('adamax')).toThrow(ValueError);
  });

  test('getState / setState: a restored optimizer continues exactly like the original', () => {
    const grads = [[0.5, -1], [2, 0.1], [-0.3, 0.7]];
    const run = (opt: ReturnType<typeof adam>, v: ReturnType<typeof variable>, gs: number[][]) =>
      gs.forEach((g) => opt.applyGradients([{ variable: v, grad: tensor(g) }]));
    const v1 = variable(tensor([1, -1]));
    const o1 = adam({ learningRate: 0.1, amsgrad: true });
    run(o1, v1, grads.slice(0, 2));
    const state = o1.getState();
    expect(state.map((s) => s.name).sort()).toEqual(['iterations', 'm/0', 'v/0', 'vmax/0']);
    const v2 = variable(tensor(v1.dataSync(), [2]));
    const o2 = adam({ learningRate: 0.1, amsgrad: true });
    o2.setState(state);
    expect(o2.iterations).toBe(2);
    run(o1, v1, grads.slice(2));
    run(o2, v2, grads.slice(2));
    close(v2.dataSync(), Array.from(v1.dataSync()), 0);
    expect(() => o2.setState([{ name: 'bogus/0', tensor: tensor([1]) }])).toThrow(ValueError);
  });
});
