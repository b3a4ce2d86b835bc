/**
 * MultiHeadAttention in ONNX, inputs [query [B, T, dq], value [B, S, dv], key [B, S, dk]?, mask [B, T, S]?], H heads
 * of depth dh (query and key) and dvh (value). The layer's kernels [d, H, dh] are read as [d, H dh] (same values):
 *
 * | step        | ONNX                                                                                        |
 * | ----------- | ------------------------------------------------------------------------------------------- |
 * | projections | MatMul(x, W) + b -> Reshape [0, 0, H, dh] -> Transpose: Q [B, H, T, dh], K^T [B, H, dh, S], V [B, H, S, dvh] |
 * | scores      | MatMul(Q, K^T) * 1 / sqrt(dh)                                                               |
 * | allowed     | mask != 0 (Unsqueezed to [B, 1, T, S]) AND s <= t when causal (a [T, S] constant)            |
 * | weights     | Where(allowed, Softmax(Where(allowed, scores, lowest float), axis -1), 0)                    |
 * | output      | MatMul(weights, V) -> Transpose [B, T, H, dvh] -> Reshape [0, 0, H dvh] -> MatMul(., Wo) + bo |
 *
 * The outer Where gives a query step with no allowed key step zero weights, as the layer does. With
 * returnAttentionScores the weights [B, H, T, S] are the second output. Attention dropout is off in inference.
 */
import { attr, OnnxType } from '../onnx-proto';
import type { LayerExport, OnnxLayerExporter } from '../layer-exporter';

const LOWEST_FLOAT32 = -3.4028234663852886e38;

/** Projection `which` of x: MatMul(x, kernel as [d, width]) + bias, reshaped to [B, L, H, width / H]. */
function projectHeads(e: LayerExport, x: string, which: string, heads: number): string {
  const { g } = e;
  const kernel = e.requireWeight(`${which}/kernel`);
  const [d, ...perHead] = kernel.shape;
  const width = perHead.reduce((p, q) => p * q, 1);
  let y = g.op('MatMul', [x, g.floats(`${e.name}/${which}/kernel`, kernel.data, [d, width])], {}, e.name);
  const bias = e.weight(`${which}/bias`);
  if (bias) y = g.op('Add', [y, g.floats(`${e.name}/${which}/bias`, bias.data, [width])], {}, e.name);
  return g.op('Reshape', [y, g.int64s(`${e.name}/${which}/heads_shape`, [0, 0, heads, width / heads])], {}, e.name);
}

/** The bool tensor of the allowed (query, key) pairs, or null when every pair is allowed. */
function allowedPairs(e: LayerExport, mask: string | null, T: number, S: number): string | null {
  const { g } = e;
  let allowed: string | null = null;
  if (mask !== null) {
    const zero = g.floats(`${e.name}/zero`, [0], []);
    const nonzero = g.op('Not', [g.op('Equal', [mask, zero], {}, e.name)], {}, e.name);
    allowed = g.op('Unsqueeze', [nonzero, g.int64s(`${e.name}/head_axis`, [1])], {}, e.name);
  }
  if (e.config.useCausalMask === true) {
    const lower = new Float32Array(T * S);
    for (let t = 0; t < T; t++) for (let s = 0; s <= t && s < S; s++) lower[t * S + s] = 1;
    const causal = g.op('Cast', [g.floats(`${e.name}/causal`, lower, [T, S])], { to: attr.int(OnnxType.bool) }, e.name);
    allowed = allowed === null ? causal : g.op('And', [allowed, causal], {}, e.name);
  }
  return allowed;
}

function exportMultiHeadAttention(e: LayerExport): void {
  const { g } = e;
  if (e.inputs.length < 2 || e.inputs.length > 4) e.fail(`expected [query, value, key?, mask?], got ${e.inputs.length} inputs`);
  const [query, value] = e.inputs;
  const key = e.inputs[2] ?? value;
  const mask = e.inputs[3]?.name ?? null;
  const heads = e.config.numHeads;
  const keyDim = e.config.keyDim;
  if (!Number.isInteger(heads) || !Number.isInteger(keyDim)) e.fail(`config.numHeads and config.keyDim must be integers, got ${JSON.stringify([heads, keyDim])}`);
  const H = heads as number;
  const [T, S] = [query.shape[0], value.shape[0]];
  const q = g.transpose(projectHeads(e, query.name, 'query', H), [0, 2, 1, 3], e.name);
  const kT = g.transpose(projectHeads(e, key.name, 'key', H), [0, 2, 3, 1], e.name);
  const v = g.transpose(projectHeads(e, value.name, 'value', H), [0, 2, 1, 3], e.name);
  const scale = g.floats(`${e.name}/scale`, [1 / Math.sqrt(keyDim as number)], []);
  const scores = g.op('Mul', [g.op('MatMul', [q, kT], {}, e.name), scale], {}, e.name);
  const allowed = allowedPairs(e, mask, T, S);
  const weightsOut = e.outputs.length > 1 ? e.outputs[1] : undefined;
  let weights: string;
  if (allowed === null) {
    weights = g.op('Softmax', [scores], { axis: attr.int(-1) }, e.name, weightsOut);
  } else {
    const masked = g.op('Where', [allowed, scores, g.floats(`${e.name}/lowest`, [LOWEST_FLOAT32], [])], {}, e.name);
    const soft = g.op('Softmax', [masked], { axis: attr.int(-1) }, e.name);
    weights = g.op('Where', [allowed, soft, g.floats(`${e.name}/zero_weight`, [0], [])], {}, e.name, weightsOut);
  }
  const context = g.transpose(g.op('MatMul', [weights, v], {}, e.name), [0, 2, 1, 3], e.name);
  const outKernel = e.requireWeight('attention_output/kernel');
  const [, dvh, width] = outKernel.shape;
  const merged = g.op('Reshape', [context, g.int64s(`${e.name}/merged_shape`, [0, 0, H * dvh])], {}, e.name);
  const bias = e.weight('attention_output/bias');
  const y = g.op('MatMul', [merged, g.floats(`${e.name}/attention_output/kernel`, outKernel.data, [H * dvh, width])], {}, e.name, bias ? undefined : e.outputs[0]);
  if (bias) g.op('Add', [y, g.floats(`${e.name}/attention_output/bias`, bias.data, [width])], {}, e.name, e.outputs[0]);
}

/** Exporters of the attention layers, by class name. */
export const ATTENTION_EXPORTERS: Record<string, OnnxLayerExporter> = {
  MultiHeadAttention: exportMultiHeadAttention,
};
