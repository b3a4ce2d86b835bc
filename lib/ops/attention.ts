/**
 * The attention ops of multi-head attention, on the `batchedGemm` and `maskedSoftmax` kernels. Heads stay
 * interleaved in the projections ([batch, time, heads * depth], as a dense layer writes them): the batched GEMM
 * reads and writes each head in place through its strides, so no transpose is ever copied.
 */
import { needsGradient, record } from '../autograd/tape';
import type { Backend } from '../backend/backend';
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkNumber, checkRank, checkTensor, commonBackend } from './checks';
import { empty } from './creation';

type Strides = [number, number, number];

/**
 * A new tensor of `shape` = alpha op(A_oh) op(B_oh) for the [outer, inner] matrices of a and b (see the
 * `batchedGemm` kernel); `sizes` = [outer, inner, m, n, k].
 */
function batched(backend: Backend, a: Tensor, aStrides: Strides, b: Tensor, bStrides: Strides, shape: number[],
  outStrides: Strides, sizes: number[], transA: boolean, transB: boolean, alpha: number): Tensor {
  const out = empty(shape, sizes[4] === 0);
  if (out.size > 0 && sizes[4] > 0) {
    backend.batchedGemm(a.storage, aStrides, b.storage, bStrides, out.storage, outStrides, sizes, transA, transB, alpha, 0);
  }
  return out;
}

/** Throws unless `numHeads` is a positive integer dividing the last axis of `x`; returns that axis / numHeads. */
function headDepth(op: string, x: Tensor, arg: string, numHeads: number): number {
  const last = x.shape[2];
  if (last % numHeads !== 0) throw new ShapeError(`${op}: the last axis of ${arg} (${last}) must be numHeads (${numHeads}) times the head depth, got shape [${x.shape.join(', ')}]`);
  return last / numHeads;
}

function checkHeads(op: string, numHeads: number): void {
  if (!Number.isInteger(numHeads) || numHeads < 1) throw new ValueError(`${op}: numHeads must be a positive integer, got ${describe(numHeads)}`);
}

/**
 * Attention scores of every head: with q [B, T, H d] and k [B, S, H d] read as H heads of depth d,
 * scores[b, h, t, s] = scale * sum_i q[b, t, h d + i] k[b, s, h d + i] ([B, H, T, S]).
 * Gradients: dq_h = scale dscores_h k_h, dk_h = scale dscores_h^T q_h (per batch and head).
 */
export function attentionScores(q: Tensor, k: Tensor, numHeads: number, scale: number): Tensor {
  const op = 'attentionScores';
  checkTensor(q, op, 'q');
  checkTensor(k, op, 'k');
  checkRank(q, 3, op, 'q');
  checkRank(k, 3, op, 'k');
  checkHeads(op, numHeads);
  checkNumber(scale, op, 'scale');
  const backend = commonBackend(op, q, k);
  const [B, T, width] = q.shape;
  const [Bk, S, widthK] = k.shape;
  if (Bk !== B || widthK !== width) throw new ShapeError(`${op}: k must have shape [${B}, S, ${width}] for q of shape [${q.shape.join(', ')}], got [${k.shape.join(', ')}]`);
  const H = numHeads, d = headDepth(op, q, 'q', numHeads);
  const qS: Strides = [T * width, d, width], kS: Strides = [S * width, d, width], sS: Strides = [H * T * S, T * S, S];
  const scores = batched(backend, q, qS, k, kS, [B, H, T, S], sS, [B, H, T, S, d], false, true, scale);
  const wantQ = needsGradient(q), wantK = needsGradient(k);
  record(op, [q, k], scores, (dy) => [
    wantQ ? batched(backend, dy, sS, k, kS, q.shape.slice(), qS, [B, H, T, d, S], false, false, scale) : null,
    wantK ? batched(backend, dy, sS, q, qS, k.shape.slice(), kS, [B, H, S, d, T], true, false, scale) : null,
  ]);
  return scores;
}

/**
 * The attention output of every head, heads interleaved: with probs [B, H, T, S] and v [B, S, H d],
 * out[b, t, h d + i] = sum_s probs[b, h, t, s] v[b, s, h d + i] ([B, T, H d]).
 * Gradients: dprobs_h = dout_h v_h^T, dv_h = probs_h^T dout_h (per batch and head).
 */
export function attentionContext(probs: Tensor, v: Tensor, numHeads: number): Tensor {
  const op = 'attentionContext';
  checkTensor(probs, op, 'probs');
  checkTensor(v, op, 'v');
  checkRank(probs, 4, op, 'probs');
  checkRank(v, 3, op, 'v');
  checkHeads(op, numHeads);
  const backend = commonBackend(op, probs, v);
  const [B, H, T, S] = probs.shape;
  if (H !== numHeads || v.shape[0] !== B || v.shape[1] !== S) {
    throw new ShapeError(`${op}: probs [${probs.shape.join(', ')}] and v [${v.shape.join(', ')}] do not fit: expected probs [B, ${numHeads}, T, S] and v [B, S, ${numHeads} * depth]`);
  }
  const width = v.shape[2];
  const d = headDepth(op, v, 'v', numHeads);
  const pS: Strides = [H * T * S, T * S, S], vS: Strides = [S * width, d, width], oS: Strides = [T * width, d, width];
  const out = batched(backend, probs, pS, v, vS, [B, T, width], oS, [B, H, T, d, S], false, false, 1);
  const wantP = needsGradient(probs), wantV = needsGradient(v);
  record(op, [probs, v], out, (dy) => [
    wantP ? batched(backend, dy, oS, v, vS, probs.shape.slice(), pS, [B, H, T, S, d], false, true, 1) : null,
    wantV ? batched(backend, probs, pS, dy, oS, v.shape.slice(), vS, [B, H, S, d, T], true, false, 1) : null,
  ]);
  return out;
}

/**
 * Softmax of attention scores [B, H, T, S] over the last axis, restricted to the entries (b, h, t, s) with
 * mask[b, t, s] != 0 (mask [B, T, S] of 0 / 1, shared by the heads; null: every entry) and, with `causal`, s <= t;
 * the other entries are 0, and a row where no entry is allowed is all 0 (Keras gives such a row a uniform
 * softmax, PyTorch NaN). Gradient: dx = y (dy - sum_s dy_s y_s) (0 at masked entries); none for the mask.
 */
export function maskedSoftmax(scores: Tensor, mask: Tensor | null, causal = false): Tensor {
  const op = 'maskedSoftmax';
  checkTensor(scores, op, 'scores');
  checkRank(scores, 4, op, 'scores');
  if (typeof causal !== 'boolean') throw new ValueError(`${op}: causal must be a boolean, got ${describe(causal)}`);
  const [B, H, T, S] = scores.shape;
  if (mask !== null) {
    checkTensor(mask, op, 'mask');
    if (mask.rank !== 3 || mask.shape[0] !== B || mask.shape[1] !== T || mask.shape[2] !== S) {
      throw new ShapeError(`${op}: mask must have shape [${B}, ${T}, ${S}] (batch, query steps, key steps), got [${mask.shape.join(', ')}]`);
    }
  }
  const backend = mask ? commonBackend(op, scores, mask) : scores.backend;
  const y = empty(scores.shape.slice());
  if (y.size > 0) backend.maskedSoftmax(scores.storage, mask ? mask.storage : null, y.storage, B, H, T, S, causal);
  record(op, [scores], y, (dy) => {
    const dx = empty(scores.shape.slice());
    if (dx.size > 0) backend.softmaxGrad(y.storage, dy.storage, dx.storage, B * H * T, S, false);
    return [dx];
  });
  return y;
}
