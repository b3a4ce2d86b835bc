/**
 * The masks of a Keras 3 functional config. Keras records the mask a layer computes as op nodes and passes it
 * to the layers after it as their `mask` call argument: `NotEqual(tokens, 0)` for an `Embedding(mask_zero=True)`,
 * `Any(NotEqual(x, mask_value), axis=-1)` for a `Masking` layer. myelin carries these masks along the graph by
 * itself, so a `mask` argument is accepted when it is exactly one of them (computed from the embedding's or the
 * Masking layer's own input), and the `NotEqual` / `Any` nodes are left out of the topology; a mask argument of
 * another source (or such a node's output used as data) is refused.
 */
import { ModelFormatError } from '../../errors';

/** What the mask check needs to know of a functional config. */
export interface MaskSources {
  /** NotEqual node name -> the layer compared and the number it is compared with. */
  notEqual: Map<string, { source: string; value: number }>;
  /** Any(axis=-1) node name -> the NotEqual node it reduces. */
  anyLast: Map<string, string>;
  /** Layer names whose output feeds an Embedding with mask_zero. */
  maskedEmbeddingInputs: Set<string>;
  /** Layer name whose output feeds a Masking layer -> its mask_value. */
  maskingInputs: Map<string, number>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The layer name of a `__keras_tensor__` argument, or null. */
function historyLayer(v: unknown): string | null {
  if (!isObject(v) || v.class_name !== '__keras_tensor__' || !isObject(v.config)) return null;
  const h = v.config.keras_history;
  return Array.isArray(h) && typeof h[0] === 'string' ? h[0] : null;
}

/** Finds the mask op nodes and the inputs of the mask_zero embeddings and Masking layers of a functional layer list. */
export function maskSources(layers: unknown[]): MaskSources {
  const out: MaskSources = { notEqual: new Map(), anyLast: new Map(), maskedEmbeddingInputs: new Set(), maskingInputs: new Map() };
  for (const entry of layers) {
    if (!isObject(entry) || !Array.isArray(entry.inbound_nodes) || entry.inbound_nodes.length !== 1 || typeof entry.name !== 'string') continue;
    const node = entry.inbound_nodes[0];
    const args = isObject(node) && Array.isArray(node.args) ? node.args : [];
    const source = historyLayer(args[0]);
    const cfg = isObject(entry.config) ? entry.config : {};
    if (source === null) continue;
    if (entry.class_name === 'NotEqual' && args.length === 2 && typeof args[1] === 'number') {
      out.notEqual.set(entry.name, { source, value: args[1] });
    } else if (entry.class_name === 'Any' && args.length === 1 && cfg.axis === -1 && cfg.keepdims === false) {
      out.anyLast.set(entry.name, source);
    } else if (entry.class_name === 'Embedding' && cfg.mask_zero === true) {
      out.maskedEmbeddingInputs.add(source);
    } else if (entry.class_name === 'Masking' && typeof cfg.mask_value === 'number') {
      out.maskingInputs.set(source, cfg.mask_value);
    }
  }
  return out;
}

/** Whether a layer entry is a mask op node (see the file comment), which myelin leaves out. */
export function isMaskNode(className: string, name: string, sources: MaskSources): boolean {
  if (className === 'NotEqual') return sources.notEqual.has(name);
  return className === 'Any' && sources.anyLast.has(name) && sources.notEqual.has(sources.anyLast.get(name)!);
}

/** Whether the tensor of layer `from` is the mask of an Embedding(mask_zero) or of a Masking layer. */
function isLayerMask(from: string, sources: MaskSources): boolean {
  const eq = sources.notEqual.get(from);
  if (eq) return eq.value === 0 && sources.maskedEmbeddingInputs.has(eq.source);
  const reduced = sources.anyLast.get(from);
  const inner = reduced === undefined ? undefined : sources.notEqual.get(reduced);
  return inner !== undefined && sources.maskingInputs.get(inner.source) === inner.value;
}

/**
 * Checks a `mask` call argument: it must be the mask of an Embedding with mask_zero or of a Masking layer.
 * @throws ModelFormatError naming the layer otherwise.
 */
export function checkMaskArgument(value: unknown, sources: MaskSources, at: string): void {
  const from = historyLayer(value);
  if (from !== null && isLayerMask(from, sources)) return;
  throw new ModelFormatError(`${at}: the mask call argument must be the mask of an Embedding with mask_zero=True or of a Masking layer (myelin carries those along the graph); `
    + `got one from ${from === null ? 'a non-tensor value' : JSON.stringify(from)}`);
}
