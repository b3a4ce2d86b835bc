/**
 * One layer's config between myelin (camelCase keys, `{ className, config }` objects) and the TensorFlow.js
 * layers format (Keras's snake_case keys, `{ class_name, config }` objects, channels-last data only).
 *
 * Each class lists the myelin config keys it carries (the tfjs key is the snake_case form unless renamed) and
 * the names of its weights in tfjs where they differ. Reading a tfjs config is strict: a key that is neither
 * carried nor an accepted default of tfjs (`dtype: 'float32'`, `data_format: 'channels_last'`, a null
 * constraint, ...) is a `ModelFormatError` naming the layer and the key, since dropping it would change what
 * the model computes or how it trains.
 */
import { ModelFormatError, describe } from '../../errors';
import { ACTIVATION_NAMES } from '../../activations/activation';
import { convertConstraint, convertInitializer, convertRegularizer } from './object-map';
import { RECURRENT_ACTIVATIONS, RECURRENT_CLASSES, RECURRENT_IGNORED, RECURRENT_SPECS } from './recurrent-map';

/** How one layer class maps. */
export interface LayerSpec {
  /** myelin config keys carried over, besides `name` and `trainable`. */
  keys: readonly string[];
  /** myelin key -> tfjs key, where it is not the snake_case form. */
  renames?: Readonly<Record<string, string>>;
  /** tfjs keys written on export with this value (what myelin computes), and accepted on import only so. */
  fixed?: Readonly<Record<string, unknown>>;
  /** myelin config keys left out on export (training-only options tfjs has no place for). */
  dropped?: readonly string[];
  /** myelin weight name -> tfjs weight name, where they differ. */
  weights?: Readonly<Record<string, string>>;
}

const INIT_REG = ['kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'];
const CHANNELS_LAST = { data_format: 'channels_last' };
const CONV = { keys: ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', ...INIT_REG], fixed: CHANNELS_LAST };
const POOL_1D = { keys: ['poolSize', 'strides', 'padding'] };
const POOL_2D = { keys: ['poolSize', 'strides', 'padding'], fixed: CHANNELS_LAST };
const NORM = ['axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer'];
const NONE = { keys: [] };

/** The layer classes both sides have (tfjs has no SpatialDropout2D and no Subtract). */
export const LAYER_SPECS: Readonly<Record<string, LayerSpec>> = {
  Dense: { keys: ['units', 'activation', 'useBias', ...INIT_REG] },
  Activation: { keys: ['activation'] },
  Dropout: { keys: ['rate', 'seed'] },
  SpatialDropout1D: { keys: ['rate', 'seed'] },
  GaussianNoise: { keys: ['stddev'], dropped: ['seed'] },
  Flatten: NONE,
  Reshape: { keys: ['targetShape'] },
  Permute: { keys: ['dims'] },
  Conv1D: CONV,
  Conv2D: CONV,
  DepthwiseConv2D: {
    keys: ['kernelSize', 'strides', 'padding', 'dilationRate', 'depthMultiplier', 'activation', 'useBias', ...INIT_REG],
    renames: { kernelInitializer: 'depthwise_initializer', kernelRegularizer: 'depthwise_regularizer', kernelConstraint: 'depthwise_constraint' },
    fixed: CHANNELS_LAST,
    weights: { kernel: 'depthwise_kernel' },
  },
  MaxPooling1D: POOL_1D,
  AveragePooling1D: POOL_1D,
  MaxPooling2D: POOL_2D,
  AveragePooling2D: POOL_2D,
  GlobalMaxPooling1D: NONE,
  GlobalAveragePooling1D: NONE,
  GlobalMaxPooling2D: { keys: [], fixed: CHANNELS_LAST },
  GlobalAveragePooling2D: { keys: [], fixed: CHANNELS_LAST },
  ZeroPadding2D: { keys: ['padding'], fixed: CHANNELS_LAST },
  UpSampling2D: { keys: ['size', 'interpolation'], fixed: CHANNELS_LAST },
  Embedding: { keys: ['inputDim', 'outputDim', 'embeddingsInitializer', 'embeddingsRegularizer', 'maskZero', 'inputLength'] },
  BatchNormalization: { keys: ['momentum', 'movingMeanInitializer', 'movingVarianceInitializer', ...NORM] },
  LayerNormalization: { keys: NORM },
  Concatenate: { keys: ['axis'] },
  Add: NONE,
  Multiply: NONE,
  Average: NONE,
  Maximum: NONE,
  Minimum: NONE,
  ...RECURRENT_SPECS,
};

/** tfjs keys accepted on import when they hold the value myelin computes with (or are absent). */
const ACCEPTED_DEFAULTS: Readonly<Record<string, unknown>> = {
  dtype: 'float32', data_format: 'channels_last', sparse: false, batch_size: null, noise_shape: null, seed: null,
  activity_regularizer: null, ragged: false,
};

/** `describe`, with booleans and numbers shown as their value. */
function shown(v: unknown): string {
  return typeof v === 'boolean' || typeof v === 'number' ? String(v) : describe(v);
}

/** `kernelSize` -> `kernel_size`. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `kernel_size` -> `kernelSize`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** tfjs activation names myelin computes identically (`silu` is tfjs's `swish`). */
const ACTIVATIONS_TO_TFJS: Readonly<Record<string, string>> = {
  linear: 'linear', relu: 'relu', elu: 'elu', gelu: 'gelu', silu: 'swish', swish: 'swish', sigmoid: 'sigmoid', tanh: 'tanh',
  softplus: 'softplus', softmax: 'softmax',
};

/** A Bidirectional's wrapped layer `{ className, config }` <-> `{ class_name, config }`, converted in depth. */
function convertWrapped(value: unknown, toTfjs: boolean, where: string, table: LayerSpecTable): unknown {
  const v = value as Record<string, unknown> | null;
  const cls = v !== null && typeof v === 'object' ? v[toTfjs ? 'className' : 'class_name'] : undefined;
  const cfg = v !== null && typeof v === 'object' ? v.config : undefined;
  if (typeof cls !== 'string' || !RECURRENT_CLASSES.includes(cls) || cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) {
    throw new ModelFormatError(`${where}: layer must be { ${toTfjs ? 'className' : 'class_name'}, config } of ${RECURRENT_CLASSES.join(', ')}, got ${describe(value)}`);
  }
  const at = `${where}: wrapped ${cls}`;
  const config = cfg as Record<string, unknown>;
  return toTfjs
    ? { class_name: cls, config: layerConfigToTfjs(cls, config, at) }
    : { className: cls, config: layerConfigFromTfjs(cls, config, at, table) };
}

function convertValue(key: string, value: unknown, toTfjs: boolean, where: string, className: string, table: LayerSpecTable): unknown {
  if (key === 'layer' && className === 'Bidirectional') return convertWrapped(value, toTfjs, where, table);
  if (!toTfjs && key === 'resetAfter' && value !== true) {
    throw new ModelFormatError(`${where}: GRU option reset_after = ${shown(value)} is not supported: myelin computes the reset-after GRU (Keras 3's default); re-create the layer with reset_after=True and retrain it`);
  }
  if (!toTfjs && RECURRENT_CLASSES.includes(className) && (key === 'activation' || key === 'recurrentActivation')) {
    const name = value === null || value === undefined ? 'linear' : value;
    if (!RECURRENT_ACTIVATIONS.includes(name as string)) {
      throw new ModelFormatError(`${where}: ${className} option ${snakeCase(key)} = ${describe(value)} is not one a myelin recurrent cell computes (${RECURRENT_ACTIVATIONS.join(', ')})`);
    }
    return name;
  }
  if (key === 'recurrentActivation') return value;
  if (key.endsWith('Initializer')) return convertInitializer(value, toTfjs, `${where}: ${key}`);
  if (key.endsWith('Regularizer')) return convertRegularizer(value, toTfjs, `${where}: ${key}`);
  if (key.endsWith('Constraint')) return convertConstraint(value, toTfjs, `${where}: ${key}`);
  if (key === 'activation') {
    if (toTfjs) {
      const name = Object.hasOwn(ACTIVATIONS_TO_TFJS, value as string) ? ACTIVATIONS_TO_TFJS[value as string] : undefined;
      if (!name) throw new ModelFormatError(`${where}: activation ${describe(value)} has no TensorFlow.js equivalent (tfjs has ${[...new Set(Object.values(ACTIVATIONS_TO_TFJS))].join(', ')})`);
      return name;
    }
    const name = value === null || value === undefined ? 'linear' : value;
    if (typeof name !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(name) || name === 'leakyRelu') {
      throw new ModelFormatError(`${where}: activation ${describe(value)} is not one myelin has (${Object.keys(ACTIVATIONS_TO_TFJS).join(', ')})`);
    }
    return name;
  }
  return value;
}

/** A table of layer specs by class name: {@link LAYER_SPECS}, or a superset of it for Keras files. */
export type LayerSpecTable = Readonly<Record<string, LayerSpec>>;

/** The spec of `className` in `table` (default the tfjs table), or a ModelFormatError naming the layer. */
export function layerSpec(className: string, where: string, toTfjs: boolean, table: LayerSpecTable = LAYER_SPECS): LayerSpec {
  const spec = Object.hasOwn(table, className) ? table[className] : undefined;
  if (!spec) {
    throw new ModelFormatError(toTfjs
      ? `${where}: TensorFlow.js has no layer ${className}; exportable layers: ${Object.keys(table).join(', ')}`
      : `${where}: unknown layer class ${describe(className)}; myelin reads ${Object.keys(table).join(', ')}`);
  }
  return spec;
}

/**
 * The tfjs config of a myelin layer config (without `inputShape`: the topology places the input shape).
 * @throws ModelFormatError for a layer or an option value tfjs cannot hold.
 */
export function layerConfigToTfjs(className: string, config: Record<string, unknown>, where: string): Record<string, unknown> {
  const spec = layerSpec(className, where, true);
  if (className === 'GRU') {
    throw new ModelFormatError(`${where}: TensorFlow.js's GRU computes only the reset-before form (reset_after=false) and myelin's the reset-after form, so tfjs would predict otherwise; `
      + 'export the model with my.io.exportOnnx, or use an LSTM or SimpleRNN layer');
  }
  if (config.dtype !== undefined && config.dtype !== 'float32') {
    throw new ModelFormatError(`${where}: the layer computes under the ${describe(config.dtype)} policy, which TensorFlow.js cannot hold (it `
      + 'computes in float32 only, so it would predict otherwise); make the layers with dtype \'float32\' (or before setGlobalPolicy), copy the weights with setWeights, and export that model');
  }
  const out: Record<string, unknown> = { name: config.name, trainable: config.trainable ?? true, dtype: 'float32' };
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || key === 'trainable' || key === 'inputShape' || spec.dropped?.includes(key)) continue;
    if (!spec.keys.includes(key)) throw new ModelFormatError(`${where}: the option ${key} of ${className} has no place in the TensorFlow.js format`);
    out[spec.renames?.[key] ?? snakeCase(key)] = convertValue(key, value, true, where, className, LAYER_SPECS);
  }
  return { ...out, ...spec.fixed };
}

/**
 * The myelin config of a tfjs layer config (`batch_input_shape` is left to the topology); `table` lists the
 * classes read (default the tfjs ones; the Keras importer adds its own).
 * @throws ModelFormatError naming the layer for an unknown class, a key myelin has no place for, or a value
 *   (activation, initializer, regularizer, data format) it does not compute.
 */
export function layerConfigFromTfjs(className: string, config: Record<string, unknown>, where: string, table: LayerSpecTable = LAYER_SPECS): Record<string, unknown> {
  const spec = layerSpec(className, where, false, table);
  const byTfjsKey = new Map(spec.keys.map((k) => [spec.renames?.[k] ?? snakeCase(k), k]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || key === 'trainable') {
      out[key] = value;
      continue;
    }
    const own = byTfjsKey.get(key);
    if (own !== undefined) {
      // tfjs writes an unset option as null (seed, mask_zero, input_length): myelin's default then applies.
      if (value === null && !own.endsWith('Regularizer')) continue;
      out[own] = convertValue(own, value, false, where, className, table);
      continue;
    }
    if (key === 'batch_input_shape' || key === 'input_shape') continue;
    if (RECURRENT_CLASSES.includes(className) && RECURRENT_IGNORED.includes(key)) continue;
    const fixed = spec.fixed && Object.hasOwn(spec.fixed, key) ? spec.fixed[key] : undefined;
    const accepted = fixed !== undefined ? fixed : Object.hasOwn(ACCEPTED_DEFAULTS, key) ? ACCEPTED_DEFAULTS[key] : undefined;
    const isConstraint = key.endsWith('_constraint');
    if (accepted === undefined && !isConstraint) throw new ModelFormatError(`${where}: ${className} option ${key} is not one myelin has`);
    if (value !== null && value !== undefined && value !== (isConstraint ? null : accepted) && value !== camelCase(String(accepted))) {
      throw new ModelFormatError(`${where}: ${className} option ${key} = ${shown(value)} is not supported (myelin computes with ${shown(isConstraint ? null : accepted)})`);
    }
  }
  if (className === 'GRU' && out.resetAfter !== true) {
    throw new ModelFormatError(`${where}: GRU without reset_after = true is the reset-before GRU, which myelin does not compute; re-create the layer with reset_after=True (Keras 3's default) and retrain it`);
  }
  return out;
}

/** The tfjs name of a myelin weight (`depthwise_conv/kernel` -> `depthwise_conv/depthwise_kernel`), or back. */
export function weightName(className: string, layerName: string, weight: string, toTfjs: boolean): string {
  const renames = LAYER_SPECS[className]?.weights ?? {};
  const pairs = Object.entries(renames);
  const found = pairs.find(([own, tf]) => (toTfjs ? own : tf) === weight);
  return `${layerName}/${found ? (toTfjs ? found[1] : found[0]) : weight}`;
}
