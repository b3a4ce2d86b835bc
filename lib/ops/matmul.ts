/** Matrix product of two rank-2 tensors, with optional transposes, through the backend GEMM. */
import { needsGradient, record } from '../autograd/tape';
import { ShapeError, ValueError, describe } from '../errors';
import type { Tensor } from '../tensor/tensor';
import { checkRank, checkTensor, commonBackend } from './checks';
import { empty } from './creation';

/**
 * op(a) @ op(b) where op transposes when asked: a is [m, k] (or [k, m] with transposeA), b is [k, n]
 * (or [n, k] with transposeB); the result is [m, n].
 * Gradients (for C = A B): dA = dC B^T, dB = A^T dC, with the transposed variants accordingly.
 */
export function matmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  checkTensor(a, 'matmul', 'a');
  checkTensor(b, 'matmul', 'b');
  if (typeof transposeA !== 'boolean' || typeof transposeB !== 'boolean') {
    throw new ValueError(`matmul: transposeA and transposeB must be booleans, got ${describe(transposeA)} and ${describe(transposeB)}`);
  }
  checkRank(a, 2, 'matmul', 'a');
  checkRank(b, 2, 'matmul', 'b');
  const backend = commonBackend('matmul', a, b);
  const [m, ka] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ: a${transposeA ? '^T' : ''} is [${m}, ${ka}] and b${transposeB ? '^T' : ''} is [${kb}, ${n}]`);
  }
  const y = empty([m, n], ka === 0);
  if (m > 0 && n > 0 && ka > 0) backend.gemm(a.storage, b.storage, y.storage, m, n, ka, transposeA, transposeB, 1, 0);
  const wantA = needsGradient(a), wantB = needsGradient(b);
  record('matmul', [a, b], y, (dy) => {
    const da = !wantA ? null : !transposeA && !transposeB ? matmul(dy, b, false, true)
      : !transposeA ? matmul(dy, b, false, false) : !transposeB ? matmul(b, dy, false, true) : matmul(b, dy, true, true);
    const db = !wantB ? null : !transposeA && !transposeB ? matmul(a, dy, true, false)
      : !transposeA ? matmul(dy, a, true, false) : !transposeB ? matmul(a, dy, false, false) : matmul(dy, a, true, true);
    return [da, db];
  });
  return y;
}
