/**
 * An embedding of categorical features on real data: the 1996 American National Election Study (anes96.tsv in the
 * shared data folder, from Debian's python3-statsmodels; 944 voters). Target: `vote` (1 = Dole, 0 = Clinton).
 * Features: the three categorical codes of the file, party identification PID (0-6), education educ (1-7) and
 * income (1-24), as ids of one shared vocabulary of 7 + 7 + 24 = 38 entries (each feature gets its own id range).
 *
 * Two models on the same stratified 80/20 split (seed 0): an embedding of 4 values per id (flattened: 12 features)
 * and a one-hot baseline (38 features); both then dense 16 ReLU -> 1 sigmoid, Adam, binary cross-entropy.
 * Run: `npx tsc && node dist/examples/embedding-anes96.js [path/to/anes96.tsv]`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../lib/index';

/** The categorical columns used and how many codes each has (its id range), with the code of its first id. */
export const ANES96_FEATURES = [
  { column: 'PID', codes: 7, first: 0 },
  { column: 'educ', codes: 7, first: 1 },
  { column: 'income', codes: 24, first: 1 },
] as const;

/** Size of the shared vocabulary of the three features. */
export const ANES96_VOCAB = ANES96_FEATURES.reduce((a, f) => a + f.codes, 0);

/** Where the data set lies unless a path is given: MYELIN_DATA_DIR, else /work/shared/data. */
export function anes96Path(): string {
  return path.join(process.env.MYELIN_DATA_DIR ?? '/work/shared/data', 'anes96.tsv');
}

/** Reads the file: ids [n, 3] (offset into the shared vocabulary) and vote [n, 1]. */
export function loadAnes96(file = anes96Path()): { ids: my.Tensor; vote: my.Tensor } {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split('\t').map((h) => h.trim().replace(/^'|'$/g, ''));
  const at = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new my.ValueError(`anes96: column ${name} not found in ${file}`);
    return i;
  };
  const cols = ANES96_FEATURES.map((f) => at(f.column));
  const voteCol = at('vote');
  const rows = lines.slice(1).map((l) => l.split('\t').map(Number));
  const ids = new Float32Array(rows.length * ANES96_FEATURES.length);
  let offset = 0;
  ANES96_FEATURES.forEach((f, j) => {
    rows.forEach((r, i) => {
      const code = r[cols[j]] - f.first;
      if (!Number.isInteger(code) || code < 0 || code >= f.codes) throw new my.ValueError(`anes96: row ${i + 1} has ${f.column} = ${r[cols[j]]}, expected an integer code in [${f.first}, ${f.first + f.codes - 1}]`);
      ids[i * ANES96_FEATURES.length + j] = offset + code;
    });
    offset += f.codes;
  });
  return { ids: my.tensor(ids, [rows.length, ANES96_FEATURES.length]), vote: my.tensor(Float32Array.from(rows, (r) => r[voteCol]), [rows.length, 1]) };
}

/** One-hot rows of the ids: [n, 3] -> [n, vocab] with three ones per row. */
export function oneHotIds(ids: my.Tensor): my.Tensor {
  const n = ids.shape[0];
  const v = ids.dataSync();
  const out = new Float32Array(n * ANES96_VOCAB);
  for (let i = 0; i < v.length; i++) out[Math.floor(i / ids.shape[1]) * ANES96_VOCAB + v[i]] = 1;
  return my.tensor(out, [n, ANES96_VOCAB]);
}

/** Test accuracies of the embedding model and of the one-hot baseline after `epochs` epochs (same split, seed). */
export async function runAnes96(options: { epochs?: number; learningRate?: number; seed?: number; file?: string } = {}): Promise<{ embedding: number; oneHot: number; majority: number; test: number }> {
  const { epochs = 60, learningRate = 3e-3, seed = 0 } = options;
  const { ids, vote } = loadAnes96(options.file);
  const { xTrain, xTest, yTrain, yTest } = my.data.trainTestSplit(ids, vote, { testSize: 0.2, seed, stratify: true });
  const head = () => [my.layers.dense({ units: 16, activation: 'relu' }), my.layers.dense({ units: 1, activation: 'sigmoid' })];
  const train = async (model: my.Sequential, x: my.Tensor, xt: my.Tensor) => {
    model.compile({ optimizer: my.optimizers.adam({ learningRate }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, yTrain, { epochs, batchSize: 32, verbose: 0, seed });
    return (model.evaluate(xt, yTest) as number[])[1];
  };
  my.setSeed(seed);
  const embedded = await train(my.sequential([
    my.layers.embedding({ inputDim: ANES96_VOCAB, outputDim: 4, inputLength: ANES96_FEATURES.length }),
    my.layers.flatten(),
    ...head(),
  ]), xTrain, xTest);
  my.setSeed(seed);
  const oneHot = await train(my.sequential(head()), oneHotIds(xTrain), oneHotIds(xTest));
  const share = yTest.dataSync().reduce((a, b) => a + b, 0) / yTest.shape[0];
  return { embedding: embedded, oneHot, majority: Math.max(share, 1 - share), test: xTest.shape[0] };
}

async function main(): Promise<void> {
  const start = Date.now();
  const r = await runAnes96({ file: process.argv[2] });
  console.log(`anes96 vote (${r.test} test voters): embedding test accuracy ${r.embedding.toFixed(4)}, one-hot baseline ${r.oneHot.toFixed(4)}, majority class ${r.majority.toFixed(4)} ` +
    `(${((Date.now() - start) / 1000).toFixed(1)} s on ${my.backendInfo().backend})`);
}

if (require.main === module) main().catch((err) => { console.error(err); process.exitCode = 1; });
