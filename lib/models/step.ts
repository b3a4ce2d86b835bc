/** The loss of one batch and one training step (valueAndGrads, then one fused optimizer call). */
import { noGrad } from '../autograd/tape';
import { withPrevalidatedLabels } from '../losses/categorical-crossentropy';
import { isBuiltInLoss } from '../losses/checks';
import { add, div, mul } from '../ops/binary';
import { mean, sum } from '../ops/reduce';
import { softmax } from '../ops/softmax';
import { sigmoid } from '../ops/unary';
import { tidy } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import type { Sequential } from './sequential';
import { StepRecorder, type BatchRows, type StepTensors } from './step-program';
import type { Variable } from '../tensor/variable';

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
  const loss = fused ? (compiled.logitsLoss as NonNullable<Compiled['logitsLoss']>) : compiled.loss;
  let total: Tensor;
  if (!w && loss.batchMean) {
    total = loss.batchMean(y, output);  // the mean folded into the loss's fused op
  } else {
    const perSample = loss.perSample(y, output);
    if (perSample.rank === 0) total = perSample;
    else if (w) total = div(sum(mul(perSample, w)), perSample.size);
    else total = mean(perSample);
  }
  for (const layer of model.layers) {
    const r = layer.regularizationLoss();
    if (r) total = add(total, r);
  }
  for (const a of activity) total = add(total, a);
  return { total, output };
}

/** Probabilities for metrics from a batch output (softmax or sigmoid of fused logits). */
export function metricInput(compiled: Compiled, output: Tensor): Tensor {
  if (compiled.logitsLoss === null) return output;
  if (compiled.outputActivation === 'softmax') return softmax(output, -1);
  if (compiled.outputActivation === 'sigmoid') return sigmoid(output);
  return output;
}

/** The per-fit step runner: records the step of each batch shape and replays it (lib/models/step-program.ts). */
export function stepRecorder(model: Sequential, compiled: Compiled): StepRecorder {
  const repeatable = model.layers.every((l) => l.repeatableStep()) && isBuiltInLoss(compiled.loss) &&
    (compiled.logitsLoss === null || isBuiltInLoss(compiled.logitsLoss));
  // fit validated every label before training (lib/models/fit-data.ts), so the loss need not read them again.
  return new StepRecorder((x, y, w) => withPrevalidatedLabels(() => batchLoss(model, compiled, x, y, w, true)), repeatable);
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
  compiled.optimizer.applyGradients(vars.map((variable, i) => ({ variable, grad: step.grads[i] })));
  if (compiled.metrics.length > 0) {
    tidy(() => noGrad(() => {
      const pred = metricInput(compiled, step.output);
      for (const m of compiled.metrics) m.update(step.y, pred);
    }));
  }
  return step.value;
}
