/**
 * A time-boxed fuzz run of the two readers of untrusted files: `loadModel` (model.json + weights.safetensors) and
 * `readCsv`. Each case mutates a valid input (byte flips, truncations, splices, hostile JSON values at random
 * places, hostile safetensors headers, CSV fields that are not plain decimals) and must end, within a second, in
 * a model that predicts or a table, or in a typed error (a `MyelinError`): never an untyped exception, a crash
 * or a hang. Seeded: a failure names the seed and case, and its input is kept in the temp folder it names.
 *
 * `MYELIN_FUZZ_SECONDS` (default 3) sets the length; CI runs 60 s under ASan + UBSan (scripts/ci-sanitizers.sh).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as my from '../../lib/index';
import { MyelinError } from '../../lib/errors';
import { Fuzzer } from './fuzzer';

const SECONDS = Number(process.env.MYELIN_FUZZ_SECONDS ?? 3);
const SEED = Number(process.env.MYELIN_FUZZ_SEED ?? Date.now() % 1e9);
/** Longest a single case may take (a hang or a huge allocation shows as a slow case). */
const CASE_LIMIT_MS = 1000;

let root: string;
/** The files of a valid saved model (model.json, weights and optimizer state), by name. */
let goodFiles: Map<string, Buffer>;
let goodCsv: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-fuzz-'));
  my.setSeed(3);
  const m = my.sequential([
    my.layers.dense({ units: 5, activation: 'relu', inputShape: [3] }),
    my.layers.dropout({ rate: 0.1 }),
    my.layers.dense({ units: 2, activation: 'softmax', kernelRegularizer: my.regularizers.l2({ l2: 0.01 }) }),
  ]);
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await m.fit(my.randomNormal([8, 3]), my.tensor([0, 1, 0, 1, 1, 0, 0, 1], [8]), { epochs: 1, verbose: 0 });
  const good = path.join(root, 'good');
  await m.save(good);
  goodFiles = new Map(fs.readdirSync(good).map((f) => [f, fs.readFileSync(path.join(good, f))]));
  goodCsv = 'a,b,c,label\n1.5,2,-3e2,0\n0.25,.5,7,1\n-1,0,1e-3,1\n';
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Runs `body` and classifies the outcome; throws (failing the test) on an untyped error or a slow case. */
async function check(what: string, body: () => unknown): Promise<'ok' | 'typed'> {
  const t0 = performance.now();
  let outcome: 'ok' | 'typed';
  try {
    await body();
    outcome = 'ok';
  } catch (err) {
    if (!(err instanceof MyelinError)) {
      throw new Error(`${what}: untyped ${(err as Error)?.constructor?.name}: ${(err as Error)?.message ?? err} (seed ${SEED})`, { cause: err });
    }
    outcome = 'typed';
  }
  const ms = performance.now() - t0;
  if (ms > CASE_LIMIT_MS) throw new Error(`${what}: took ${ms.toFixed(0)} ms (seed ${SEED})`);
  return outcome;
}

test(`loadModel and readCsv survive ${SECONDS} s of mutated files (typed errors only)`, async () => {
  const fuzz = new Fuzzer(SEED);
  const deadline = Date.now() + SECONDS * 1000;
  const tally = { model: { ok: 0, typed: 0 }, csv: { ok: 0, typed: 0 } };
  const dir = path.join(root, 'case');
  const csvFile = path.join(root, 'case.csv');
  const x = my.tensor([0.1, -0.2, 0.3], [1, 3]);
  let n = 0;
  while (Date.now() < deadline) {
    n++;
    if (n % 2 === 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      for (const [name, content] of fuzz.modelFolder(goodFiles)) fs.writeFileSync(path.join(dir, name), content);
      const outcome = await check(`case ${n} (model folder ${dir})`, async () => {
        const model = await my.loadModel(dir);
        try {
          model.predict(x).dispose();
        } finally {
          model.dispose();
        }
      });
      tally.model[outcome]++;
    } else {
      const text = fuzz.csv(goodCsv);
      const gz = fuzz.chance(0.1);
      fs.writeFileSync(csvFile, gz ? zlib.gzipSync(text) : text);
      const outcome = await check(`case ${n} (csv ${csvFile}${gz ? ', gzip' : ''})`, () => my.data.readCsv(csvFile, { header: fuzz.chance(0.5) }));
      tally.csv[outcome]++;
    }
  }
  x.dispose();
  if (process.env.MYELIN_FUZZ_REPORT) console.log(JSON.stringify({ seed: SEED, cases: n, ...tally }));
  // Both readers saw valid and invalid inputs: the mutations are neither all harmless nor all fatal.
  expect(tally.model.ok + tally.model.typed).toBeGreaterThan(10);
  expect(tally.model.typed).toBeGreaterThan(0);
  expect(tally.model.ok).toBeGreaterThan(0);
  expect(tally.csv.typed).toBeGreaterThan(0);
  expect(tally.csv.ok).toBeGreaterThan(0);
}, (SECONDS + 60) * 1000);
