/** The loss of one batch and one training step (valueAndGrads, then one fused optimizer call). */
import { averageGradients } from '../distributed/fit-sync';
import { noGrad } from '../autograd/tape';
import { withPrevalidatedLabels } from '../losses/categorical-crossentropy';
import { isBuiltInLoss } from '../losses/checks';
import { ShapeError } from '../errors';
import { add, div, maximum, mul } from '../ops/binary';
import { reshape } from '../ops/reshape';
import { mean, sum } from '../ops/reduce';
import { softmax } from '../ops/softmax';
import { sigmoid } from '../ops/unary';
import { tidy } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import type { Model } from './model';
import { headTarget, type Head } from './heads';
import { packOutputs } from './graph-data';
import type { Loss } from '../losses/loss';
import { StepRecorder, type BatchRows, type StepTensors } from './step-program';
import type { Variable } from '../tensor/variable';
import { LossScaleOptimizer } from '../optimizers/loss-scale-optimizer';
import { scaleGradient } from '../ops/scale-gradient';

/**
 * The total loss of a batch, the model's output (logits when the softmax is fused into the loss) and the output's
 * time mask [batch, time] (null: none; a model with several outputs gives none), which weights the metrics as it
 * weights the loss.
 */
export interface BatchLoss {
  total: Tensor;
  output: Tensor;
  mask: Tensor | null;
}

/**
 * loss = sum_i w_i l_i / batch (Keras `sum_over_batch_size`; mean_i l_i without weights)
 *      + sum of weight penalties + sum of activity penalties.
 * With a fused softmax the model's logits go to the loss `fromLogits` (same value, one fused kernel).
 */
export function batchLoss(model: Model, compiled: Compiled, x: Tensor, y: Tensor, w: Tensor | null, training: boolean): BatchLoss {
  if (compiled.heads) return headsLoss(model, compiled, compiled.heads, x, y, w, training);
  const fused = compiled.logitsLoss !== null;
  const { output, activity, mask } = model.forwardWithLosses(x, training, fused);
  const loss = fused ? (compiled.logitsLoss as NonNullable<Compiled['logitsLoss']>) : compiled.loss;
  return { total: withPenalties(model, lossOf(loss, y, output, w, mask), activity), output, mask };
}

/**
 * sum_i w_i l_i / batch, or mean_i l_i without weights (a scalar loss as is). With the output's time mask
 * m [batch, time] (Keras): sum_{i,t} w_i m_it l_it / max(1, sum_{i,t} m_it), the mean over the unmasked steps.
 */
function lossOf(loss: Loss, y: Tensor, output: Tensor, w: Tensor | null, mask: Tensor | null): Tensor {
  if (mask !== null) return maskedLoss(loss, y, output, w, mask);
  if (!w && loss.batchMean) return loss.batchMean(y, output);  // the mean folded into the loss's fused op
  const perSample = loss.perSample(y, output);
  if (perSample.rank === 0) return perSample;
  if (w) return div(sum(mul(perSample, w)), perSample.size);
  return mean(perSample);
}

/** The loss weighted by the time mask m [batch, time]: sum w_i m_it l_it / max(1, sum m_it). */
function maskedLoss(loss: Loss, y: Tensor, output: Tensor, w: Tensor | null, mask: Tensor): Tensor {
  const perStep = loss.perSample(y, output);
  if (perStep.rank !== 2 || perStep.shape[0] !== mask.shape[0] || perStep.shape[1] !== mask.shape[1]) {
    throw new ShapeError(`${loss.name}: the output carries a time mask [${mask.shape.join(', ')}], so the loss must give one value per step ` +
      `(shape [batch, time]), got [${perStep.shape.join(', ')}]; use a loss that reduces only the last axis`);
  }
  let weighted = mul(perStep, mask);
  if (w) weighted = mul(weighted, reshape(w, [mask.shape[0], 1]));
  return div(sum(weighted), maximum(sum(mask), 1));
}

/**
 * A model compiled with heads (lib/models/heads.ts): sum_h weight_h * loss_h(y_h, output_h) + penalties; y is the
 * targets packed side by side. The output returned is the outputs packed the same way when metrics read it.
 */
function headsLoss(model: Model, compiled: Compiled, heads: Head[], x: Tensor, y: Tensor, w: Tensor | null, training: boolean): BatchLoss {
  const { outputs, activity, masks } = model.forwardOutputs(x, training, heads.map((h) => h.logitsLoss !== null));
  let total: Tensor | null = null;
  heads.forEach((h, k) => {
    const l = lossOf(h.logitsLoss ?? h.loss, headTarget(h, y), outputs[k], w, masks[k]);
    const weighted = h.weight === 1 ? l : mul(l, h.weight);
    total = total === null ? weighted : add(total, weighted);
  });
  const output = compiled.metrics.length > 0 && outputs.length > 1 ? packOutputs(outputs) : outputs[0];
  return { total: withPenalties(model, total as unknown as Tensor, activity), output, mask: null };
}

/** The loss plus the layers' weight penalties and the activity penalties. */
function withPenalties(model: Model, loss: Tensor, activity: Tensor[]): Tensor {
  let total = loss;
  for (const layer of model.layers) {
    const r = layer.regularizationLoss();
    if (r) total = add(total, r);
  }
  for (const a of activity) total = add(total, a);
  return total;
}

/** Probabilities for metrics from a batch output (softmax or sigmoid of fused logits). */
export function metricInput(compiled: Compiled, output: Tensor): Tensor {
  if (compiled.logitsLoss === null) return output;
  if (compiled.outputActivation === 'softmax') return softmax(output, -1);
  if (compiled.outputActivation === 'sigmoid') return sigmoid(output);
  return output;
}

/** The per-fit step runner: records the step of each batch shape and replays it (lib/models/step-program.ts). */
export function stepRecorder(model: Model, compiled: Compiled): StepRecorder {
  const repeatable = model.layers.every((l) => l.repeatableStep()) && lossesBuiltIn(compiled);
  // fit validated every label before training (lib/models/fit-data.ts), so the loss need not read them again.
  const optimizer = compiled.optimizer;
  const lossScale = optimizer instanceof LossScaleOptimizer ? optimizer.scaleTensor() : null;
  return new StepRecorder((x, y, w) => withPrevalidatedLabels(() => {
    const r = batchLoss(model, compiled, x, y, w, true);
    // mixed_float16: the backward pass computes the gradients of S * loss (S read by every replay)
    return lossScale === null ? r : { ...r, total: scaleGradient(r.total, lossScale) };
  }), repeatable);
}

/** True when every loss of `compiled` (each head's, and the fused forms) is a built-in one. */
export function lossesBuiltIn(compiled: Compiled): boolean {
  const losses = compiled.heads ? compiled.heads.flatMap((h) => [h.loss, h.logitsLoss]) : [compiled.loss, compiled.logitsLoss];
  return losses.every((l) => l === null || isBuiltInLoss(l));
}

/**
 * One training step on a batch: gradients of `batchLoss` with respect to `vars` (the model's trainable weights) (recorded
 * once per batch shape and replayed), one `optimizer.applyGradients` call, then the metrics update.
 * Returns the batch loss as a scalar tensor that the recorder owns: read it (or add it to a device sum) before
 * the next step, never dispose it. It is not read back here, so a GPU does not wait for the step.
 * Tensors the step creates are released before it returns or by the recorder.
 */
export function trainStep(vars: Variable[], compiled: Compiled, recorder: StepRecorder, batch: BatchRows): Tensor {
  const { step, release } = recorder.runRows(vars, batch);
  try {
    return finishStep(compiled, vars, step);
  } finally {
    release();
  }
}

/** The optimizer update and the metrics of a step whose forward and backward pass ran; returns the loss. */
function finishStep(compiled: Compiled, vars: Variable[], step: StepTensors): Tensor {
  // null outside a distributed world of several ranks, or when the compiled program averaged them itself
  const averaged = step.gradsAveraged ? null : averageGradients(step.grads);
  try {
    const grads = averaged ?? step.grads;
    compiled.optimizer.applyGradients(vars.map((variable, i) => ({ variable, grad: grads[i] })));
  } finally {
    if (averaged) for (const g of averaged) g.dispose();
  }
  if (compiled.metrics.length > 0) {
    tidy(() => noGrad(() => {
      const pred = metricInput(compiled, step.output);
      for (const m of compiled.metrics) m.update(step.y, pred, step.outputMask);
    }));
  }
  return step.value;
}
