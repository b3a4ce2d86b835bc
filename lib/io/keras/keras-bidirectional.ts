/**
 * A Keras 3 `Bidirectional` config in the form the layer map reads. Keras writes the wrapped layer (`layer`,
 * named `forward_<name>`) and its mirror (`backward_layer`, named `backward_<name>`), whose `zero_output_for_mask`
 * equals `return_sequences`. myelin's Bidirectional builds the backward layer itself as a copy of the forward
 * one with `go_backwards` flipped and zeroes masked outputs with `return_sequences`, so the backward config is
 * checked to be that mirror and then dropped; a backward layer of another kind or with other options is refused.
 */
import { ModelFormatError, describe } from '../../errors';

const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'];

type LayerConfigOf = (className: string, raw: unknown, at: string) => Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

/** One wrapped layer: `{ class_name, config }` with its config cleaned of the Keras 3 defaults. */
function wrapped(raw: unknown, side: string, at: string, layerConfig: LayerConfigOf): { class_name: string; config: Record<string, unknown> } {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
    throw new ModelFormatError(`${at}: Bidirectional ${side} must be { class_name, config }, got ${describe(raw)}`);
  }
  const cfg = { ...raw.config };
  // Keras sets zero_output_for_mask = return_sequences on both directions; myelin's Bidirectional does the same.
  if (cfg.zero_output_for_mask === (cfg.return_sequences ?? false)) delete cfg.zero_output_for_mask;
  return { class_name: raw.class_name, config: layerConfig(raw.class_name, cfg, `${at}: ${side}`) };
}

/** The name of the layer a Bidirectional config wraps (its forward layer). */
export function innerLayerName(cfg: Record<string, unknown>): string {
  const layer = cfg.layer as { config?: { name?: unknown } } | undefined;
  return String(layer?.config?.name ?? '');
}

/**
 * The Bidirectional config with `layer` cleaned and `backward_layer` checked and removed.
 * @throws ModelFormatError naming the layer for a missing or malformed `layer`, a `merge_mode` myelin lacks
 *   (null: two outputs), or a `backward_layer` that is not the mirror of `layer`.
 */
export function bidirectionalConfig(cfg: Record<string, unknown>, at: string, layerConfig: LayerConfigOf): Record<string, unknown> {
  const out = { ...cfg };
  const mode = cfg.merge_mode;
  if (!MERGE_MODES.includes(mode as string)) {
    throw new ModelFormatError(`${at}: Bidirectional merge_mode = ${describe(mode)} is not supported; myelin merges with ${MERGE_MODES.join(', ')}`);
  }
  const forward = wrapped(cfg.layer, 'layer', at, layerConfig);
  out.layer = forward;
  if (cfg.backward_layer !== undefined && cfg.backward_layer !== null) {
    const backward = wrapped(cfg.backward_layer, 'backward_layer', at, layerConfig);
    const f = { ...forward.config, name: null, go_backwards: !forward.config.go_backwards };
    const b = { ...backward.config, name: null, go_backwards: backward.config.go_backwards ?? false };
    if (backward.class_name !== forward.class_name || !sameValue(f, b)) {
      throw new ModelFormatError(`${at}: Bidirectional backward_layer must be the forward ${forward.class_name} with go_backwards flipped (myelin builds the backward layer so); `
        + 'this one has other options. Re-create the wrapper without backward_layer');
    }
  }
  delete out.backward_layer;
  return out;
}
