/**
 * Every optimizer in both conventions against figures it did not compute: four steps on fixed gradients (magnitudes
 * 1 down to 2e-5, where epsilon placement shows), in float64, by benchmarks/python/optimizer_conventions.py:
 * - `convention: 'pytorch'` against torch.optim run here (/usr/bin/python3, as test/parity/torch-parity.test.ts);
 * - the default (`'keras'`) against Keras 3's update_step of each optimizer, transcribed there in NumPy with the
 *   source files named.
 * The displacement p_t - p0 must agree within 1e-4 relative + 1.5e-7 absolute (float32 parameters near 0.25). A
 * second test checks the cases meant to tell the conventions apart do so by more than that tolerance, so a kernel
 * that ignored its convention could not pass.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { tensor } from '../../lib/ops/creation';
import { adagrad, adam, adamw, rmsprop, schedules, sgd, type Optimizer } from '../../lib/optimizers/index';
import type { LearningRateSchedule } from '../../lib/optimizers/schedules';
import { variable } from '../../lib/tensor/variable';
import { describeEachBackend } from '../helpers/backends';

type Opt = 'sgd' | 'adam' | 'adamw' | 'adagrad' | 'rmsprop';
interface Case {
  name: string;
  opt: Opt;
  /** myelin's options (also read by the Python side, with Keras's defaults for what is missing). */
  hp: Record<string, number | boolean>;
  /** A schedule instead of hp.learningRate. */
  schedule?: () => LearningRateSchedule;
  /** Whether Keras's and PyTorch's formulas give different steps on these gradients. */
  differ: boolean;
}

const P0 = [0.25, -0.125, 0.1875, -0.25, 0.0625, 0];
const BASE = [1, -0.5, 1e-2, -3e-3, 1e-4, -2e-5];
const FACTORS = [[1, 1, 1, 1, 1, 1], [-0.7, 0.9, 1.5, -1.2, 0.6, 2], [1.3, -0.4, -0.8, 0.5, 1.1, -1], [0.4, 1.2, 0.3, -2, -0.9, 0.7]];
const GRADS = FACTORS.map((f) => f.map((x, i) => Math.fround(x * BASE[i])));
const STEPS = GRADS.length;
const halving = () => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });

const CASES: Case[] = [
  { name: 'sgd', opt: 'sgd', hp: { learningRate: 0.1 }, differ: false },
  { name: 'sgd momentum', opt: 'sgd', hp: { learningRate: 0.1, momentum: 0.9 }, differ: false },
  { name: 'sgd momentum + weightDecay', opt: 'sgd', hp: { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 }, differ: true },
  { name: 'sgd nesterov + weightDecay', opt: 'sgd', hp: { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }, differ: true },
  { name: 'sgd momentum, lr halved each step', opt: 'sgd', hp: { momentum: 0.9 }, schedule: halving, differ: true },
  { name: 'sgd nesterov, lr halved each step', opt: 'sgd', hp: { momentum: 0.9, nesterov: true }, schedule: halving, differ: true },
  { name: 'adam defaults', opt: 'adam', hp: {}, differ: true },
  { name: 'adam + weightDecay', opt: 'adam', hp: { learningRate: 0.01, weightDecay: 0.01 }, differ: true },
  { name: 'adam amsgrad', opt: 'adam', hp: { learningRate: 0.01, beta1: 0.8, beta2: 0.99, amsgrad: true }, differ: true },
  { name: 'adamw defaults', opt: 'adamw', hp: {}, differ: true },
  { name: 'adamw amsgrad, eps 1e-8', opt: 'adamw', hp: { learningRate: 0.01, weightDecay: 0.1, epsilon: 1e-8, amsgrad: true }, differ: true },
  // With the accumulator starting at 0.1, sqrt(acc + 1e-7) and sqrt(acc) + 1e-7 differ by ~1e-7 relative.
  { name: 'adagrad defaults', opt: 'adagrad', hp: {}, differ: false },
  { name: 'adagrad, accumulator from 0', opt: 'adagrad', hp: { learningRate: 0.1, initialAccumulatorValue: 0 }, differ: true },
  { name: 'adagrad + weightDecay', opt: 'adagrad', hp: { learningRate: 0.1, weightDecay: 0.01 }, differ: true },
  { name: 'rmsprop defaults', opt: 'rmsprop', hp: {}, differ: true },
  { name: 'rmsprop centered, momentum, weightDecay', opt: 'rmsprop', hp: { learningRate: 0.01, centered: true, momentum: 0.5, weightDecay: 0.01 }, differ: true },
  { name: 'rmsprop momentum, lr halved each step', opt: 'rmsprop', hp: { momentum: 0.9 }, schedule: halving, differ: true },
];

const FACTORIES = { sgd, adam, adamw, adagrad, rmsprop } as Record<Opt, (o: Record<string, unknown>) => Optimizer>;

function make(c: Case, convention: 'keras' | 'pytorch' | undefined): Optimizer {
  const options: Record<string, unknown> = { ...c.hp };
  if (c.schedule) options.learningRate = c.schedule();
  if (convention) options.convention = convention;
  return FACTORIES[c.opt](options);
}

/** The learning rate of each step (Keras's defaults where hp has none). */
function lrs(c: Case): number[] {
  const opt = make(c, undefined);
  const out = Array.from({ length: STEPS }, (_, t) => opt.learningRateAt(t));
  opt.dispose();
  return out;
}

type Trajectories = Record<string, number[][]>;
const torch = torchAvailable();

function references(): { torch: Trajectories; keras: Trajectories; version: string } {
  const input = { p0: P0, grads: GRADS, cases: CASES.map((c) => ({ name: c.name, opt: c.opt, hp: c.hp, lrs: lrs(c) })) };
  const r = spawnSync(torch.python, [path.join(__dirname, '..', '..', 'benchmarks', 'python', 'optimizer_conventions.py')], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`optimizer_conventions.py failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout);
}

const RTOL = 1e-4;
const ATOL = 1.5e-7;

/** The largest |d - dRef| / (RTOL |dRef| + ATOL) over steps and elements, d = p_t - p0 (<= 1 passes). */
function worst(got: number[][], want: number[][]): number {
  let w = 0;
  got.forEach((row, t) => row.forEach((v, i) => {
    const d = v - P0[i], dRef = want[t][i] - P0[i];
    w = Math.max(w, Math.abs(d - dRef) / (RTOL * Math.abs(dRef) + ATOL));
  }));
  return w;
}

function run(c: Case, convention: 'keras' | 'pytorch' | undefined): number[][] {
  const opt = make(c, convention);
  const p = variable(tensor(Float32Array.from(P0), [2, 3]));
  const out: number[][] = [];
  for (const g of GRADS) {
    const grad = tensor(Float32Array.from(g), [2, 3]);
    opt.applyGradients([{ variable: p, grad }]);
    grad.dispose();
    out.push(Array.from(p.dataSync()));
  }
  p.dispose();
  opt.dispose();
  return out;
}

const ref = torch.ok ? references() : null;

describe('the references tell the conventions apart where they should', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    if (!ref) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    const gap = worst(ref.keras[c.name], ref.torch[c.name]);
    if (c.differ) expect(gap).toBeGreaterThan(10);
    else expect(gap).toBeLessThanOrEqual(1);
  });
});

describeEachBackend('optimizer conventions', (backend) => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s: default (keras) vs Keras 3, pytorch vs torch.optim', (_, c) => {
    if (!ref) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    const keras = worst(run(c, undefined), ref.keras[c.name]);
    const pytorch = worst(run(c, 'pytorch'), ref.torch[c.name]);
    if (keras > 1 || pytorch > 1) console.log(`${c.name} on ${backend.label}: keras ${keras.toFixed(2)}, pytorch ${pytorch.toFixed(2)} (torch ${ref.version})`);
    expect(keras).toBeLessThanOrEqual(1);
    expect(pytorch).toBeLessThanOrEqual(1);
  });
});
