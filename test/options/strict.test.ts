/**
 * Strict options (issue 17 item 3): unknown keys of public options objects are ValueErrors that name the function,
 * the key and the closest valid key; snake_case keys get their camelCase form as the hint.
 */
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
    !['deserializeLayer', 'registerLayer'].includes(name)) as [string, (a: unknown) => my.layers.Layer][];

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
