/**
 * Losses between distributions or counts: KL divergence and Poisson (Keras 3 formulas,
 * keras/src/losses/losses.py `kl_divergence`, `poisson`), per sample over the last axis.
 */
import { add, div, maximum, minimum, mul, sub } from '../ops/binary';
import { sum } from '../ops/reduce';
import { log } from '../ops/unary';
import type { Tensor } from '../tensor/tensor';
import { EPSILON, optionlessLoss } from './checks';
import type { Loss } from './loss';
import { meanLastAxis } from './regression';

/** Sum over the last axis; a rank-1 input is one value per sample and is returned as is. */
export function sumLastAxis(x: Tensor): Tensor {
  return x.rank === 1 ? x : sum(x, -1);
}

/**
 * Kullback-Leibler divergence per sample: sum_j t_j log(t_j / p_j) with t = clip(yTrue, 1e-7, 1) and
 * p = clip(yPred, 1e-7, 1) (Keras 3 `kl_divergence`).
 */
export function klDivergence(): Loss {
  return optionlessLoss('klDivergence', (yTrue, yPred) => {
    const t = minimum(maximum(yTrue, EPSILON), 1);
    const p = minimum(maximum(yPred, EPSILON), 1);
    return sumLastAxis(mul(t, log(div(t, p))));
  });
}

/** Poisson loss per sample: mean_j (p_j - t_j log(p_j + 1e-7)) (Keras 3 `poisson`; torch's poisson_nll_loss with log_input=False). */
export function poisson(): Loss {
  return optionlessLoss('poisson', (yTrue, yPred) => meanLastAxis(sub(yPred, mul(yTrue, log(add(yPred, EPSILON))))));
}
