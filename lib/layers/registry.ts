/** Layer classes by name, for rebuilding models from a config (`deserializeLayer`). */
import { ModelFormatError, describe } from '../errors';
import { Activation } from './activation';
import { BatchNormalization } from './batch-normalization';
import { Conv1D, Conv2D } from './conv';
import { DepthwiseConv2D } from './depthwise-conv';
import { Dense } from './dense';
import { Dropout } from './dropout';
import { Embedding } from './embedding';
import { Flatten } from './flatten';
import { LayerNormalization } from './layer-normalization';
import { LeakyReLU } from './leaky-relu';
import { Permute } from './permute';
import { Reshape } from './reshape';
import { GaussianNoise } from './gaussian-noise';
import { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } from './global-pooling';
import type { Layer } from './layer';
import { MultiHeadAttention } from './multi-head-attention';
import { PositionEmbedding } from './position-embedding';
import { TimeDistributed } from './time-distributed';
import { LSTM } from './lstm';
import { Bidirectional } from './bidirectional';
import { Masking } from './masking';
import { GRU } from './gru';
import { SimpleRNN } from './simple-rnn';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merge';
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from './pooling';
import { SpatialDropout1D, SpatialDropout2D } from './spatial-dropout';
import { UpSampling2D } from './up-sampling';
import { ZeroPadding2D } from './zero-padding';

type LayerFactory = (config: Record<string, unknown>) => Layer;

const registry = new Map<string, LayerFactory>([
  ['Dense', (c) => new Dense(c as never)],
  ['Activation', (c) => new Activation(c as never)],
  ['Dropout', (c) => new Dropout(c as never)],
  ['BatchNormalization', (c) => new BatchNormalization(c as never)],
  ['Flatten', (c) => new Flatten(c as never)],
  ['Concatenate', (c) => new Concatenate(c as never)],
  ['Add', (c) => new Add(c as never)],
  ['Subtract', (c) => new Subtract(c as never)],
  ['Multiply', (c) => new Multiply(c as never)],
  ['Average', (c) => new Average(c as never)],
  ['Maximum', (c) => new Maximum(c as never)],
  ['Minimum', (c) => new Minimum(c as never)],
  ['Conv1D', (c) => new Conv1D(c as never)],
  ['Conv2D', (c) => new Conv2D(c as never)],
  ['DepthwiseConv2D', (c) => new DepthwiseConv2D(c as never)],
  ['MaxPooling1D', (c) => new MaxPooling1D(c as never)],
  ['MaxPooling2D', (c) => new MaxPooling2D(c as never)],
  ['AveragePooling1D', (c) => new AveragePooling1D(c as never)],
  ['AveragePooling2D', (c) => new AveragePooling2D(c as never)],
  ['Embedding', (c) => new Embedding(c as never)],
  ['LayerNormalization', (c) => new LayerNormalization(c as never)],
  ['Reshape', (c) => new Reshape(c as never)],
  ['Permute', (c) => new Permute(c as never)],
  ['GlobalAveragePooling1D', (c) => new GlobalAveragePooling1D(c as never)],
  ['GlobalAveragePooling2D', (c) => new GlobalAveragePooling2D(c as never)],
  ['GlobalMaxPooling1D', (c) => new GlobalMaxPooling1D(c as never)],
  ['GlobalMaxPooling2D', (c) => new GlobalMaxPooling2D(c as never)],
  ['ZeroPadding2D', (c) => new ZeroPadding2D(c as never)],
  ['UpSampling2D', (c) => new UpSampling2D(c as never)],
  ['SpatialDropout1D', (c) => new SpatialDropout1D(c as never)],
  ['SpatialDropout2D', (c) => new SpatialDropout2D(c as never)],
  ['GaussianNoise', (c) => new GaussianNoise(c as never)],
  ['MultiHeadAttention', (c) => new MultiHeadAttention(c as never)],
  ['TimeDistributed', (c) => new TimeDistributed(c as never)],
  ['LSTM', (c) => new LSTM(c as never)],
  ['Bidirectional', (c) => new Bidirectional(c as never)],
  ['Masking', (c) => new Masking(c as never)],
  ['GRU', (c) => new GRU(c as never)],
  ['SimpleRNN', (c) => new SimpleRNN(c as never)],
  ['PositionEmbedding', (c) => new PositionEmbedding(c as never)],
  ['LeakyReLU', (c) => new LeakyReLU(c as never)],
]);

/** Registers a custom layer class under `className` so that saved models using it can be loaded. */
export function registerLayer(className: string, factory: LayerFactory): void {
  if (typeof className !== 'string' || className.length === 0) throw new ModelFormatError(`registerLayer: className must be a non-empty string, got ${describe(className)}`);
  registry.set(className, factory);
}

/**
 * The class names of every registered layer (built in, and added with `registerLayer`), sorted: the names `deserializeLayer` and `loadModel` accept, e.g. `['Activation', 'Add', ..., 'ZeroPadding2D']`.
 */
export function layerClassNames(): string[] {
  return [...registry.keys()].sort();
}

/**
 * A new (unbuilt) layer from `{ className, config }` as produced by `{ className: l.className, config:
 * l.getConfig() }`. Throws `ModelFormatError` for an unknown class or a malformed entry; errors of the
 * layer's own option checks (ValueError) are rethrown as ModelFormatError naming the layer.
 */
export function deserializeLayer(entry: { className: string; config: Record<string, unknown> }): Layer {
  if (entry === null || typeof entry !== 'object' || typeof entry.className !== 'string') {
    throw new ModelFormatError(`deserializeLayer: expected { className: string, config: object }, got ${describe(entry)}`);
  }
  const factory = registry.get(entry.className);
  if (!factory) throw new ModelFormatError(`deserializeLayer: unknown layer class ${describe(entry.className)}; known: ${[...registry.keys()].join(', ')}`);
  const config = entry.config ?? {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new ModelFormatError(`deserializeLayer: config of ${entry.className} must be an object, got ${describe(config)}`);
  try {
    return factory({ ...config });
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`deserializeLayer: invalid config for ${entry.className}: ${(err as Error).message}`);
  }
}
