/**
 * The `config.json` of a Keras 3 `.keras` file, rewritten into the Keras 2 form that the TensorFlow.js layers
 * format uses, so that one layer map (lib/io/tfjs/layer-map.ts) and one topology reader serve both formats.
 *
 * What Keras 3 writes differently, and what becomes of it:
 * - every serialized object carries `module` and `registered_name` (and sometimes `shared_object_id`): dropped;
 * - `dtype` is a `DTypePolicy` object: its policy name (`float32`; another policy is refused by the layer map);
 * - `InputLayer` gives `batch_shape` (Keras 2: `batch_input_shape`); a Sequential built without one gives
 *   `build_input_shape`;
 * - `inbound_nodes` are `{ args, kwargs }` with `__keras_tensor__` objects whose `keras_history` is
 *   `[layer, node, tensor]`; they become `[layer, node, tensor, {}]` references;
 * - options Keras 3 added (`lora_rank`, `quantization_config`, `groups`, `rms_scaling`, ...) are dropped when
 *   they hold the value myelin computes with, and refused by name otherwise;
 * - `Bidirectional` writes its backward layer too: checked to mirror the forward one, then dropped
 *   (lib/io/keras/keras-bidirectional.ts); the mask of an Embedding(mask_zero) or a Masking layer comes as op
 *   nodes and a `mask` call argument: all dropped, as myelin carries those masks itself (lib/io/keras/keras-masks.ts);
 * - `MultiHeadAttention`, `LeakyReLU` (`negative_slope`), `SpatialDropout2D` and `Subtract`, which the
 *   TensorFlow.js format lacks, are added to the layer table.
 */
import { ModelFormatError, describe } from '../../errors';
import { LAYER_SPECS, type LayerSpecTable } from '../tfjs/layer-map';
import { bidirectionalConfig, innerLayerName } from './keras-bidirectional';
import { checkMaskArgument, isMaskNode, maskSources, type MaskSources } from './keras-masks';

/** The layer classes read from Keras files: those of the tfjs format plus those TensorFlow.js lacks. */
export const KERAS_LAYER_SPECS: LayerSpecTable = {
  ...LAYER_SPECS,
  LeakyReLU: { keys: ['alpha'], renames: { alpha: 'negative_slope' } },
  SpatialDropout2D: { keys: ['rate', 'seed'], fixed: { data_format: 'channels_last' } },
  Subtract: { keys: [] },
  MultiHeadAttention: {
    keys: ['numHeads', 'keyDim', 'valueDim', 'dropout', 'useBias', 'outputShape', 'attentionAxes', 'kernelInitializer', 'biasInitializer',
      'kernelRegularizer', 'biasRegularizer', 'seed', 'useCausalMask'],
  },
};

/** Keras 3 layer options myelin has no place for, accepted only with these values (what myelin computes). */
const KERAS3_DEFAULTS: Readonly<Record<string, unknown>> = {
  lora_rank: null, lora_alpha: null, quantization_config: null, groups: 1, synchronized: false, renorm: false, renorm_clipping: null,
  rms_scaling: false, use_gate: false, zero_output_for_mask: false, sliding_window: null, optional: false, autocast: true, flash_attention: null, keepdims: false,
};
/** Options that only matter when another one is not at its default (`renorm_momentum` without `renorm`). */
const IGNORED = new Set(['renorm_momentum', 'build_config', 'compile_config']);
/** Keras 3 initializer options that are null unless set (fan axes of EinsumDense kernels). */
const NULL_INITIALIZER_KEYS = new Set(['input_axes', 'output_axes']);
/** MultiHeadAttention call arguments that become inputs, in myelin's input order after query and value. */
const MHA_TENSOR_KWARGS = ['key', 'attention_mask'];

/** A layer as it appears in the file, in the order Keras keeps them (which names its weight groups). */
export interface KerasLayerRef {
  name: string;
  className: string;
  /** The myelin layers whose weights this layer's group holds (Bidirectional: its forward and backward layers); default [name]. */
  weightOwners?: string[];
}

/** `describe`, with booleans shown as their value. */
function shown(v: unknown): string {
  return typeof v === 'boolean' ? String(v) : describe(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A serialized Keras 3 object or plain value, without the Keras 3 wrapping (see the file comment). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (!isObject(v)) return v;
  if (v.class_name === 'DTypePolicy' || v.class_name === 'FloatDTypePolicy') return isObject(v.config) ? v.config.name : v.config;
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) {
    if (k === 'module' || k === 'registered_name' || k === 'shared_object_id') continue;
    out[k] = plain(value);
  }
  if (typeof out.class_name === 'string' && isObject(out.config)) {
    for (const k of NULL_INITIALIZER_KEYS) if (out.config[k] === null) delete out.config[k];
  }
  return out;
}

/** A layer config without the Keras 3 options at their defaults. */
export function layerConfig(className: string, raw: unknown, at: string): Record<string, unknown> {
  if (!isObject(raw)) throw new ModelFormatError(`${at}: config must be an object, got ${describe(raw)}`);
  const cfg = plain(raw) as Record<string, unknown>;
  if (className === 'Bidirectional') return bidirectionalConfig(cfg, at, layerConfig);
  for (const [k, v] of Object.entries(cfg)) {
    if (IGNORED.has(k)) delete cfg[k];
    else if (Object.hasOwn(KERAS3_DEFAULTS, k)) {
      if (v !== KERAS3_DEFAULTS[k]) {
        throw new ModelFormatError(`${at}: ${className} option ${k} = ${shown(v)} is not supported (myelin computes with ${shown(KERAS3_DEFAULTS[k])})`);
      }
      delete cfg[k];
    }
  }
  if (className === 'InputLayer') {
    if (cfg.batch_shape !== undefined) cfg.batch_input_shape = cfg.batch_shape;
    delete cfg.batch_shape;
  }
  return cfg;
}

/** `[layer, node, tensor]` of a `__keras_tensor__`, or null for another value. */
function tensorRef(v: unknown): [string, number, number, Record<string, never>] | null {
  if (!isObject(v) || v.class_name !== '__keras_tensor__' || !isObject(v.config)) return null;
  const h = v.config.keras_history;
  if (!Array.isArray(h) || h.length !== 3) return null;
  return [h[0] as string, h[1] as number, h[2] as number, {}];
}

/** The tfjs references of one Keras 3 inbound node; MultiHeadAttention's tensor call arguments become inputs. */
function nodeRefs(node: unknown, className: string, cfg: Record<string, unknown>, at: string, masks: MaskSources): unknown[] {
  if (!isObject(node) || !Array.isArray(node.args)) throw new ModelFormatError(`${at}: an inbound node must be { args, kwargs }, got ${describe(node)}`);
  const refs: unknown[] = [];
  for (const arg of node.args) {
    const list = Array.isArray(arg) ? arg : [arg];
    for (const item of list) {
      const r = tensorRef(item);
      if (!r) throw new ModelFormatError(`${at}: call argument ${describe(item)} is not a tensor of the model; myelin reads layers called on tensors only`);
      refs.push(r);
    }
  }
  const kwargs = node.kwargs === undefined ? {} : node.kwargs;
  if (!isObject(kwargs)) throw new ModelFormatError(`${at}: kwargs must be an object, got ${describe(kwargs)}`);
  const mha = className === 'MultiHeadAttention';
  if (mha) {
    // Inputs [query, value, key, attention_mask]: positional ones first, then the keywords in that order.
    MHA_TENSOR_KWARGS.forEach((k, i) => {
      const r = tensorRef(kwargs[k]);
      if (!r) return;
      if (refs.length > 2 + i) throw new ModelFormatError(`${at}: call argument ${k} is given twice`);
      if (refs.length === 2 + i - 1) refs.push(refs[1]); // an attention mask without a key: the key is the value
      if (refs.length !== 2 + i) throw new ModelFormatError(`${at}: call argument ${k} needs the query and value before it`);
      refs.push(r);
    });
  }
  for (const [k, v] of Object.entries(kwargs)) {
    if (mha && MHA_TENSOR_KWARGS.includes(k) && tensorRef(v)) continue;
    if (k === 'mask' && v !== null) {
      checkMaskArgument(v, masks, at);
      continue;
    }
    if (mha && k === 'use_causal_mask' && typeof v === 'boolean') {
      if (v) cfg.use_causal_mask = true;
    } else if (v !== null && v !== false && k !== 'training') {
      throw new ModelFormatError(`${at}: call argument ${k} = ${shown(v)} is not supported`);
    }
  }
  return refs;
}

/**
 * The tfjs-form topology of a Keras 3 `config.json` and its layers in Keras's order (Sequential: without the
 * InputLayer, as `model.layers` has them).
 * @throws ModelFormatError naming the layer for a malformed entry or an option myelin does not compute.
 */
export function topologyFromKeras(doc: unknown): { topology: Record<string, unknown>; layers: KerasLayerRef[] } {
  if (!isObject(doc) || typeof doc.class_name !== 'string' || !isObject(doc.config)) {
    throw new ModelFormatError(`config.json must hold { class_name, config }, got ${describe(doc)}`);
  }
  const className = doc.class_name;
  const top = doc.config;
  if (!Array.isArray(top.layers)) throw new ModelFormatError(`config.json (${className}): config.layers must be a list, got ${describe(top.layers)}`);
  const layers: KerasLayerRef[] = [];
  const functional = className === 'Functional' || className === 'Model';
  const masks = maskSources(functional ? top.layers : []);
  const maskNode = (e: unknown): boolean => isObject(e) && typeof e.class_name === 'string' && typeof e.name === 'string' && isMaskNode(e.class_name, e.name, masks);
  // Indexes in error messages are those of the file's list, mask nodes included.
  const entries = top.layers.map((entry: unknown, i: number) => ({ entry, i })).filter(({ entry }) => !maskNode(entry));
  const list = entries.map(({ entry, i }) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string') throw new ModelFormatError(`config.json: layers[${i}] must be { class_name, config }, got ${describe(entry)}`);
    const cls = entry.class_name;
    const name = isObject(entry.config) && typeof entry.config.name === 'string' ? entry.config.name : (entry.name as string);
    const at = `layer ${JSON.stringify(name)}`;
    const cfg = layerConfig(cls, entry.config, at);
    const owners = cls === 'Bidirectional' ? [innerLayerName(cfg), `backward_${innerLayerName(cfg)}`] : undefined;
    if (cls !== 'InputLayer' || functional) layers.push({ name, className: cls, ...(owners ? { weightOwners: owners } : {}) });
    if (!functional) return { class_name: cls, config: cfg };
    if (!Array.isArray(entry.inbound_nodes)) throw new ModelFormatError(`${at}: inbound_nodes must be a list, got ${describe(entry.inbound_nodes)}`);
    const inbound = entry.inbound_nodes.map((node) => nodeRefs(node, cls, cfg, at, masks));
    return { name: entry.name ?? name, class_name: cls, config: cfg, inbound_nodes: inbound };
  });
  if (!functional && list.length > 0 && list[0].class_name !== 'InputLayer' && Array.isArray(top.build_input_shape)) {
    list[0].config.batch_input_shape = top.build_input_shape;
  }
  const config = { name: top.name, layers: list, input_layers: top.input_layers, output_layers: top.output_layers };
  return { topology: { class_name: className, config }, layers };
}
