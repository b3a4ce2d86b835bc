/** The loss of one batch and one training step (valueAndGrads, then one fused optimizer call). */
import { valueAndGrads } from '../autograd/gradients';
import { noGrad } from '../autograd/tape';
import { add, div, mul } from '../ops/binary';
import { mean, sum } from '../ops/reduce';
import { softmax } from '../ops/softmax';
import { keep, tidy } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import type { Sequential } from './sequential';

/** The total loss of a batch and the model's output (logits when the softmax is fused into the loss). */
export interface BatchLoss {
  total: Tensor;
  output: Tensor;
}

/**
 * loss = sum_i w_i l_i / batch (Keras `sum_over_batch_size`; mean_i l_i without weights)
 *      + sum of weight penalties + sum of activity penalties.
 * With a fused softmax the model's logits go to the loss `fromLogits` (same value, one fused kernel).
 */
export function batchLoss(model: Sequential, compiled: Compiled, x: Tensor, y: Tensor, w: Tensor | null, training: boolean): BatchLoss {
  const fused = compiled.logitsLoss !== null;
  const { output, activity } = model.forwardWithLosses(x, training, fused);
  const perSample = (fused ? (compiled.logitsLoss as NonNullable<Compiled['logitsLoss']>) : compiled.loss).perSample(y, output);
  let total: Tensor;
  if (perSample.rank === 0) total = perSample;
  else if (w) total = div(sum(mul(perSample, w)), perSample.size);
  else total = mean(perSample);
  for (const layer of model.layers) {
    const r = layer.regularizationLoss();
    if (r) total = add(total, r);
  }
  for (const a of activity) total = add(total, a);
  return { total, output };
}

/** Probabilities for metrics from a batch output (softmax of fused logits). */
export function metricInput(compiled: Compiled, output: Tensor): Tensor {
  return compiled.logitsLoss !== null ? softmax(output, -1) : output;
}

/**
 * One training step on a batch: gradients of `batchLoss` with respect to every trainable weight by
 * `valueAndGrads`, one `optimizer.applyGradients` call, then the metrics update. Returns the batch loss.
 * Every tensor it creates is disposed before it returns (also when it throws).
 */
export function trainStep(model: Sequential, compiled: Compiled, x: Tensor, y: Tensor, w: Tensor | null): number {
  const vars = model.trainableWeights;
  let output: Tensor | null = null;
  try {
    return tidy(() => {
      const { value, grads } = valueAndGrads(() => {
        const r = batchLoss(model, compiled, x, y, w, true);
        output = keep(r.output);
        return r.total;
      }, vars);
      compiled.optimizer.applyGradients(vars.map((variable, i) => ({ variable, grad: grads[i] })));
      const lossValue = value.dataSync()[0];
      if (compiled.metrics.length > 0) {
        noGrad(() => {
          const pred = metricInput(compiled, output as unknown as Tensor);
          for (const m of compiled.metrics) m.update(y, pred);
        });
      }
      return lossValue;
    });
  } finally {
    (output as Tensor | null)?.dispose();
  }
}
