/**
 * Dynamic loss scaling (LossScaleOptimizer, Keras's semantics) under mixed_float16:
 * - a regression in small units (targets ~1e-4, an output layer initialised at 1e-4, Adam 1e-5) whose hidden-layer
 *   gradients are ~1e-10, below float16's smallest subnormal (2^-24): without loss scaling they round to 0 and the
 *   first layer never moves; with the default dynamic scale (2^15) its update is float32's within 10 %;
 * - the scale's rules, driven by hand: a step with a non-finite gradient is skipped and S halved, S doubles after
 *   dynamicGrowthSteps finite steps, gradients reach the inner optimizer divided by S (checked against plain SGD),
 *   a scale that reaches 0 is a NumericError naming the step;
 * - `loss_scale` in the history, the config round trip, bad options.
 */
import * as my from '../../lib/index';
import { NumericError, ValueError } from '../../lib/errors';

beforeAll(() => my.setBackend('cpu'));
afterEach(() => my.mixedPrecision.setGlobalPolicy('float32'));

/** x [n, 8] standard normal; y = 1e-4 tanh(x v): a target in small units. */
function smallUnitsData(n: number): { x: my.Tensor; y: my.Tensor } {
  const x = my.randomNormal([n, 8], { seed: 3 });
  const v = my.randomNormal([8, 1], { seed: 4 });
  return { x, y: my.mulScalar(my.tanh(my.matmul(x, v)), 1e-4) };
}

async function train(policy: my.mixedPrecision.PolicyName, optimizer: () => my.optimizers.Optimizer):
Promise<{ firstKernelMoved: number; update: Float32Array; loss: number[]; model: my.Sequential; history: my.History }> {
  my.mixedPrecision.setGlobalPolicy(policy);
  const { x, y } = smallUnitsData(1024);
  const model = my.sequential([
    my.layers.dense({ units: 4, activation: 'relu', inputShape: [8], kernelInitializer: my.initializers.glorotUniform({ seed: 1 }) }),
    my.layers.dense({ units: 1, kernelInitializer: my.initializers.randomNormal({ stddev: 1e-4, seed: 2 }) }),
  ]);
  model.compile({ optimizer: optimizer(), loss: 'meanSquaredError' });
  const before = (model.layers[0] as my.layers.Dense).kernel!.dataSync().slice();
  const history = await model.fit(x, y, { epochs: 20, batchSize: 256, verbose: 0, seed: 5 });
  const after = (model.layers[0] as my.layers.Dense).kernel!.dataSync();
  let moved = 0;
  const update = new Float32Array(after.length);
  for (let i = 0; i < after.length; i++) {
    if (after[i] !== before[i]) moved++;
    update[i] = after[i] - before[i];
  }
  return { firstKernelMoved: moved, update, loss: history.history.loss as number[], model, history };
}

describe('float16 gradients that underflow without loss scaling', () => {
  test('without scaling the first layer never moves; with dynamic scaling it trains like float32', async () => {
    const adam = (): my.optimizers.Optimizer => my.optimizers.adam({ learningRate: 1e-5 });
    const f32 = await train('float32', adam);
    const unscaled = await train('mixed_float16', () => my.mixedPrecision.lossScaleOptimizer(adam(), { dynamic: false, initialScale: 1 }));
    const scaled = await train('mixed_float16', adam);  // compile wraps it: dynamic, 2^15
    const last = (r: { loss: number[] }): number => r.loss[r.loss.length - 1];
    console.log(`final loss (20 epochs): float32 ${last(f32).toExponential(3)}, mixed_float16 without scaling ` +
      `${last(unscaled).toExponential(3)}, with dynamic scaling ${last(scaled).toExponential(3)}; first-layer kernel ` +
      `entries moved: ${f32.firstKernelMoved}, ${unscaled.firstKernelMoved}, ${scaled.firstKernelMoved} of 32 (4 units)`);
    expect(f32.firstKernelMoved).toBeGreaterThan(10);  // the entries of live ReLU units
    expect(unscaled.firstKernelMoved).toBe(0);
    expect(scaled.firstKernelMoved).toBe(f32.firstKernelMoved);
    expect(scaled.model.optimizer).toBeInstanceOf(my.mixedPrecision.LossScaleOptimizer);
    expect(scaled.model.compileConfig!.optimizer.className).toBe('LossScaleOptimizer');
    // the first layer's update under scaling is float32's, up to float16's rounding of the gradients
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < 32; i++) { diff += (scaled.update[i] - f32.update[i]) ** 2; norm += f32.update[i] ** 2; }
    console.log(`first-layer update, mixed_float16 with scaling against float32: relative difference ${Math.sqrt(diff / norm).toExponential(2)}`);
    expect(Math.sqrt(diff / norm)).toBeLessThan(0.1);
    expect(last(scaled)).toBeLessThan(last(f32) * 1.1);
    expect(scaled.history.history.loss_scale).toEqual(new Array(20).fill(2 ** 15));
    expect(scaled.history.params.strategy).toBe('compiled-replay');
  }, 120_000);
});

describe('the scale', () => {
  const w = (): my.Variable => my.variable(my.tensor([1, 2, 3]));

  test('gradients reach the inner optimizer divided by S (same step as plain SGD on g / S)', () => {
    const a = w();
    const b = w();
    const lso = my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd({ learningRate: 0.5 }), { initialScale: 8 });
    lso.applyGradients([{ variable: a, grad: my.tensor([8, -16, 4]) }]);
    my.optimizers.sgd({ learningRate: 0.5 }).applyGradients([{ variable: b, grad: my.tensor([1, -2, 0.5]) }]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(lso.iterations).toBe(1);
  });

  test('a non-finite step is skipped and S halved; S doubles after dynamicGrowthSteps finite steps', () => {
    const v = w();
    const lso = my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd({ learningRate: 1 }), { initialScale: 4, dynamicGrowthSteps: 2 });
    lso.applyGradients([{ variable: v, grad: my.tensor([NaN, 0, 0]) }]);
    expect(lso.lossScale).toBe(2);
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3]);
    expect(lso.iterations).toBe(0);
    expect(lso.skippedSteps).toBe(1);
    lso.applyGradients([{ variable: v, grad: my.tensor([2, 2, 2]) }]);
    expect(lso.lossScale).toBe(2);
    lso.applyGradients([{ variable: v, grad: my.tensor([Infinity, 2, 2]) }]);  // resets the count of finite steps
    expect(lso.lossScale).toBe(1);
    lso.applyGradients([{ variable: v, grad: my.tensor([1, 1, 1]) }]);
    lso.applyGradients([{ variable: v, grad: my.tensor([1, 1, 1]) }]);
    expect(lso.lossScale).toBe(2);
    expect(Array.from(v.dataSync())).toEqual([-2, -1, 0]);
    expect(lso.iterations).toBe(3);
  });

  test('a scale that falls to 0 is a NumericError naming the step', () => {
    const v = w();
    const lso = my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd(), { initialScale: 2 ** -148 });
    lso.applyGradients([{ variable: v, grad: my.tensor([1, 1, 1]) }]);
    lso.applyGradients([{ variable: v, grad: my.tensor([NaN, 1, 1]) }]);  // 2^-149, the smallest float32
    let caught: unknown;
    try {
      lso.applyGradients([{ variable: v, grad: my.tensor([1, Infinity, 1]) }]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NumericError);
    expect((caught as NumericError).step).toBe(3);
    expect((caught as Error).message).toMatch(/loss scale fell to 0 at step 3/);
  });

  test('dynamic false keeps S and applies every step', () => {
    const v = w();
    const lso = my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd({ learningRate: 1 }), { dynamic: false, initialScale: 2 });
    lso.applyGradients([{ variable: v, grad: my.tensor([2, 2, Infinity]) }]);
    expect(lso.lossScale).toBe(2);
    expect(Array.from(v.dataSync())).toEqual([0, 1, -Infinity]);
  });
});

describe('config and bad input', () => {
  test('the config round-trips through getOptimizer', () => {
    const lso = my.mixedPrecision.lossScaleOptimizer(my.optimizers.adam({ learningRate: 0.01 }), { initialScale: 1024, dynamicGrowthSteps: 10 });
    const again = my.optimizers.getOptimizer({ className: lso.className, config: lso.getConfig() }) as my.mixedPrecision.LossScaleOptimizer;
    expect(again).toBeInstanceOf(my.mixedPrecision.LossScaleOptimizer);
    expect(again.getConfig()).toEqual(lso.getConfig());
    expect(again.getLearningRate()).toBeCloseTo(0.01, 7);
  });

  test.each([
    [{ initialScale: 0 }, /initialScale must be a finite number > 0/],
    [{ initialScale: NaN }, /initialScale/],
    [{ dynamicGrowthSteps: 1.5 }, /dynamicGrowthSteps must be an integer >= 1/],
    [{ dynamic: 'yes' }, /dynamic must be a boolean/],
    [{ initial_scale: 2 }, /initial_scale/],
  ])('%p is a ValueError', (options, message) => {
    expect(() => my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd(), options as never)).toThrow(ValueError);
    expect(() => my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd(), options as never)).toThrow(message);
  });

  test('the inner optimizer must be an optimizer, and not a LossScaleOptimizer', () => {
    expect(() => my.mixedPrecision.lossScaleOptimizer('adam' as never)).toThrow(/innerOptimizer must be an optimizer/);
    const lso = my.mixedPrecision.lossScaleOptimizer(my.optimizers.sgd());
    expect(() => my.mixedPrecision.lossScaleOptimizer(lso)).toThrow(/already a LossScaleOptimizer/);
  });
});
