/**
 * `npm run bench -- --conventions`: the step ratio of each optimizer (Keras defaults) against Keras 3's formulas
 * and torch.optim's, for gradients of magnitude 1 down to 1e-6 held for 5 steps: ratio = (p5 - p0) of myelin /
 * (p5 - p0) of the reference (1 = the same steps). The references come from
 * benchmarks/python/optimizer_conventions.py (torch.optim run here; Keras's update_step transcribed in NumPy).
 * myelin runs its default convention against Keras and `convention: 'pytorch'` against PyTorch, on the current
 * backend. Printed, and written to benchmarks/results/conventions.md.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { backendInfo } from '../../lib/backend/select';
import { tensor } from '../../lib/ops/creation';
import { getOptimizer } from '../../lib/optimizers/registry';
import { variable } from '../../lib/tensor/variable';
import { repoRoot } from '../peers';
import { torchAvailable } from './sides';

/** One row group: an optimizer with Keras's defaults plus `hp`, its parameters starting at `p0`. */
interface ConventionCase {
  name: string;
  opt: 'sgd' | 'adam' | 'adamw' | 'adagrad' | 'rmsprop';
  hp: Record<string, number | boolean>;
  p0: number;
  /** The learning rate of each step when not constant (myelin gets the same as a piecewiseConstantDecay). */
  lrs?: number[];
}

const MAGNITUDES = [1, 1e-2, 1e-4, 1e-6];
const STEPS = 5;
const HALVING = [0.01, 0.005, 0.0025, 0.00125, 0.000625];

export const CONVENTION_CASES: ConventionCase[] = [
  { name: 'sgd', opt: 'sgd', hp: {}, p0: 0 },
  { name: 'sgd momentum 0.9, lr halved each step', opt: 'sgd', hp: { momentum: 0.9 }, p0: 0, lrs: HALVING },
  { name: 'sgd momentum 0.9, weightDecay 0.01, p0 0.5', opt: 'sgd', hp: { momentum: 0.9, weightDecay: 0.01 }, p0: 0.5 },
  { name: 'adam', opt: 'adam', hp: {}, p0: 0 },
  { name: 'adam weightDecay 0.01, p0 0.5', opt: 'adam', hp: { weightDecay: 0.01 }, p0: 0.5 },
  { name: 'adamw', opt: 'adamw', hp: {}, p0: 0 },
  { name: 'adagrad', opt: 'adagrad', hp: {}, p0: 0 },
  { name: 'rmsprop', opt: 'rmsprop', hp: {}, p0: 0 },
  { name: 'rmsprop centered, momentum 0.9', opt: 'rmsprop', hp: { centered: true, momentum: 0.9 }, p0: 0 },
];

const CLASS_NAMES = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', adagrad: 'Adagrad', rmsprop: 'RMSprop' } as const;
const DEFAULT_LR = { sgd: 0.01, adam: 1e-3, adamw: 1e-3, adagrad: 1e-3, rmsprop: 1e-3 } as const;

function lrsOf(c: ConventionCase): number[] {
  return c.lrs ?? new Array<number>(STEPS).fill(DEFAULT_LR[c.opt]);
}

/** p after STEPS steps, one element per gradient magnitude, by myelin with `convention`. */
export function myelinFinal(c: ConventionCase, convention: 'keras' | 'pytorch'): number[] {
  const config: Record<string, unknown> = { ...c.hp, convention };
  if (c.lrs) {
    config.learningRate = { className: 'PiecewiseConstantDecay', config: { boundaries: c.lrs.slice(1).map((_, i) => i), values: c.lrs } };
  }
  const opt = getOptimizer({ className: CLASS_NAMES[c.opt], config });
  const p = variable(tensor(new Float32Array(MAGNITUDES.length).fill(c.p0), [MAGNITUDES.length]));
  const g = tensor(Float32Array.from(MAGNITUDES), [MAGNITUDES.length]);
  for (let t = 0; t < STEPS; t++) opt.applyGradients([{ variable: p, grad: g }]);
  const out = Array.from(p.dataSync());
  p.dispose(); g.dispose(); opt.dispose();
  return out;
}

/** Keras's and PyTorch's p after STEPS steps for every case (float64). */
export function referenceFinals(): { keras: Record<string, number[]>; torch: Record<string, number[]>; version: string } {
  const torch = torchAvailable();
  if (!torch.ok) throw new Error(`conventions: ${torch.message}`);
  const input = {
    p0: new Array<number>(MAGNITUDES.length).fill(0),
    grads: new Array<number[]>(STEPS).fill(MAGNITUDES),
    cases: CONVENTION_CASES.map((c) => ({ name: c.name, opt: c.opt, hp: c.hp, lrs: lrsOf(c) })),
  };
  const finals = (p0: number) => {
    const r = spawnSync(torch.python, [path.join(repoRoot(), 'benchmarks', 'python', 'optimizer_conventions.py')], {
      input: JSON.stringify({ ...input, p0: input.p0.map(() => p0) }), encoding: 'utf8', timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`optimizer_conventions.py failed: ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout) as { keras: Record<string, number[][]>; torch: Record<string, number[][]>; version: string };
  };
  const byP0 = new Map<number, ReturnType<typeof finals>>();
  const out = { keras: {} as Record<string, number[]>, torch: {} as Record<string, number[]>, version: '' };
  for (const c of CONVENTION_CASES) {
    if (!byP0.has(c.p0)) byP0.set(c.p0, finals(c.p0));
    const r = byP0.get(c.p0)!;
    out.keras[c.name] = r.keras[c.name][STEPS - 1];
    out.torch[c.name] = r.torch[c.name][STEPS - 1];
    out.version = r.version;
  }
  return out;
}

/** (mine - p0) / (ref - p0), element by element. */
export function stepRatios(mine: number[], ref: number[], p0: number): number[] {
  return mine.map((v, i) => (v - p0) / (ref[i] - p0));
}

/** Runs the comparison and prints / writes the table; returns the exit code. */
export function runConventionsCli(): number {
  const ref = referenceFinals();
  const lines = [
    `Step ratio after ${STEPS} steps of a constant gradient g (Keras defaults; 1.000 = the same steps), myelin on ${backendInfo().backend}, torch ${ref.version}.`,
    '',
    '| optimizer | g | myelin (default) / Keras 3 | myelin (pytorch) / PyTorch |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const c of CONVENTION_CASES) {
    const k = stepRatios(myelinFinal(c, 'keras'), ref.keras[c.name], c.p0);
    const t = stepRatios(myelinFinal(c, 'pytorch'), ref.torch[c.name], c.p0);
    MAGNITUDES.forEach((g, i) => lines.push(`| ${c.name} | ${g.toExponential(0)} | ${k[i].toFixed(3)} | ${t[i].toFixed(3)} |`));
  }
  const text = lines.join('\n');
  console.log(text);
  const file = path.join(repoRoot(), 'benchmarks', 'results', 'conventions.md');
  fs.writeFileSync(file, `${text}\n`);
  console.log(`\nwritten to ${path.relative(repoRoot(), file)}`);
  return 0;
}
