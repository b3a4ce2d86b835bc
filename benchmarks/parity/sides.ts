/**
 * The two sides of the parity check: myelin trains with `Sequential.fit` one batch per call (the loss of
 * that batch before its update is the epoch loss fit returns), PyTorch runs benchmarks/python/parity_torch.py.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { tensor } from '../../lib/ops/creation';
import { dense } from '../../lib/layers/dense';
import { sequential } from '../../lib/models/sequential';
import { getOptimizer } from '../../lib/optimizers/registry';
import { readNpy } from '../npy';
import { pythonCan, pythonPath, repoRoot } from '../peers';
import { batchRows, type ParityProblem } from './problem';

/** One side's trajectory for one optimizer: the loss of every step, and the final weights. */
export interface Trajectory {
  losses: number[];
  /** W0 [in, out], b0, W1, b1, flattened. */
  weights: number[][];
}

/** Trajectories by optimizer name. */
export type Trajectories = Record<string, Trajectory>;

/** myelin's trajectories for every optimizer of the problem. */
export async function runMyelinSide(problem: ParityProblem): Promise<Trajectories> {
  const x = readNpy(path.join(problem.dir, 'x.npy'));
  const y = readNpy(path.join(problem.dir, 'y.npy'));
  const init = ['w0', 'b0', 'w1', 'b1'].map((n) => readNpy(path.join(problem.dir, `${n}.npy`)));
  const out: Trajectories = {};
  for (const o of problem.optimizers) {
    const model = sequential([
      dense({ units: problem.hidden, activation: 'relu', inputShape: [problem.inputs] }),
      dense({ units: problem.classes, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: getOptimizer({ className: o.className, config: o.config }), loss: 'sparseCategoricalCrossentropy' });
    const ws = init.map((a) => tensor(a.data as Float32Array, a.shape));
    model.setWeights(ws);
    for (const w of ws) w.dispose();
    const losses: number[] = [];
    for (let s = 0; s < problem.steps; s++) {
      const rows = batchRows(problem, s);
      const xb = new Float32Array(rows.length * problem.inputs);
      rows.forEach((r, i) => xb.set(x.data.subarray(r * problem.inputs, (r + 1) * problem.inputs), i * problem.inputs));
      const yb = Float32Array.from(rows, (r) => y.data[r]);
      const h = await model.fit({ data: xb, shape: [rows.length, problem.inputs] }, { data: yb, shape: [rows.length] },
        { epochs: 1, batchSize: rows.length, shuffle: false, verbose: 0 });
      losses.push(h.history.loss[0]);
    }
    const finals = model.getWeights();
    out[o.name] = { losses, weights: finals.map((w) => Array.from(w.dataSync())) };
    for (const w of finals) w.dispose();
    model.dispose();
  }
  return out;
}

/** Whether the parity Python can import torch; `message` says how to install it when not. */
export function torchAvailable(): { ok: boolean; python: string; message: string } {
  const python = pythonPath();
  const r = pythonCan(python, 'import torch; print(torch.__version__)');
  return r.ok
    ? { ok: true, python, message: `torch ${r.out}` }
    : { ok: false, python, message: `${python} cannot import torch (${r.out.split('\n').pop()}). Install it: \`apt-get install python3-torch\` (Debian/Ubuntu), or point MYELIN_BENCH_PYTHON at a Python with torch.` };
}

/** PyTorch's trajectories (and its version) from parity_torch.py. */
export function runTorchSide(problem: ParityProblem): { trajectories: Trajectories; version: string } {
  const script = path.join(repoRoot(), 'benchmarks', 'python', 'parity_torch.py');
  const r = spawnSync(pythonPath(), [script, problem.dir], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`parity_torch.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const parsed = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
  const version = String(parsed._torch);
  delete parsed._torch;
  return { trajectories: parsed as Trajectories, version };
}
