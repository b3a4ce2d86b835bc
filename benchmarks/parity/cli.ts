/** `npm run bench -- --parity`: myelin vs PyTorch, five optimizers, printed and written to benchmarks/results/parity.{json,md}. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backendInfo } from '../../lib/backend/select';
import { repoRoot } from '../peers';
import { compareTrajectories, type ParityRow } from './compare';
import { writeParityProblem } from './problem';
import { runMyelinSide, runTorchSide, torchAvailable } from './sides';

/** Writes the problem, runs both sides and compares them; the folder is removed afterwards. */
export async function runParity(steps: number): Promise<{ rows: ParityRow[]; torchVersion: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-parity-'));
  try {
    const problem = writeParityProblem(dir, steps);
    const torch = runTorchSide(problem);
    const mine = await runMyelinSide(problem);
    return { rows: compareTrajectories(mine, torch.trajectories), torchVersion: torch.version };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows as a Markdown table. */
export function parityTable(rows: ParityRow[]): string {
  const lines = ['| optimizer | steps | max loss rel. diff (step) | max weight abs. diff | loss first -> last | within 1e-4 |', '| --- | ---: | ---: | ---: | ---: | --- |'];
  for (const r of rows) {
    lines.push(`| ${r.optimizer} | ${r.steps} | ${r.maxLossRelDiff.toExponential(2)} (${r.worstStep}) | ${r.maxWeightAbsDiff.toExponential(2)} | ${r.firstLoss.toFixed(4)} -> ${r.lastLoss.toFixed(4)} | ${r.ok ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

/** Runs the parity check, prints and writes the report; returns the process exit code. */
export async function runParityCli(options: { steps: number }): Promise<number> {
  const torch = torchAvailable();
  if (!torch.ok) {
    console.error(`parity: ${torch.message}`);
    return 1;
  }
  const info = backendInfo();
  const { rows, torchVersion } = await runParity(options.steps);
  const md = `### Optimizer parity: myelin (${info.backend}) vs PyTorch ${torchVersion}\n\n` +
    `10-16-3 MLP (ReLU, softmax cross-entropy), batch 32, fixed batch order, same initial weights, ${options.steps} steps; ` +
    'hyper-parameters in benchmarks/parity/problem.ts (epsilon 1e-7 on both sides, outside the square root).\n\n' + parityTable(rows) + '\n';
  console.log(md);
  const out = path.join(repoRoot(), 'benchmarks', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'parity.json'), JSON.stringify({ date: new Date().toISOString(), backend: info.backend, torch: torchVersion, steps: options.steps, rows }, null, 2));
  fs.writeFileSync(path.join(out, 'parity.md'), md);
  console.log('wrote benchmarks/results/parity.json, .md');
  return rows.every((r) => r.ok) ? 0 : 1;
}
