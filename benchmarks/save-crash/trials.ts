/**
 * Kill-while-saving trials: a child process replaces a model folder over and over (alternating two saved
 * models, A and B, with the same `writeFolderAtomic` that `model.save` uses, on the exact bytes `model.save`
 * wrote), the parent kills it with SIGKILL at a random instant, then `loadModel` must succeed on the folder
 * and give A's or B's weights bit for bit. The next save must clean every leftover sibling folder.
 * Used by test/io/save-crash.test.ts (a short run) and benchmarks/save-crash-trials.ts (the long one).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { writeFolderAtomic } from '../../lib/io/atomic-folder';
import { FILES } from '../../lib/io/model-json';

/** Options of {@link runSaveCrashTrials}. */
export interface CrashTrialOptions {
  trials: number;
  /** A CommonJS file exporting `writeFolderAtomic` (compiled lib/io/atomic-folder). */
  atomicFolderModule: string;
  /** The kill comes uniformly in [0, maxDelayMs] ms after the child's first save began. Default 60. */
  maxDelayMs?: number;
  /** Called after each trial (progress). */
  onTrial?: (i: number, outcome: string) => void;
}

/** Outcome of a run of trials. */
export interface CrashTrialResult {
  trials: number;
  /** Trials where the folder loaded as model A or model B. */
  loadable: number;
  /** Loaded as the version being replaced (A) or the new one (B, or a later alternation). */
  loadedA: number;
  loadedB: number;
  /** Descriptions of the failed trials. */
  failures: string[];
  /** Trials after which a sibling `.name.myelin-*` folder was left (cleaned by the next save). */
  leftovers: number;
  wallMs: number;
}

const keep = (name: string): boolean => (Object.values(FILES) as string[]).includes(name);

function savedModel(seed: number, dir: string): number[][] {
  my.setSeed(seed);
  const m = my.sequential([my.layers.dense({ units: 256, activation: 'relu', inputShape: [128] }), my.layers.dense({ units: 64 })]);
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  m.save(dir);
  const w = m.getWeights().map((t) => Array.from(t.dataSync()));
  m.dispose();
  return w;
}

const CHILD = `
const fs = require('fs');
const path = require('path');
const { writeFolderAtomic } = require(process.argv[2]);
const [dir, aDir, bDir] = process.argv.slice(3);
const read = (d) => ${JSON.stringify(Object.values(FILES))}.filter((n) => fs.existsSync(path.join(d, n))).map((n) => ({ name: n, bytes: fs.readFileSync(path.join(d, n)) }));
const versions = [read(bDir), read(aDir)];
const keep = (n) => ${JSON.stringify(Object.values(FILES))}.includes(n);
process.stdout.write('ready\\n');
for (let i = 0; ; i++) writeFolderAtomic(dir, versions[i % 2], keep);
`;

function killDuringSaves(script: string, args: string[], delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited with ${code}: ${err}`))));
  });
}

const same = (a: number[][], b: number[][]): boolean => a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => Object.is(v, b[i][j])));

/** Runs the trials in a fresh temporary folder (removed afterwards). */
export async function runSaveCrashTrials(options: CrashTrialOptions): Promise<CrashTrialResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-crash-'));
  const t0 = Date.now();
  try {
    const aDir = path.join(root, 'a');
    const bDir = path.join(root, 'b');
    const wa = savedModel(1, aDir);
    const wb = savedModel(2, bDir);
    const script = path.join(root, 'child.js');
    fs.writeFileSync(script, CHILD);
    const dir = path.join(root, 'model');
    const files = (d: string) => fs.readdirSync(d).map((n) => ({ name: n, bytes: fs.readFileSync(path.join(d, n)) }));
    const aFiles = files(aDir);
    const res: CrashTrialResult = { trials: options.trials, loadable: 0, loadedA: 0, loadedB: 0, failures: [], leftovers: 0, wallMs: 0 };
    for (let i = 0; i < options.trials; i++) {
      writeFolderAtomic(dir, aFiles, keep);
      const delay = Math.random() * (options.maxDelayMs ?? 60);
      await killDuringSaves(script, [options.atomicFolderModule, dir, aDir, bDir], delay);
      let outcome: string;
      try {
        const m = my.loadModel(dir);
        const w = m.getWeights().map((t) => Array.from(t.dataSync()));
        m.dispose();
        if (same(w, wa)) { res.loadedA++; res.loadable++; outcome = 'A'; } else if (same(w, wb)) { res.loadedB++; res.loadable++; outcome = 'B'; } else { outcome = 'weights of neither model'; res.failures.push(`trial ${i} (kill at ${delay.toFixed(1)} ms): ${outcome}`); }
      } catch (err) {
        outcome = `${(err as Error).name}: ${(err as Error).message}`;
        res.failures.push(`trial ${i} (kill at ${delay.toFixed(1)} ms): ${outcome}`);
      }
      if (fs.readdirSync(root).some((n) => n.startsWith('.model.myelin-'))) res.leftovers++;
      options.onTrial?.(i, outcome);
    }
    writeFolderAtomic(dir, aFiles, keep);
    if (fs.readdirSync(root).some((n) => n.startsWith('.model.myelin-'))) res.failures.push('a save after the trials left a sibling folder');
    res.wallMs = Date.now() - t0;
    return res;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
