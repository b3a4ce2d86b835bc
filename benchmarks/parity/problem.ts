/**
 * The parity problem: a 10-16-3 MLP (ReLU, softmax cross-entropy from logits, sparse labels) trained for
 * `steps` steps on fixed batches (step s takes rows [s*B, (s+1)*B) mod n, no shuffling), from the same
 * initial weights, by myelin and by PyTorch, with five optimizers whose hyper-parameters are matched and
 * whose myelin side runs PyTorch's formulas (`convention: 'pytorch'`; lib/optimizers/convention.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Random } from '../../lib/tensor/random';
import { writeNpy } from '../npy';
import { writeInitialWeights } from '../prepare';

/** One optimizer configuration, named the same on both sides. */
export interface ParityOptimizer {
  /** Row label, e.g. 'sgd+momentum'. */
  name: string;
  /** myelin: `getOptimizer({ className, config })`. */
  className: string;
  config: Record<string, number | boolean | string>;
  /** PyTorch: `torch.optim[torchClass](params, **torchConfig)`. */
  torchClass: string;
  torchConfig: Record<string, number | boolean>;
}

/** The five optimizers of the issue, with matched hyper-parameters. */
export const PARITY_OPTIMIZERS: ParityOptimizer[] = [
  { name: 'sgd', className: 'SGD', config: { learningRate: 0.1, convention: 'pytorch' }, torchClass: 'SGD', torchConfig: { lr: 0.1 } },
  { name: 'sgd+momentum', className: 'SGD', config: { learningRate: 0.05, momentum: 0.9, convention: 'pytorch' }, torchClass: 'SGD', torchConfig: { lr: 0.05, momentum: 0.9 } },
  { name: 'adam', className: 'Adam', config: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, convention: 'pytorch' }, torchClass: 'Adam', torchConfig: { lr: 0.01, eps: 1e-7 } },
  { name: 'adagrad', className: 'Adagrad', config: { learningRate: 0.05, initialAccumulatorValue: 0.1, epsilon: 1e-7, convention: 'pytorch' }, torchClass: 'Adagrad', torchConfig: { lr: 0.05, initial_accumulator_value: 0.1, eps: 1e-7 } },
  { name: 'rmsprop', className: 'RMSprop', config: { learningRate: 0.005, rho: 0.9, epsilon: 1e-7, convention: 'pytorch' }, torchClass: 'RMSprop', torchConfig: { lr: 0.005, alpha: 0.9, eps: 1e-7 } },
];

/** Sizes of the parity problem. */
export const PARITY_SHAPE = { samples: 256, inputs: 10, hidden: 16, classes: 3, batch: 32 } as const;

/** The problem as written to a folder (x.npy, y.npy, w0/b0/w1/b1.npy, problem.json). */
export interface ParityProblem {
  dir: string;
  steps: number;
  optimizers: ParityOptimizer[];
  samples: number;
  inputs: number;
  hidden: number;
  classes: number;
  batch: number;
}

/** Writes the data (x ~ N(0,1), y = argmax of a random linear teacher), initial weights and problem.json. */
export function writeParityProblem(dir: string, steps: number): ParityProblem {
  fs.mkdirSync(dir, { recursive: true });
  const { samples, inputs, hidden, classes } = PARITY_SHAPE;
  const rng = new Random(99);
  const x = new Float32Array(samples * inputs);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const teacher = Array.from({ length: inputs * classes }, () => rng.normal());
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let k = 0; k < inputs; k++) s += x[i * inputs + k] * teacher[k * classes + c];
      if (s > bestScore) { bestScore = s; best = c; }
    }
    y[i] = best;
  }
  writeNpy(path.join(dir, 'x.npy'), x, [samples, inputs]);
  writeNpy(path.join(dir, 'y.npy'), y, [samples]);
  writeInitialWeights(dir, [inputs, hidden, classes], new Random(100));
  const problem: ParityProblem = { dir, steps, optimizers: PARITY_OPTIMIZERS, ...PARITY_SHAPE };
  fs.writeFileSync(path.join(dir, 'problem.json'), JSON.stringify(problem, null, 2));
  return problem;
}

/** Rows of step `s`: [s*B, (s+1)*B) modulo the sample count. */
export function batchRows(problem: ParityProblem, step: number): number[] {
  return Array.from({ length: problem.batch }, (_, i) => (step * problem.batch + i) % problem.samples);
}
