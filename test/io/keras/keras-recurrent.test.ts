/**
 * `my.io.importKeras` on the recurrent layers, from `.keras` files written by Keras 3.15 (make_fixtures.py):
 * SimpleRNN, LSTM, GRU, Bidirectional (every merge mode), Masking and Embedding(mask_zero) masks predict what
 * Keras predicted to 1e-5 (the largest difference of each model is printed); recurrent weights of the wrong
 * shape and options myelin does not compute are ModelFormatErrors naming the layer.
 */
import * as path from 'path';
import * as my from '../../../lib/index';
import { KERAS_FIXTURES, difference, fixtureConfig, fixtureEntries, kerasExpected, rebuiltKeras, rewriteH5 } from './keras-helpers';

const TOLERANCE = 1e-5;
const expected = kerasExpected();
const worst: Record<string, number> = {};
afterAll(() => {
  // The figures of the report: the largest |myelin - Keras| / (1 + |Keras|) of each model.
  console.log(`largest difference to Keras: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
});

async function failure(from: Uint8Array): Promise<string> {
  const err = await my.io.importKeras(from).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(my.ModelFormatError);
  return (err as Error).message;
}

/** Fixture `name` with `edit` applied to the config of its layer `layer` (and that layer's entry). */
function withLayer(name: string, layer: string, edit: (cfg: Record<string, any>, entry: Record<string, any>) => void): Uint8Array {
  const doc = fixtureConfig(name);
  const entry = doc.config.layers.find((l: { config: { name: string } }) => l.config.name === layer);
  edit(entry.config, entry);
  return rebuiltKeras(name, { 'config.json': doc });
}

/** Fixture `name` with one dataset of its weights replaced by zeros of `shape`. */
async function withWeight(name: string, at: string, shape: number[]): Promise<Uint8Array> {
  const h5 = fixtureEntries(name).get('model.weights.h5')!;
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  return rebuiltKeras(name, { 'model.weights.h5': await rewriteH5(h5, { [at]: { data, shape, dtype: '<f' } }) });
}

test.each([
  ['lstm_seq', 'Sequential: LSTM with return_sequences, dense on every step, LSTM giving the last step', 'Sequential'],
  ['gru', 'Sequential: GRU (reset_after) with return_sequences, GRU without bias and with relu, dense', 'Sequential'],
  ['bilstm', 'functional: Bidirectional LSTM (concat), GRU (sum), SimpleRNN (ave, mul)', 'Functional'],
  ['masked', 'functional: Embedding(mask_zero) + LSTM + Bidirectional GRU on inputs padded at the end, middle and start', 'Functional'],
  ['masking_rnn', 'Sequential: Masking over padded steps, SimpleRNN go_backwards with and without return_sequences', 'Sequential'],
  ['lstm_state', 'functional: LSTM with return_state, its output and cell state joined', 'Functional'],
  ['masking_func', 'functional: Masking (its mask passed as NotEqual and Any nodes) + LSTM on padded steps', 'Functional'],
])('%s (%s) predicts what Keras predicted', async (name, _what, kind) => {
  const model = await my.io.importKeras(path.join(KERAS_FIXTURES, `${name}.keras`));
  try {
    expect(model.constructor.name).toBe(kind);
    worst[name] = difference(model, expected.models[name]);
    expect(worst[name]).toBeLessThan(TOLERANCE);
  } finally {
    model.dispose();
  }
});

test('the masks are carried: without mask_zero the padded predictions differ, and the mask argument is refused', async () => {
  const noMask = withLayer('masked', 'embed', (c) => { c.mask_zero = false; });
  expect(await failure(noMask)).toMatch(/layer "lstm_mask": the mask call argument must be the mask of an Embedding with mask_zero=True/);
  const doc = fixtureConfig('masked');
  for (const entry of doc.config.layers) {
    if (entry.config.mask_zero) entry.config.mask_zero = false;
    for (const node of entry.inbound_nodes) delete node.kwargs.mask;
  }
  doc.config.layers = doc.config.layers.filter((l: { class_name: string }) => l.class_name !== 'NotEqual');
  const model = await my.io.importKeras(rebuiltKeras('masked', { 'config.json': doc }));
  expect(difference(model, expected.models.masked)).toBeGreaterThan(1e-3);
  model.dispose();
  // A Masking layer's mask with another mask_value than the layer's is not its mask.
  const other = withLayer('masking_func', 'pad', (c) => { c.mask_value = 1; });
  expect(await failure(other)).toMatch(/layer "lstm": the mask call argument must be the mask of an Embedding with mask_zero=True or of a Masking layer/);
});

test('recurrent weights of the wrong shape, or missing, are a ModelFormatError naming the layer', async () => {
  expect(await failure(await withWeight('lstm_seq', 'layers/lstm/cell/vars/1', [4, 12])))
    .toMatch(/layer "lstm_seq": layers\/lstm\/cell\/vars\/1 has shape \[4, 12\], the layer needs lstm_seq\/recurrent_kernel \[4, 16\]/);
  expect(await failure(await withWeight('gru', 'layers/gru/cell/vars/2', [6, 2])))
    .toMatch(/layer "gru": layers\/gru\/cell\/vars\/2 has shape \[6, 2\], the layer needs gru\/bias \[2, 12\]/);
  expect(await failure(await withWeight('bilstm', 'layers/bidirectional/backward_layer/cell/vars/0', [3, 3])))
    .toMatch(/layer "bi_concat": layers\/bidirectional\/backward_layer\/cell\/vars\/0 has shape \[3, 3\], the layer needs backward_forward_lstm\/kernel \[3, 12\]/);
  const h5 = fixtureEntries('lstm_seq').get('model.weights.h5')!;
  const noCell = rebuiltKeras('lstm_seq', { 'model.weights.h5': await rewriteH5(h5, { 'layers/lstm/cell': null }) });
  expect(await failure(noCell)).toMatch(/layer "lstm_seq": the file has no layers\/lstm\/cell/);
  const extra = await withWeight('lstm_seq', 'layers/lstm/cell/vars/3', [4]);
  expect(await failure(extra)).toMatch(/layer "lstm_seq" \(LSTM\) has 4 weights in the file, myelin's layer has 3/);
});

test('recurrent_dropout is carried into the layer (a training-only option: predictions are unchanged)', async () => {
  const model = await my.io.importKeras(withLayer('lstm_seq', 'lstm_seq', (c) => { c.recurrent_dropout = 0.2; }));
  const lstm = model.layers.find((l) => l.name === 'lstm_seq')!;
  expect(lstm.getConfig().recurrentDropout).toBe(0.2);
});

test('options myelin does not compute are refused by name', async () => {
  expect(await failure(withLayer('gru', 'gru', (c) => { c.reset_after = false; })))
    .toMatch(/layer "gru": GRU option reset_after = false is not supported: myelin computes the reset-after GRU/);
  expect(await failure(withLayer('lstm_seq', 'lstm_seq', (c) => { c.recurrent_activation = 'hard_sigmoid'; })))
    .toMatch(/layer "lstm_seq": LSTM option recurrent_activation = "hard_sigmoid" is not one a myelin recurrent cell computes/);
  expect(await failure(withLayer('lstm_seq', 'lstm_seq', (c) => { c.stateful = true; })))
    .toMatch(/layer "lstm_seq": LSTM option stateful = true is not supported/);
  expect(await failure(withLayer('lstm_seq', 'lstm_seq', (c) => { c.zero_output_for_mask = true; })))
    .toMatch(/layer "lstm_seq": LSTM option zero_output_for_mask = true is not supported/);
  expect(await failure(withLayer('bilstm', 'bi_sum', (c) => { c.merge_mode = null; })))
    .toMatch(/layer "bi_sum": Bidirectional merge_mode = null is not supported/);
  expect(await failure(withLayer('bilstm', 'bi_sum', (c) => { c.backward_layer.config.units = 3; })))
    .toMatch(/layer "bi_sum": Bidirectional backward_layer must be the forward GRU with go_backwards flipped/);
  expect(await failure(withLayer('bilstm', 'bi_sum', (c) => { c.layer.class_name = 'Dense'; delete c.backward_layer; })))
    .toMatch(/layer "bi_sum": layer must be \{ class_name, config \} of SimpleRNN, LSTM, GRU/);
  expect(await failure(withLayer('bilstm', 'bi_ave', (c) => { c.layer.config.activation = 'gelu'; c.backward_layer.config.activation = 'gelu'; })))
    .toMatch(/layer "bi_ave": wrapped SimpleRNN: SimpleRNN option activation = "gelu" is not one a myelin recurrent cell computes/);
});

test('an imported recurrent model trains on and saves its recurrent layers', async () => {
  const model = await my.io.importKeras<my.Sequential>(path.join(KERAS_FIXTURES, 'lstm_seq.keras'));
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const e = expected.models.lstm_seq;
  const x = my.tensor(e.input, e.input_shape);
  const y = my.tensor(e.output.map((v) => v * 0.5), e.output_shape);
  const h = await model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
  expect(h.history.loss.every(Number.isFinite)).toBe(true);
  expect(model.layers.map((l) => l.className)).toEqual(['LSTM', 'Dense', 'LSTM']);
  [x, y].forEach((t) => t.dispose());
  model.dispose();
});
