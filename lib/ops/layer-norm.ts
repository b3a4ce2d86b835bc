/**
 * The fused layer-normalization op: one kernel forward (`layerNorm`, saving each row's mean and 1 / std) and one
 * backward (`layerNormGrad`: dx, dgamma and dbeta together). Same meaning as the composed ops
 * (x - mean) / sqrt(var + epsilon) * gamma + beta over the trailing axes, tested against them.
 */
import { record, retainForGradient } from '../autograd/tape';
import { ShapeError, ValueError, describe } from '../errors';
import { sizeOf } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { checkNumber, checkTensor, commonBackend } from './checks';
import { empty } from './creation';

/**
 * Layer normalization of x over its last `normalizedRank` axes (default 1): with mean and biased variance of each
 * sample over those axes, y = (x - mean) / sqrt(var + epsilon) * gamma + beta. `gamma` and `beta` (null: 1 and 0)
 * hold one value per normalized element (their size is the product of the normalized axes).
 * Gradients: dx = rstd (g - mean(g) - xhat mean(g xhat)) with g = dy gamma, dgamma = sum dy xhat, dbeta = sum dy
 * over the other axes.
 */
export function layerNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon = 1e-3, normalizedRank = 1): Tensor {
  checkTensor(x, 'layerNorm', 'x');
  if (gamma !== null) checkTensor(gamma, 'layerNorm', 'gamma');
  if (beta !== null) checkTensor(beta, 'layerNorm', 'beta');
  checkNumber(epsilon, 'layerNorm', 'epsilon');
  if (!Number.isInteger(normalizedRank) || normalizedRank < 1 || normalizedRank > x.rank) {
    throw new ValueError(`layerNorm: normalizedRank must be an integer in [1, ${x.rank}], got ${describe(normalizedRank)}`);
  }
  const params = [gamma, beta].filter((t): t is Tensor => t !== null);
  const backend = commonBackend('layerNorm', x, ...params);
  const cols = sizeOf(x.shape.slice(x.rank - normalizedRank));
  const rows = cols === 0 ? 0 : x.size / cols;
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (t !== null && t.size !== cols) throw new ShapeError(`layerNorm: ${name} must hold ${cols} values (the normalized axes [${x.shape.slice(x.rank - normalizedRank).join(', ')}]), got shape [${t.shape.join(', ')}]`);
  }
  const y = empty(x.shape);
  const mean = empty([rows]);
  const rstd = empty([rows]);
  if (y.size > 0) backend.layerNorm(x.storage, gamma?.storage ?? null, beta?.storage ?? null, y.storage, mean.storage, rstd.storage, rows, cols, epsilon);
  const inputs = [x, ...params];
  const recorded = record('layerNorm', inputs, y, (dy) => {
    const dx = empty(x.shape);
    const dgamma = empty(gamma ? gamma.shape : [cols]);
    const dbeta = empty(beta ? beta.shape : [cols]);
    backend.layerNormGrad(x.storage, gamma?.storage ?? null, mean.storage, rstd.storage, dy.storage, dx.storage, dgamma.storage, dbeta.storage, rows, cols);
    const grads: Tensor[] = [dx];
    if (gamma) grads.push(dgamma); else dgamma.dispose();
    if (beta) grads.push(dbeta); else dbeta.dispose();
    return grads;
  });
  if (recorded) {
    retainForGradient(mean);
    retainForGradient(rstd);
  } else {
    mean.dispose();
    rstd.dispose();
  }
  return y;
}
