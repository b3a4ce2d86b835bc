/**
 * The data targets of issue 17, one line each:
 *
 * - CSV parsing: MB/s of the block parsers alone on a generated 1,000,000 x 32 CSV (~280 MB), the TypeScript one on
 *   the JavaScript thread against the native one (on a worker thread; MB per CPU second of the whole process), in
 *   turn; then of `fromCsv` row by row and as batches (`fromCsv(...).batch(b)`, the pipeline of a fit).
 * - Streaming fit: one epoch of `fit(fromCsv(...).batch(b).prefetch(4))` on that file, peak RSS (target < 400 MB
 *   under `node --max-old-space-size=256`) and samples/s against the same fit from arrays in memory (target >= 0.7x).
 *   Stream and array fits alternate `--repeat` times (default 3); the lines give medians and the ratio of the medians,
 *   as the load of a shared machine changes between runs.
 * - prefetch: an epoch whose batches come from a generator that sleeps 2 ms per batch, with prefetch(2), against
 *   the same epoch from arrays; the step takes >= 2 ms (target: < 10% added).
 *
 * Run: `npm run build:ts && npm run bench:data` (that is `node --max-old-space-size=256
 * dist/benchmarks/data-streaming.js [--rows=1000000] [--file=/tmp/myelin-stream-1m.csv] [--repeat=3] [--keep]
 * [--hidden=64,256] [--parts=parse,fit,prefetch] [--prefetch-hidden=256]`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as my from '../lib/index';
import { blockParser } from '../lib/data/csv-block-parser';
import { lineBlocks } from '../lib/data/csv-lines';
import { asyncBlockParser } from '../lib/data/csv-native-parser';
import type { Tensor } from '../lib/tensor/tensor';

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const ROWS = Number(arg('rows', '1000000'));
const COLS = 32;
const FILE = arg('file', `/tmp/myelin-stream-${ROWS}.csv`);
const BATCH = Number(arg('batch', '256'));
const HIDDEN = arg('hidden', '64,256').split(',').map(Number);
const REPEAT = Number(arg('repeat', '3'));
const PARTS = arg('parts', 'parse,fit,prefetch').split(',');
/** Hidden units of the prefetch line's MLP: choose them so that a step takes a few ms on the machine. */
const PREFETCH_HIDDEN = Number(arg('prefetch-hidden', '256'));
const median = (v: number[]): number => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
const list = (v: number[]): string => v.map((t) => t.toFixed(2)).join('/');

/** Writes ROWS rows of 32 features in [-1, 1) with 5 decimals and a linear target plus noise (seeded). */
function generate(): void {
  if (fs.existsSync(FILE)) return;
  let s = 42;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const w = Array.from({ length: COLS }, () => rand() * 2 - 1);
  const fd = fs.openSync(`${FILE}.tmp`, 'w');
  fs.writeSync(fd, `${Array.from({ length: COLS }, (_, i) => `f${i}`).join(',')},target\n`);
  let chunk: string[] = [];
  for (let r = 0; r < ROWS; r++) {
    let t = 0;
    const f: string[] = new Array(COLS + 1);
    for (let c = 0; c < COLS; c++) { const v = rand() * 2 - 1; t += w[c] * v; f[c] = v.toFixed(5); }
    f[COLS] = (t + (rand() - 0.5) * 0.1).toFixed(5);
    chunk.push(f.join(','));
    if (chunk.length === 10000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(`${FILE}.tmp`, FILE);
}

/** Peak RSS (MB) sampled every 50 ms while `fn` runs. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

function model(hidden: number): my.Sequential {
  my.setSeed(0);
  const m = my.sequential([
    my.layers.dense({ units: hidden, activation: 'relu', inputShape: [COLS] }),
    my.layers.dense({ units: hidden, activation: 'relu' }),
    my.layers.dense({ units: 1 }),
  ]);
  m.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  return m;
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSeconds = (c0: NodeJS.CpuUsage) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1e6; };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** MB/s of the block parsers alone (file reading included), TypeScript and native in turn. */
async function parserLines(mb: number): Promise<void> {
  const schema = await my.data.fromCsv(FILE, { target: 'target' }).schema();
  const xs = new Float32Array((1 << 20) * COLS);
  const ys = new Float32Array(1 << 20);
  const parsers = { typescript: blockParser(schema, FILE), native: asyncBlockParser(schema, FILE) };
  const runs: Record<keyof typeof parsers, { wall: number[]; cpu: number[] }> = { typescript: { wall: [], cpu: [] }, native: { wall: [], cpu: [] } };
  for (let rep = 0; rep < REPEAT; rep++) {
    for (const kind of ['typescript', 'native'] as const) {
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      for await (const block of lineBlocks(FILE)) await parsers[kind](block, xs, ys);
      runs[kind].wall.push(seconds(t0));
      runs[kind].cpu.push(cpuSeconds(c0));
    }
  }
  const [tsWall, tsCpu, nWall, nCpu] = [median(runs.typescript.wall), median(runs.typescript.cpu), median(runs.native.wall), median(runs.native.cpu)];
  console.log(`csv block parser alone (reading included): TypeScript ${(mb / tsWall).toFixed(0)} MB/s wall, ${(mb / tsCpu).toFixed(0)} MB per CPU second; ` +
    `native ${(mb / nWall).toFixed(0)} MB/s wall, ${(mb / nCpu).toFixed(0)} MB per CPU second; native/TypeScript ${(tsWall / nWall).toFixed(2)}x wall, ${(tsCpu / nCpu).toFixed(2)}x CPU ` +
    `(medians of ${REPEAT}, alternating; wall s TypeScript ${list(runs.typescript.wall)}, native ${list(runs.native.wall)})`);
}

/** MB/s of fromCsv row by row and in batches. */
async function fromCsvLines(mb: number): Promise<void> {
  for await (const _ of my.data.fromCsv(FILE, { target: 'target' }).take(200000)) { /* warm-up */ }
  const parses: Record<'rows' | 'batches', { wall: number[]; cpu: number[] }> = { rows: { wall: [], cpu: [] }, batches: { wall: [], cpu: [] } };
  let rows = 0;
  for (let rep = 0; rep < REPEAT; rep++) {
    for (const kind of ['rows', 'batches'] as const) {
      const tp = process.hrtime.bigint();
      const cp = process.cpuUsage();
      rows = 0;
      if (kind === 'rows') for await (const _ of my.data.fromCsv(FILE, { target: 'target' })) rows++;
      else {
        for await (const b of my.data.fromCsv(FILE, { target: 'target' }).batch(BATCH) as AsyncIterable<{ xs: Tensor; ys: Tensor }>) {
          rows += b.xs.shape[0];
          b.xs.dispose();
          b.ys.dispose();
        }
      }
      parses[kind].wall.push(seconds(tp));
      parses[kind].cpu.push(cpuSeconds(cp));
    }
  }
  for (const kind of ['rows', 'batches'] as const) {
    const [wall, cpu] = [median(parses[kind].wall), median(parses[kind].cpu)];
    console.log(`csv parse (${kind === 'rows' ? 'fromCsv rows' : `fromCsv(...).batch(${BATCH})`}): ${rows} rows in ${wall.toFixed(2)} s = ${(mb / wall).toFixed(0)} MB/s wall, ` +
      `${(mb / cpu).toFixed(0)} MB per CPU second (target >= 100 MB/s on one core; medians of ${REPEAT}, wall s ${list(parses[kind].wall)})`);
  }
}

/** Streaming fits (the first before any array is in memory, so that RSS is theirs alone), then array and stream fits in turn. */
async function fitLines(): Promise<void> {
  const streamFit = async (hidden: number) => {
    const ms = model(hidden);
    const ts = process.hrtime.bigint();
    const cs = process.cpuUsage();
    const run = await peakRss(() => ms.fit(my.data.fromCsv(FILE, { target: 'target' }).batch(BATCH).prefetch(4), { epochs: 1, verbose: 0 }));
    ms.dispose();
    return { sec: seconds(ts), cpu: cpuSeconds(cs), peakMb: run.peakMb, loss: run.value.history.loss[0], strategy: String(run.value.params.strategy) };
  };
  const streams: { sec: number[]; cpu: number; peakMb: number; loss: number; strategy: string }[] = [];
  for (const hidden of HIDDEN) {
    const first = await streamFit(hidden);
    streams.push({ ...first, sec: [first.sec] });
  }
  const x = new Float32Array(ROWS * COLS);
  const y = new Float32Array(ROWS);
  let r = 0;
  for await (const row of my.data.fromCsv(FILE, { target: 'target' })) { x.set(row.xs, r * COLS); y[r++] = row.ys as number; }
  for (let k = 0; k < HIDDEN.length; k++) {
    const hidden = HIDDEN[k];
    const st = streams[k];
    const arraySecs: number[] = [];
    let arrayCpu = 0;
    let arrayLoss = 0;
    let arrayStrategy = '';
    for (let rep = 0; rep < REPEAT; rep++) {
      const xt = my.tensor(x, [ROWS, COLS]);
      const yt = my.tensor(y, [ROWS, 1]);
      const ma = model(hidden);
      const ta = process.hrtime.bigint();
      const ca = process.cpuUsage();
      const h = await ma.fit(xt, yt, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
      arraySecs.push(seconds(ta));
      arrayCpu = cpuSeconds(ca);
      [arrayLoss, arrayStrategy] = [h.history.loss[0], String(h.params.strategy)];
      ma.dispose();
      xt.dispose();
      yt.dispose();
      if (rep > 0) st.sec.push((await streamFit(hidden)).sec);  // the first stream fit ran before the arrays
    }
    const streamRate = ROWS / median(st.sec);
    const arrayRate = ROWS / median(arraySecs);
    console.log(`streaming fit, MLP ${COLS}-${hidden}-${hidden}-1, batch ${BATCH}, 1 epoch: ${median(st.sec).toFixed(2)} s = ${(streamRate / 1e3).toFixed(1)} k samples/s, peak RSS ${st.peakMb.toFixed(0)} MB (target < 400 MB); ` +
      `from arrays: ${median(arraySecs).toFixed(2)} s = ${(arrayRate / 1e3).toFixed(1)} k samples/s; ratio ${(streamRate / arrayRate).toFixed(2)}x (target >= 0.7x); ` +
      `medians of ${REPEAT}, s stream ${list(st.sec)}, arrays ${list(arraySecs)}; CPU seconds ${st.cpu.toFixed(2)} / ${arrayCpu.toFixed(2)}; ` +
      `losses ${st.loss.toFixed(4)} / ${arrayLoss.toFixed(4)} [${st.strategy} vs ${arrayStrategy}]; load average ${os.loadavg()[0].toFixed(2)}`);
  }
}

/** prefetch: a generator sleeping 2 ms per batch, against the same batches without waits. */
async function prefetchLine(): Promise<void> {
  const pb = 512;
  const steps = 100;
  const mp = model(PREFETCH_HIDDEN);
  my.setSeed(1);
  const draw = (shape: number[]) => { const t = my.randomNormal(shape); const v = Float32Array.from(t.dataSync()); t.dispose(); return v; };
  const batches = Array.from({ length: steps }, () => [draw([pb, COLS]), draw([pb, 1])] as const);
  const batch = (i: number) => ({ xs: my.tensor(batches[i][0], [pb, COLS]), ys: my.tensor(batches[i][1], [pb, 1]) });
  const slowSource = () => my.data.fromGenerator(async function* () { for (let i = 0; i < steps; i++) { await sleep(2); yield batch(i); } });
  const fastSource = () => my.data.fromGenerator(function* () { for (let i = 0; i < steps; i++) yield batch(i); });
  await mp.fit(fastSource().take(5), { verbose: 0 });  // warm up: the step program of this batch size
  const time = async (ds: my.data.Dataset) => { const t0 = process.hrtime.bigint(); await mp.fit(ds, { verbose: 0 }); return seconds(t0); };
  const runs: Record<'base' | 'plain' | 'pre', number[]> = { base: [], plain: [], pre: [] };
  for (let rep = 0; rep < Math.max(3, REPEAT); rep++) {  // interleaved, medians: the machine's load changes between runs
    runs.base.push(await time(fastSource()));
    runs.plain.push(await time(slowSource()));
    runs.pre.push(await time(slowSource().prefetch(2)));
  }
  const [base, plain, pre] = [median(runs.base), median(runs.plain), median(runs.pre)];
  console.log(`prefetch: ${steps} steps of batch ${pb}, MLP ${COLS}-${PREFETCH_HIDDEN}-${PREFETCH_HIDDEN}-1: step ${(base / steps * 1e3).toFixed(2)} ms; a generator sleeping 2 ms per batch adds ${((plain / base - 1) * 100).toFixed(1)}% without prefetch, ` +
    `${((pre / base - 1) * 100).toFixed(1)}% with prefetch(2) (target < 10%; medians of ${runs.base.length}; runs s: base ${list(runs.base)}, plain ${list(runs.plain)}, prefetch ${list(runs.pre)}; ` +
    `load average ${os.loadavg()[0].toFixed(2)})`);
  mp.dispose();
}

async function main(): Promise<void> {
  const info = my.backendInfo();
  console.log(`backend ${info.backend}; node ${process.version}; max-old-space-size ${process.execArgv.join(' ') || '(default)'}; load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  if (PARTS.includes('parse') || PARTS.includes('fit')) {
    const tg = process.hrtime.bigint();
    generate();
    const mb = fs.statSync(FILE).size / 1e6;
    console.log(`file ${FILE}: ${ROWS} rows x ${COLS} features + target, ${mb.toFixed(1)} MB (ready in ${seconds(tg).toFixed(1)} s)`);
    if (PARTS.includes('parse')) {
      await parserLines(mb);
      await fromCsvLines(mb);
    }
    if (PARTS.includes('fit')) await fitLines();
    if (!process.argv.includes('--keep')) fs.rmSync(FILE, { force: true });
  }
  if (PARTS.includes('prefetch')) await prefetchLine();
}

main().catch((err) => { console.error(err); process.exit(1); });
