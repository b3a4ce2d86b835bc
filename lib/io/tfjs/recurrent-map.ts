/**
 * The recurrent layers in the TensorFlow.js / Keras layers format: SimpleRNN, LSTM, GRU, the Bidirectional
 * wrapper and Masking. Their weights are named alike on both sides (`kernel`, `recurrent_kernel`, `bias`); the
 * gate order is Keras's (LSTM i, f, c, o; GRU z, r, h) in myelin too, so the values pass unchanged.
 */
import { CELL_ACTIVATIONS } from '../../ops/recurrent';
import type { LayerSpec } from './layer-map';

const RNN_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'kernelRegularizer',
  'recurrentRegularizer', 'biasRegularizer', 'returnSequences', 'returnState', 'goBackwards', 'dropout', 'recurrentDropout', 'seed'];
/** Options myelin computes with one value only: a stateful layer is refused. */
const RNN_FIXED = { stateful: false };

/** The recurrent layer classes (what Bidirectional may wrap). */
export const RECURRENT_CLASSES: readonly string[] = ['SimpleRNN', 'LSTM', 'GRU'];

/** Activations a recurrent cell computes (myelin's fused step kernels). */
export const RECURRENT_ACTIVATIONS: readonly string[] = CELL_ACTIVATIONS;

/**
 * Options that choose how the same function is computed (tfjs's `implementation`, `unroll`): read and
 * ignored, since every value gives the same outputs.
 */
export const RECURRENT_IGNORED: readonly string[] = ['implementation', 'unroll'];

/** The layer specs of the recurrent family. */
export const RECURRENT_SPECS: Readonly<Record<string, LayerSpec>> = {
  SimpleRNN: { keys: RNN_KEYS, fixed: RNN_FIXED },
  LSTM: { keys: [...RNN_KEYS, 'recurrentActivation', 'unitForgetBias'], fixed: RNN_FIXED },
  GRU: { keys: [...RNN_KEYS, 'recurrentActivation', 'resetAfter'], fixed: RNN_FIXED },
  Bidirectional: { keys: ['layer', 'mergeMode'] },
  Masking: { keys: ['maskValue'] },
};

/**
 * Where tfjs keeps the weights of each Bidirectional's two layers: myelin prefix -> tfjs prefix. myelin names
 * them after the wrapped layer (`fw/kernel`, `backward_fw/kernel`), tfjs under the wrapper
 * (`bi/forward_fw/kernel`, `bi/backward_fw/kernel`). `arch` is a myelin Sequential or graph config.
 */
export function wrapperWeightPrefixes(arch: { layers?: unknown }): Map<string, string> {
  const out = new Map<string, string>();
  type Entry = { className?: string; name?: string; config?: { name?: unknown; layer?: { config?: { name?: unknown } } } };
  const layers = Array.isArray(arch.layers) ? arch.layers as Entry[] : [];
  for (const l of layers) {
    if (l.className !== 'Bidirectional') continue;
    const outer = l.config?.name ?? l.name;
    const inner = l.config?.layer?.config?.name;
    if (typeof outer !== 'string' || typeof inner !== 'string') continue;
    out.set(inner, `${outer}/forward_${inner}`);
    out.set(`backward_${inner}`, `${outer}/backward_${inner}`);
  }
  return out;
}
