/**
 * Fuzz of `my.io.importKeras` over mutated copies of files Keras wrote (seeded, so a failure names its case):
 * byte damage to the whole archive (zip layer), hostile values planted in config.json (re-zipped, so the
 * architecture reader sees them), and byte damage to model.weights.h5 (re-zipped with a correct CRC, so HDF5
 * itself reads the damaged file). Every case must end in a model or a ModelFormatError, never another
 * exception; and after the damaged HDF5 files, h5wasm still reads a good one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as my from '../../../lib/index';
import { Fuzzer } from '../../fuzz/fuzzer';
import { KERAS_FIXTURES, fixtureConfig, fixtureEntries, rebuiltKeras } from './keras-helpers';

const SEED = Number(process.env.MYELIN_FUZZ_SEED ?? 20261206);

/** JSON text of `doc`; a document too deep to write (the fuzzer plants deep arrays) becomes deep text itself. */
function text(doc: unknown): string {
  try {
    return JSON.stringify(doc) ?? '';
  } catch {
    return '['.repeat(200000);
  }
}

/** Imports `bytes`; a model is disposed, a ModelFormatError counted, anything else fails the test with the case. */
async function outcome(bytes: Uint8Array, what: string): Promise<'model' | 'refused'> {
  try {
    const model = await my.io.importKeras(bytes);
    model.dispose();
    return 'model';
  } catch (err) {
    if (err instanceof my.ModelFormatError) return 'refused';
    throw new Error(`${what} (seed ${SEED}): ${(err as Error)?.constructor?.name}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

test('byte damage to the archive', async () => {
  const fuzz = new Fuzzer(SEED);
  const files = ['mlp.keras', 'mlp_deflate.keras', 'branches.keras'].map((f) => fs.readFileSync(path.join(KERAS_FIXTURES, f)));
  const seen = { model: 0, refused: 0 };
  for (let i = 0; i < 90; i++) seen[await outcome(new Uint8Array(fuzz.bytes(fuzz.pick(files))), `archive case ${i}`)]++;
  expect(seen.refused).toBeGreaterThan(60);
});

test('hostile values in config.json', async () => {
  const fuzz = new Fuzzer(SEED + 1);
  const seen = { model: 0, refused: 0 };
  for (let i = 0; i < 90; i++) {
    const name = fuzz.pick(['mlp', 'cnn2d', 'branches', 'attention']);
    const doc = fuzz.json(fixtureConfig(name));
    seen[await outcome(rebuiltKeras(name, { 'config.json': text(doc) }), `config case ${i} (${name})`)]++;
  }
  expect(seen.refused).toBeGreaterThan(30);
});

test('byte damage inside model.weights.h5, read by HDF5', async () => {
  const fuzz = new Fuzzer(SEED + 2);
  const h5 = Buffer.from(fixtureEntries('mlp').get('model.weights.h5')!);
  const seen = { model: 0, refused: 0 };
  for (let i = 0; i < 60; i++) seen[await outcome(rebuiltKeras('mlp', { 'model.weights.h5': new Uint8Array(fuzz.bytes(h5)) }), `hdf5 case ${i}`)]++;
  expect(seen.refused).toBeGreaterThan(10);
  // HDF5 (WebAssembly) is still usable after the damaged files.
  const model = await my.io.importKeras(path.join(KERAS_FIXTURES, 'mlp.keras'));
  expect(model.weights.length).toBe(10);
  model.dispose();
});
