/**
 * `npm run bench [-- --quick] [-- --gpu | --gpu-only] [-- --parity] [-- --only=tiny,digits] [-- --reps=N]`
 *
 * Runs every workload on myelin and on every installed peer (PyTorch 1 and 2 threads, a NumPy MLP,
 * TensorFlow.js cpu and wasm, brain.js on tiny), alternating, repeated, and reports medians. Writes
 * benchmarks/results/latest.{json,md,svg} (latest-quick.* with --quick; only-NAME+NAME.* with --only) and, after a full run, the table
 * into the marked section of benchmarks/README.md (and README.md when it has the markers).
 * `--gpu` adds myelin's cuda backend and PyTorch CUDA (and the GPU-only 'wide' and 'wide-tf32' workloads); `--gpu-only` runs just
 * those two and writes benchmarks/results/latest-gpu.* instead.
 * `--rerender=<results.json>` rebuilds that run's tables, targets and chart from the runs its JSON keeps (after a
 * change of the report), without running anything.
 * `--parity` runs the optimizer parity check against PyTorch instead (benchmarks/parity/).
 * `--conventions` prints each optimizer's step ratio against Keras 3 and PyTorch instead (benchmarks/parity/conventions.ts).
 * `--pooling` times max and average pooling forward + backward against PyTorch CPU instead (benchmarks/core/pooling-speed.ts).
 * `--transformer` times one transformer encoder block's training against PyTorch CPU instead (benchmarks/core/transformer-block.ts).
 * `--recurrent` times LSTM and GRU text classifiers' training against PyTorch CPU (benchmarks/core/recurrent.ts).
 * `--engine` runs the training engine's service benchmark instead (event-loop delay and HTTP answers during fit,
 * predictAsync and evaluateAsync; benchmarks/engine/), `--reps` rounds (default 3).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkTargets, summarizeWorkload, type WorkloadSummary } from './report/aggregate';
import { describeMachine, machineLine } from './report/machine';
import { markdownReport } from './report/markdown';
import { svgChart } from './report/svg';
import { runAlternating, type RunOutcome } from './harness';
import { detectPeers, peerRuns, repoRoot } from './peers';
import { prepareWorkload } from './prepare';
import { runEngineCli } from './engine/cli';
import { runParityCli } from './parity/cli';
import { runConventionsCli } from './parity/conventions';
import { runPoolingSpeed } from './core/pooling-speed';
import { runTransformerBlock } from './core/transformer-block';
import { runRecurrentBench } from './core/recurrent';
import { workloads } from './workloads';

interface Args {
  quick: boolean;
  gpu: boolean;
  gpuOnly: boolean;
  parity: boolean;
  conventions: boolean;
  engine: boolean;
  pooling: boolean;
  transformer: boolean;
  recurrent: boolean;
  rerender: string | null;
  only: string[] | null;
  reps: number | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, gpu: false, gpuOnly: false, parity: false, conventions: false, engine: false, pooling: false, transformer: false, recurrent: false, rerender: null, only: null, reps: null };
  for (const arg of argv) {
    if (arg === '--quick') a.quick = true;
    else if (arg === '--gpu') a.gpu = true;
    else if (arg === '--gpu-only') a.gpu = a.gpuOnly = true;
    else if (arg === '--parity') a.parity = true;
    else if (arg === '--conventions') a.conventions = true;
    else if (arg === '--engine') a.engine = true;
    else if (arg === '--pooling') a.pooling = true;
    else if (arg === '--transformer') a.transformer = true;
    else if (arg === '--recurrent') a.recurrent = true;
    else if (arg.startsWith('--rerender=')) a.rerender = arg.slice(11);
    else if (arg.startsWith('--only=')) a.only = arg.slice(7).split(',').filter(Boolean);
    else if (arg.startsWith('--reps=')) a.reps = Math.max(1, Number(arg.slice(7)));
    else if (arg === '--help' || arg === '-h') {
      console.log('npm run bench -- [--quick] [--gpu | --gpu-only] [--parity | --conventions | --engine | --pooling | --transformer | --recurrent] [--rerender=results.json] [--only=tiny,mnist-mlp,digits,wide] [--reps=N]');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  return a;
}

/**
 * Replaces the text between the markers `<!-- <name>:start -->` and `<!-- <name>:end -->` of `file` (when it
 * has them): 'bench' for the CPU table, 'bench-gpu' for the GPU one.
 */
function updateMarkedSection(file: string, content: string, name = 'bench'): boolean {
  if (!fs.existsSync(file)) return false;
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = fs.readFileSync(file, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return false;
  fs.writeFileSync(file, `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`);
  return true;
}

/** Rebuilds a stored run's summaries, targets, Markdown and chart from the runs in its JSON (see --rerender). */
function rerender(file: string): void {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    command: string; machine: Parameters<typeof markdownReport>[0]['machine']; repetitions: number;
    summaries: WorkloadSummary[]; skipped: { label: string; reason: string }[]; runs: RunOutcome[];
  };
  const summaries = stored.summaries.map((old) => summarizeWorkload(
    { name: old.workload, description: old.description, kind: old.kind },
    old.peers.map((p) => ({ id: p.peer, label: p.label, group: p.group, gpu: p.peer.endsWith('-cuda') })),
    stored.runs.filter((r) => r.workload === old.workload),
  ));
  const targets = checkTargets(summaries);
  const title = stored.command.includes('--quick') ? 'myelin vs peers (quick run: smaller data, fewer epochs)' : 'myelin vs peers';
  const md = markdownReport({ title, command: stored.command, machine: stored.machine, repetitions: stored.repetitions, summaries, targets, skipped: stored.skipped });
  const base = file.replace(/\.json$/, '');
  fs.writeFileSync(file, JSON.stringify({ ...stored, summaries, targets }, null, 2));
  fs.writeFileSync(`${base}.md`, md);
  fs.writeFileSync(`${base}.svg`, svgChart(summaries, title));
  console.log(`${md}\nrewrote ${base}.json, .md, .svg`);
  // The README tables show the committed latest runs: a rerender of one of those republishes it.
  const name = path.basename(base);
  const root = repoRoot();
  if ((name === 'latest' || name === 'latest-gpu') && path.resolve(path.dirname(file)) === path.join(root, 'benchmarks', 'results')) {
    publishTables(root, name, md);
  }
}

/** Writes a report into the marked sections of benchmarks/README.md and README.md (bench for latest, bench-gpu for
 * latest-gpu), with its chart. */
function publishTables(root: string, name: string, md: string): void {
  const marker = name === 'latest-gpu' ? 'bench-gpu' : 'bench';
  // Each README links the chart relative to its own folder.
  for (const [readme, charts] of [['benchmarks/README.md', 'results'], ['README.md', 'benchmarks/results']]) {
    if (updateMarkedSection(path.join(root, readme), `${md}\n![benchmark chart](${charts}/${name}.svg)`, marker)) console.log(`updated the table in ${readme}`);
  }
}

/** How this run was started, for the reports: `npm run bench -- <flags>`. */
function commandLine(): string {
  const flags = process.argv.slice(2);
  return `npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.rerender) {
    rerender(args.rerender);
    return;
  }
  if (args.conventions) {
    process.exitCode = runConventionsCli();
    return;
  }
  if (args.parity) {
    process.exitCode = await runParityCli({ steps: args.quick ? 20 : 100 });
    return;
  }
  if (args.pooling) {
    runPoolingSpeed(args.reps ?? 3);
    return;
  }
  if (args.transformer) {
    await runTransformerBlock(args.reps ?? 3);
    return;
  }
  if (args.recurrent) {
    await runRecurrentBench(args.reps ?? 3);
    return;
  }
  if (args.engine) {
    process.exitCode = await runEngineCli({ reps: args.reps ?? 3, command: commandLine() });
    return;
  }
  const root = repoRoot();
  const reps = args.reps ?? (args.quick ? 3 : 5);
  const detected = detectPeers({ gpu: args.gpu });
  const peers = args.gpuOnly ? detected.peers.filter((p) => p.gpu) : detected.peers;
  const skipped = args.gpuOnly ? [] : detected.skipped;
  for (const s of skipped) console.log(`skipping ${s.label}: ${s.reason}`);
  const machine = describeMachine();
  console.log(`machine: ${machineLine(machine)}`);
  const specs = workloads({ quick: args.quick, gpu: args.gpu }).filter((w) => !args.only || args.only.includes(w.name));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-bench-'));
  const summaries: WorkloadSummary[] = [];
  const allRuns: RunOutcome[] = [];
  try {
    for (const base of specs) {
      const spec = prepareWorkload(base, work);
      const specPath = path.join(spec.dataDir as string, 'spec.json');
      const runners = peers.filter((p) => peerRuns(p, spec));
      if (spec.gpuOnly && runners.length === 0) {
        console.log(`${spec.name}: no GPU framework available, skipped`);
        continue;
      }
      console.log(`\n${spec.name}: ${spec.description}; ${runners.length} frameworks x ${reps} runs`);
      const timeout = spec.timeLimitSeconds * 2 + 120;
      const outcomes = await runAlternating(runners, spec.name, specPath, reps, timeout, (o) => {
        const r = o.result;
        console.log(r
          ? `  [${o.repetition + 1}/${reps}] ${o.peer.padEnd(12)} ${(r.samplesSeen / r.trainSeconds).toFixed(0).padStart(9)} samples/s ${((r.trainSeconds / r.steps) * 1e6).toFixed(1).padStart(9)} us/step  ${r.trainSeconds.toFixed(3)} s  rss ${r.peakRssMiB.toFixed(0)} MiB  loss ${r.finalLoss === null ? '-' : r.finalLoss.toPrecision(5)}${r.testAccuracy !== undefined && r.testAccuracy !== null ? `  acc ${r.testAccuracy.toFixed(4)} (${r.epochs} epochs)` : ''}${r.partial ? '  (partial)' : ''}`
          : `  [${o.repetition + 1}/${reps}] ${o.peer.padEnd(12)} FAILED: ${o.error}`);
      });
      allRuns.push(...outcomes);
      summaries.push(summarizeWorkload(spec, runners, outcomes));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const targets = checkTargets(summaries);
  const command = commandLine();
  const title = `myelin vs peers${args.quick ? ' (quick run: smaller data, fewer epochs)' : ''}`;
  const md = markdownReport({ title, command, machine, repetitions: reps, summaries, targets, skipped });
  const outDir = path.join(root, 'benchmarks', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  // A run of some workloads (--only) gets files of its own, so that it never replaces the full run's tables.
  const base = args.only ? `only-${args.only.join('+')}` : 'latest';
  const name = `${base}${args.gpuOnly ? '-gpu' : ''}${args.quick ? '-quick' : ''}`;
  fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify({ command, machine, repetitions: reps, summaries, targets, skipped, runs: allRuns }, null, 2));
  fs.writeFileSync(path.join(outDir, `${name}.md`), md);
  fs.writeFileSync(path.join(outDir, `${name}.svg`), svgChart(summaries, title));
  console.log(`\n${md}`);
  console.log(`wrote benchmarks/results/${name}.json, .md, .svg`);
  if (!args.quick && !args.only) publishTables(root, name, md);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
