/**
 * A plain MLP trained with the core API only (tensors, `dense`, `softmaxCrossEntropy`, `valueAndGrads`, the
 * Adam optimizer's one fused `adamStep` per step). Shared by the GPU benchmark (benchmarks/gpu/myelin-mlp.ts)
 * and the cuda-vs-cpu loss-curve test (test-gpu/). Data are synthetic and seeded: inputs ~ N(0, 1), labels
 * = argmax of the inputs through a fixed random "teacher" matrix, so the task is learnable and identical on
 * every backend. With one output (e.g. 2-10-1) the task is regression instead: target = 1 where x0 * x1 > 0
 * else 0 (XOR of the signs), loss = mean squared error.
 */
import {
  argmax, dense, greater, matmul, mean, mul, square, sub, randomNormal, randomUniform, setBackend, setSeed, slice, softmaxCrossEntropy, tidy,
  valueAndGrads, variable, zeros, type BackendName, type Tensor, type Variable,
} from '../../lib/index';
import { adam } from '../../lib/optimizers/index';

/** What to train. */
export interface MlpSpec {
  /** Layer widths, input first: [784, 512, 512, 10]. Hidden layers use relu; the last is logits. */
  layers: number[];
  batch: number;
  /** Samples per epoch (a multiple of `batch` is used: the remainder is dropped). */
  samples: number;
  /** Optimizer steps to run (epochs repeat over the same samples). */
  steps: number;
  seed: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
}

/** Where to train it. */
export interface MlpBackend {
  name: BackendName;
  options?: { tf32?: boolean; cublas?: string; blas?: string };
}

/** The result: the loss of every `lossEvery`-th step (read from the device only then) and the wall time. */
export interface MlpRun {
  losses: number[];
  /** Milliseconds of the training loop (data and weights already on the device). */
  trainMs: number;
  steps: number;
  samplesPerSecond: number;
}

/**
 * Trains the MLP and returns its loss curve. `lossEvery` (default 1) sets how often the loss is downloaded:
 * the benchmark reads it once per epoch so the GPU never waits per batch.
 */
export function trainMlp(spec: MlpSpec, where: MlpBackend, lossEvery = 1): MlpRun {
  setBackend(where.name, where.options ?? {});
  setSeed(spec.seed);
  const { layers, batch } = spec;
  const batches = Math.max(1, Math.floor(spec.samples / batch));
  const inDim = layers[0], classes = layers[layers.length - 1];

  // Data on the device: X [batches * batch, in], y [batches * batch] class ids.
  const x = randomNormal([batches * batch, inDim], { seed: spec.seed + 1 });
  const regression = classes === 1;
  let y: Tensor;
  if (regression) {
    y = tidy(() => greater(mul(slice(x, [0, 0], [batches * batch, 1]), slice(x, [0, 1], [batches * batch, 1])), 0));
  } else {
    const teacher = randomNormal([inDim, classes], { seed: spec.seed + 2 });
    y = tidy(() => argmax(matmul(x, teacher), 1));
    teacher.dispose();
  }

  // Glorot-uniform weights, zero biases.
  const params: Variable[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const limit = Math.sqrt(6 / (layers[l] + layers[l + 1]));
    params.push(variable(randomUniform([layers[l], layers[l + 1]], { minval: -limit, maxval: limit, seed: spec.seed + 10 + l })));
    params.push(variable(zeros([layers[l + 1]])));
  }
  const opt = adam({ learningRate: spec.lr ?? 1e-3 });

  const losses: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let step = 0; step < spec.steps; step++) {
    const b = step % batches;
    const { value, grads } = valueAndGrads(() => {
      const xb = slice(x, [b * batch, 0], [batch, inDim]);
      const yb = regression ? slice(y, [b * batch, 0], [batch, 1]) : slice(y, [b * batch], [batch]);
      let h: Tensor = xb;
      for (let l = 0; l + 1 < layers.length; l++) {
        h = dense(h, params[2 * l], params[2 * l + 1], l + 2 < layers.length ? 'relu' : 'linear');
      }
      return regression ? mean(square(sub(h, yb))) : mean(softmaxCrossEntropy(h, yb, true));
    }, params);
    opt.applyGradients(params.map((variable, i) => ({ variable, grad: grads[i] })));
    grads.forEach((g) => g.dispose());
    if ((step + 1) % lossEvery === 0 || step + 1 === spec.steps) losses.push(value.dataSync()[0]);
    value.dispose();
  }
  const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const p of params) p.dispose();
  opt.dispose();
  x.dispose();
  y.dispose();
  return { losses, trainMs, steps: spec.steps, samplesPerSecond: (spec.steps * batch) / (trainMs / 1000) };
}
