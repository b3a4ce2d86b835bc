/**
 * Strict options (issue 17 item 3): unknown keys of public options objects are ValueErrors that name the function,
 * the key and the closest valid key; snake_case keys get their camelCase form as the hint.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ValueError } from '../../lib/errors';
import { camelCase, checkOptions, closestKey, editDistance } from '../../lib/options/strict';

describe('the helper', () => {
  test('edit distance against hand-counted cases', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('same', 'same')).toBe(0);
  });

  test('snake_case maps to camelCase; typos to the nearest key; far keys to none', () => {
    expect(camelCase('validation_split')).toBe('validationSplit');
    expect(closestKey('batch_size', ['epochs', 'batchSize'])).toBe('batchSize');
    expect(closestKey('epoch', ['epochs', 'batchSize'])).toBe('epochs');
    expect(closestKey('BatchSize', ['epochs', 'batchSize'])).toBe('batchSize');
    expect(closestKey('learning_rate', ['learningRate'])).toBe('learningRate');
    expect(closestKey('zzz', ['epochs', 'batchSize'])).toBeNull();
  });

  test('messages', () => {
    expect(() => checkOptions('fit', { batch_size: 8 }, ['batchSize'])).toThrow("fit: unknown option 'batch_size'; did you mean 'batchSize'?");
    expect(() => checkOptions('f', { qqq: 1 }, ['b', 'a'])).toThrow("f: unknown option 'qqq'; valid options: a, b");
    expect(() => checkOptions('f', { qqq: 1 }, [])).toThrow('it takes no options');
    expect(() => checkOptions('f', { a: 1 }, ['a'])).not.toThrow();
  });
});

describe('model entry points', () => {
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const y = [0, 1, 1, 0];
  function model(): my.Sequential {
    const m = my.sequential([my.layers.dense({ units: 2, activation: 'tanh', inputShape: [2] }), my.layers.dense({ units: 1, activation: 'sigmoid' })]);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    return m;
  }

  test('fit, fit(dataset), evaluate, predict, async and compile reject unknown keys and leave the model usable', async () => {
    const m = model();
    await expect(m.fit(x, y, { batch_size: 8 } as never)).rejects.toThrow("fit: unknown option 'batch_size'; did you mean 'batchSize'?");
    await expect(m.fit(x, y, { validation_split: 0.5 } as never)).rejects.toThrow("did you mean 'validationSplit'?");
    await expect(m.fit(x, y, { stepsPerEpoch: 2 } as never)).rejects.toThrow(ValueError);
    await expect(m.fit(my.data.fromArrays(x, y).batch(2), { validation_steps: 1 } as never)).rejects.toThrow("did you mean 'validationSteps'?");
    expect(() => m.evaluate(x, y, { sampleWeight: [1, 1, 1, 1] } as never)).toThrow("evaluate: unknown option 'sampleWeight'");
    expect(() => m.predict(x, { batch_sz: 2 } as never)).toThrow("predict: unknown option 'batch_sz'; did you mean 'batchSize'?");
    await expect(m.predictAsync(x, { batch: 2 } as never)).rejects.toThrow("predictAsync: unknown option 'batch'");
    await expect(m.evaluate(my.data.fromArrays(x, y).batch(2), { step: 1 } as never)).rejects.toThrow("evaluate: unknown option 'step'; did you mean 'steps'?");
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metric: ['accuracy'] } as never)).toThrow("compile: unknown option 'metric'; did you mean 'metrics'?");
    expect(m.isTraining).toBe(false);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(h.history.loss).toHaveLength(1);
  });
});

describe('every exported layer factory', () => {
  /** The required options of each factory (a factory missing here fails the test: add it). */
  const required: Record<string, Record<string, unknown>> = {
    dense: { units: 2 }, activation: { activation: 'relu' }, dropout: { rate: 0.5 }, conv1d: { filters: 2, kernelSize: 3 },
    conv2d: { filters: 2, kernelSize: 3 }, depthwiseConv2d: { kernelSize: 3 }, embedding: { inputDim: 5, outputDim: 2 },
    reshape: { targetShape: [2] }, permute: { dims: [1] }, spatialDropout1d: { rate: 0.5 }, spatialDropout2d: { rate: 0.5 },
    gaussianNoise: { stddev: 0.1 }, multiHeadAttention: { numHeads: 2, keyDim: 4 }, positionEmbedding: { sequenceLength: 4 },
    timeDistributed: { layer: my.layers.dense({ units: 2 }) }, lstm: { units: 2 }, gru: { units: 2 }, simpleRnn: { units: 2 }, bidirectional: { layer: my.layers.lstm({ units: 2 }) },
  };
  const factories = Object.entries(my.layers).filter(([name, f]) => typeof f === 'function' && /^[a-z]/.test(name) &&
    !['deserializeLayer', 'registerLayer', 'layerClassNames'].includes(name)) as [string, (a: unknown) => my.layers.Layer][];

  test.each(factories.map(([name]) => [name]))('%s rejects an unknown key with a hint, accepts its declared keys', (name) => {
    const make = factories.find(([n]) => n === name)?.[1] as (a: unknown) => my.layers.Layer;
    const base = required[name] ?? {};
    const layer = make({ ...base, name: `strict_${name}`, trainable: true });
    expect(layer).toBeInstanceOf(my.layers.Layer);
    expect(() => make({ ...base, input_shape: [4] })).toThrow(new ValueError(`${name}: unknown option 'input_shape'; did you mean 'inputShape'?`));
    expect(() => make({ ...base, bogusOption: 1 })).toThrow(ValueError);
    // the layer's own config (what loadModel passes) is accepted
    expect(() => my.layers.deserializeLayer({ className: layer.className, config: layer.getConfig() })).not.toThrow();
  });

  test('snake_case Keras keys of dense get their camelCase hint', () => {
    expect(() => my.layers.dense({ units: 2, kernel_initializer: 'zeros' } as never)).toThrow("dense: unknown option 'kernel_initializer'; did you mean 'kernelInitializer'?");
    expect(() => my.layers.dense({ units: 2, kernel_constraint: 'nonNeg' } as never)).toThrow("dense: unknown option 'kernel_constraint'; did you mean 'kernelConstraint'?");
  });
});

describe('scalers and encoders', () => {
  test('unknown keys are rejected with the hint', () => {
    expect(() => my.scalers.standardScaler({ with_mean: false } as never)).toThrow("standardScaler: unknown option 'with_mean'; did you mean 'withMean'?");
    expect(() => my.scalers.minMaxScaler({ feature_range: [0, 2] } as never)).toThrow("minMaxScaler: unknown option 'feature_range'; did you mean 'featureRange'?");
    expect(() => new my.preprocessing.OneHotEncoder({ handle_unknown: 'ignore' } as never)).toThrow("OneHotEncoder: unknown option 'handle_unknown'; did you mean 'handleUnknown'?");
    expect(() => new my.preprocessing.StringLookup({ num_oov_indices: 2 } as never)).toThrow("StringLookup: unknown option 'num_oov_indices'; did you mean 'numOovIndices'?");
    expect(new my.preprocessing.IntegerLookup({ numOovIndices: 2 }).numOovIndices).toBe(2);
  });
});

/**
 * Every exported factory of a namespace, called with options that hold one unknown key. `calls` says how to call a
 * factory with an options object (its other arguments given); a factory missing from `calls` fails the test (add it),
 * and so does an entry for a name that is no longer exported.
 */
function factoriesOf(namespace: object, skip: string[]): string[] {
  return Object.entries(namespace).filter(([name, f]) => typeof f === 'function' && /^[a-z]/.test(name) && !skip.includes(name)).map(([name]) => name).sort();
}

describe('every optimizer factory', () => {
  const factories = factoriesOf(my.optimizers, ['getOptimizer']);
  const make = (name: string, o: unknown) => (my.optimizers as unknown as Record<string, (o: unknown) => my.optimizers.Optimizer>)[name](o);

  test('the list is the five optimizers', () => {
    expect(factories).toEqual(['adagrad', 'adam', 'adamw', 'rmsprop', 'sgd']);
  });

  test.each(factories.map((n) => [n]))('%s rejects unknown keys with a hint and accepts its own config', (name) => {
    expect(() => make(name, { learning_rate: 0.1 })).toThrow(new ValueError(`${name}: unknown option 'learning_rate'; did you mean 'learningRate'?`));
    expect(() => make(name, { clipnorm: 1 })).toThrow(`${name}: unknown option 'clipnorm'; did you mean 'clipNorm'?`);
    expect(() => make(name, { global_clipnorm: 1 })).toThrow("did you mean 'globalClipNorm'?");
    expect(() => make(name, { decay: 0.1 })).toThrow(ValueError);
    const opt = make(name, { learningRate: 0.05, clipValue: 1, convention: 'pytorch' });
    // what getConfig writes (and a saved model stores) goes back through the same check
    const again = my.optimizers.getOptimizer({ className: opt.className, config: opt.getConfig() });
    expect(again.getConfig()).toEqual(opt.getConfig());
  });

  test('the keys of one optimizer are not accepted by another', () => {
    expect(() => my.optimizers.sgd({ beta1: 0.9 } as never)).toThrow("sgd: unknown option 'beta1'");
    expect(() => my.optimizers.adam({ momentum: 0.9 } as never)).toThrow("adam: unknown option 'momentum'");
    expect(() => my.optimizers.adam({ use_ema: true } as never)).toThrow("adam: unknown option 'use_ema'");
    expect(() => my.optimizers.rmsprop({ initial_accumulator_value: 0.1 } as never)).toThrow("rmsprop: unknown option 'initial_accumulator_value'");
    expect(() => my.optimizers.adagrad({ initial_accumulator_value: 0.2 } as never)).toThrow("did you mean 'initialAccumulatorValue'?");
    expect(() => my.optimizers.getOptimizer({ className: 'Adam', config: { learningRate: 0.1, beta_1: 0.8 } })).toThrow("adam: unknown option 'beta_1'; did you mean 'beta1'?");
    expect(() => new my.optimizers.AdamW({ weight_decay: 0.1 } as never)).toThrow("adamw: unknown option 'weight_decay'; did you mean 'weightDecay'?");
  });
});

describe('every learning-rate schedule', () => {
  const required: Record<string, Record<string, unknown>> = {
    exponentialDecay: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 },
    cosineDecay: { initialLearningRate: 0.1, decaySteps: 10 },
    polynomialDecay: { initialLearningRate: 0.1, decaySteps: 10 },
    piecewiseConstantDecay: { boundaries: [5], values: [0.1, 0.01] },
  };
  const schedules = my.optimizers.schedules as unknown as Record<string, (o: unknown) => my.optimizers.LearningRateSchedule>;
  const factories = factoriesOf(schedules, []);

  test('every factory has its required options here', () => {
    expect(factories).toEqual(Object.keys(required).sort());
  });

  test.each(factories.map((n) => [n]))('%s rejects unknown keys with a hint and accepts its own config', (name) => {
    const hint = name === 'piecewiseConstantDecay' ? 'valid options: boundaries, values' : "did you mean 'decaySteps'?";
    expect(() => schedules[name]({ ...required[name], decay_steps: 3 })).toThrow(new ValueError(`${name}: unknown option 'decay_steps'; ${hint}`));
    expect(() => schedules[name]({ ...required[name], nmae: 'x' })).toThrow(ValueError);
    const s = schedules[name](required[name]);
    expect(schedules[name](s.getConfig()).getConfig()).toEqual(s.getConfig());
  });

  test('Keras names get their hint (warmup_steps, end_learning_rate)', () => {
    expect(() => my.optimizers.schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmup_steps: 2 } as never)).toThrow("cosineDecay: unknown option 'warmup_steps'; did you mean 'warmupSteps'?");
    expect(() => my.optimizers.schedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, end_learning_rate: 0 } as never)).toThrow("did you mean 'endLearningRate'?");
    // a schedule inside an optimizer config is checked too
    expect(() => my.optimizers.adam({ learningRate: { className: 'ExponentialDecay', config: { initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5, stair_case: true } } } as never))
      .toThrow("exponentialDecay: unknown option 'stair_case'; did you mean 'staircase'?");
  });
});

describe('every callback factory', () => {
  /** How to call each factory with an options object; null for a factory that takes no options object. */
  const calls: Record<string, ((o: Record<string, unknown>) => unknown) | null> = {
    earlyStopping: (o) => my.callbacks.earlyStopping(o),
    reduceLROnPlateau: (o) => my.callbacks.reduceLROnPlateau(o),
    modelCheckpoint: (o) => my.callbacks.modelCheckpoint({ filepath: '/tmp/strict-{epoch}.myelin', ...o }),
    tensorBoard: (o) => my.callbacks.tensorBoard('/tmp/strict-tb', o),
    csvLogger: (o) => my.callbacks.csvLogger('/tmp/strict-log.csv', o),
    learningRateScheduler: null,
    terminateOnNaN: null,
  };
  const factories = factoriesOf(my.callbacks, ['formatPath']);

  test('every factory is listed here', () => {
    expect(factories).toEqual(Object.keys(calls).sort());
  });

  test.each(Object.entries(calls).filter(([, c]) => c !== null).map(([n]) => [n]))('%s rejects unknown keys with a hint', (name) => {
    const call = calls[name] as (o: Record<string, unknown>) => unknown;
    expect(call({})).toBeInstanceOf(my.callbacks.Callback);
    expect(() => call({ verbose: 1, min_delta: 0.1, update_freq: 'batch', save_best_only: true }))
      .toThrow(new RegExp(`^${name}: unknown option '(verbose|min_delta|update_freq|save_best_only)'`));
  });

  test('Keras names get their camelCase hint', () => {
    expect(() => my.callbacks.earlyStopping({ restore_best_weights: true } as never)).toThrow("earlyStopping: unknown option 'restore_best_weights'; did you mean 'restoreBestWeights'?");
    expect(() => my.callbacks.reduceLROnPlateau({ min_lr: 1e-5 } as never)).toThrow("reduceLROnPlateau: unknown option 'min_lr'; did you mean 'minLr'?");
    expect(() => my.callbacks.modelCheckpoint({ filepath: 'm', save_best_only: true } as never)).toThrow("modelCheckpoint: unknown option 'save_best_only'; did you mean 'saveBestOnly'?");
    expect(() => my.callbacks.tensorBoard('tb', { histogram_freq: 1 } as never)).toThrow("tensorBoard: unknown option 'histogram_freq'; did you mean 'histogramFreq'?");
    expect(() => my.callbacks.csvLogger('log.csv', { seperator: ';' } as never)).toThrow("csvLogger: unknown option 'seperator'; did you mean 'separator'?");
    expect(() => new my.callbacks.ProgressLogger({ verbose: 1, epochs: 1, stepsPerEpoch: 1, refresh: 10 } as never)).toThrow("ProgressLogger: unknown option 'refresh'; did you mean 'refreshMs'?");
  });
});

describe('dataset options', () => {
  const x = [[1, 2], [3, 4], [5, 6]];
  const y = [0, 1, 0];
  let dir: string;
  let csv: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-strict-'));
    csv = path.join(dir, 'd.csv');
    fs.writeFileSync(csv, 'a,b,label\n1,2,x\n3,4,y\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('batch, fromCsv, readCsv, parseCsv and trainTestSplit reject unknown keys with a hint', async () => {
    const ds = my.data.fromArrays(x, y);
    expect(() => ds.batch(2, { drop_remainder: true } as never)).toThrow("Dataset.batch: unknown option 'drop_remainder'; did you mean 'dropRemainder'?");
    expect(() => ds.batch(2, 'yes' as never)).toThrow('Dataset.batch: options must be an object');
    expect(await ds.batch(2, { dropRemainder: true }).toArray()).toHaveLength(1);
    expect(() => my.data.fromCsv(csv, { label: 'label' } as never)).toThrow("fromCsv: unknown option 'label'");
    expect(() => my.data.fromCsv(csv, { column_types: ['number', 'number', 'string'] } as never)).toThrow("fromCsv: unknown option 'column_types'; did you mean 'columnTypes'?");
    expect(() => my.data.fromCsv(csv, { unknown_category: 'error' } as never)).toThrow("did you mean 'unknownCategory'?");
    expect((await my.data.fromCsv(csv, { target: 'label' }).toArray()).map((r) => r.ys)).toEqual([0, 1]);
    expect(() => my.data.readCsv(csv, { max_bytes: 10 } as never)).toThrow("readCsv: unknown option 'max_bytes'; did you mean 'maxBytes'?");
    expect(() => my.data.parseCsv('a,b\n1,2\n', { targt: 'b' } as never)).toThrow("parseCsv: unknown option 'targt'; did you mean 'target'?");
    expect(() => my.data.trainTestSplit(x, y, { test_size: 1 } as never)).toThrow("trainTestSplit: unknown option 'test_size'; did you mean 'testSize'?");
    expect(my.data.trainTestSplit(x, y, { testSize: 1, seed: 3 }).testIndices).toHaveLength(1);
  });
});
