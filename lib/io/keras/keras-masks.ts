/**
 * The masks of a Keras 3 functional config. Keras records the mask of an `Embedding(mask_zero=True)` as an op
 * node (`NotEqual(tokens, 0)`) and passes it to the layers after it as their `mask` call argument; myelin
 * carries the embedding's mask along the graph by itself. So a `mask` argument is accepted when it is exactly
 * that mask (a `NotEqual` of the embedding's own input with 0). The `NotEqual(x, 0)` nodes are left out of the
 * topology; a mask argument of another source (or a NotEqual output used as data) is refused.
 */
import { ModelFormatError } from '../../errors';

/** What the mask check needs to know of a functional config. */
export interface MaskSources {
  /** NotEqual node name -> the layer name of the tensor compared with 0. */
  notEqualZero: Map<string, string>;
  /** Layer names whose output feeds an Embedding with mask_zero. */
  maskedEmbeddingInputs: Set<string>;
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

/** Finds the `NotEqual(x, 0)` nodes and the inputs of the mask_zero embeddings of a functional layer list. */
export function maskSources(layers: unknown[]): MaskSources {
  const out: MaskSources = { notEqualZero: new Map(), maskedEmbeddingInputs: new Set() };
  for (const entry of layers) {
    if (!isObject(entry) || !Array.isArray(entry.inbound_nodes) || entry.inbound_nodes.length !== 1) continue;
    const node = entry.inbound_nodes[0];
    const args = isObject(node) && Array.isArray(node.args) ? node.args : [];
    const source = historyLayer(args[0]);
    if (source === null) continue;
    if (entry.class_name === 'NotEqual' && args.length === 2 && args[1] === 0 && typeof entry.name === 'string') {
      out.notEqualZero.set(entry.name, source);
    } else if (entry.class_name === 'Embedding' && isObject(entry.config) && entry.config.mask_zero === true) {
      out.maskedEmbeddingInputs.add(source);
    }
  }
  return out;
}

/** Whether a layer entry is a `NotEqual(x, 0)` mask node, which myelin leaves out (see the file comment). */
export function isMaskNode(className: string, name: string, sources: MaskSources): boolean {
  return className === 'NotEqual' && sources.notEqualZero.has(name);
}

/**
 * Checks a `mask` call argument: it must be the mask of an Embedding with mask_zero.
 * @throws ModelFormatError naming the layer otherwise.
 */
export function checkMaskArgument(value: unknown, sources: MaskSources, at: string): void {
  const from = historyLayer(value);
  if (from !== null && isMaskNode('NotEqual', from, sources) && sources.maskedEmbeddingInputs.has(sources.notEqualZero.get(from)!)) return;
  throw new ModelFormatError(`${at}: the mask call argument must be the mask of an Embedding with mask_zero=True (myelin carries that mask along the graph); `
    + `got one from ${from === null ? 'a non-tensor value' : JSON.stringify(from)}. Use Embedding(mask_zero=True) or a Masking layer in a Sequential model`);
}
