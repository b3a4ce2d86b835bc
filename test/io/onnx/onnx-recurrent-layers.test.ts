/**
 * ONNX export of the recurrent layers (simpleRnn, lstm, gru, bidirectional): small models with random weights, their
 * files run by onnxruntime-node and compared with myelin's predictions to 1e-5 (relative to 1 + |value|), with every
 * option that changes the ONNX form (returnSequences, returnState, goBackwards, initial states, activations, merge
 * modes), every file accepted by ONNX's checker (python3-onnx); and the refusal of masks (masking, embedding maskZero)
 * before an LSTM.
 */
import * as my from '../../../lib/index';
import { onnxCheckerAvailable, onnxCheckerErrors } from './onnx-check';
import { onnxVsMyelin, randomizeWeights, stopOnnxWorker, uniform } from './run-onnx';

const TOL = 1e-5;
const [B, T, F] = [3, 5, 4];
const L = my.layers;

afterAll(stopOnnxWorker);

/** The ONNX files of the models compared below, for ONNX's checker at the end. */
const files: Uint8Array[] = [];

/** Exports the model on `x` [B, T, F] (and `states` initial states [B, units] each) and compares with onnxruntime. */
async function check(make: () => my.layers.Layer, states: number[] = []): Promise<number> {
  const x = my.input({ shape: [T, F], name: 'x' });
  const s = states.map((u, i) => my.input({ shape: [u], name: `s${i}` }));
  const out = make().connect([x, ...s]);  // every output: the states too with returnState
  const model = my.model({ inputs: [x, ...s], outputs: out });
  randomizeWeights(model, 70);
  files.push(my.io.toOnnx(model));
  const diff = await onnxVsMyelin(model, [uniform([B, T, F], 71, -1.5, 1.5), ...states.map((u, i) => uniform([B, u], 72 + i, -0.8, 0.8))]);
  model.dispose();
  return diff;
}

describe('ONNX export: recurrent layers match onnxruntime', () => {
  test.each([
    ['simpleRnn, last output', () => L.simpleRnn({ units: 3 })],
    ['simpleRnn relu, goBackwards sequences', () => L.simpleRnn({ units: 3, activation: 'relu', goBackwards: true, returnSequences: true })],
    ['lstm, last output', () => L.lstm({ units: 4 })],
    ['lstm, sequences and states', () => L.lstm({ units: 3, returnSequences: true, returnState: true })],
    ['lstm, goBackwards, no bias, relu cell', () => L.lstm({ units: 3, goBackwards: true, useBias: false, activation: 'relu' })],
    ['gru, sequences', () => L.gru({ units: 4, returnSequences: true })],
    ['gru, goBackwards with state, linear cell, tanh gates', () => L.gru({ units: 3, goBackwards: true, returnState: true, activation: 'linear', recurrentActivation: 'tanh' })],
    ['bidirectional lstm, concat sequences', () => L.bidirectional(L.lstm({ units: 3, returnSequences: true }))],
    ['bidirectional gru, sum, last output', () => L.bidirectional(L.gru({ units: 3 }), { mergeMode: 'sum' })],
    ['bidirectional simpleRnn, ave sequences with states', () => L.bidirectional(L.simpleRnn({ units: 2, returnSequences: true, returnState: true }), { mergeMode: 'ave' })],
    ['bidirectional lstm, mul', () => L.bidirectional(L.lstm({ units: 2 }), { mergeMode: 'mul' })],
  ] as const)('%s', async (_name, make) => {
    expect(await check(make)).toBeLessThan(TOL);
  });

  test.each([
    ['lstm from initial states h, c', () => L.lstm({ units: 3, returnSequences: true }), [3, 3]],
    ['gru from an initial state', () => L.gru({ units: 3 }), [3]],
    ['bidirectional lstm from four initial states', () => L.bidirectional(L.lstm({ units: 2, returnState: true })), [2, 2, 2, 2]],
  ] as const)('%s', async (_name, make, states) => {
    expect(await check(make, states.slice())).toBeLessThan(TOL);
  });

  test('a stacked text model: embedding, bidirectional lstm sequences, gru, dense', async () => {
    const model = my.sequential([
      L.embedding({ inputDim: 20, outputDim: 6, inputShape: [T] }),
      L.bidirectional(L.lstm({ units: 4, returnSequences: true })),
      L.gru({ units: 3 }),
      L.dense({ units: 2, activation: 'softmax' }),
    ]);
    randomizeWeights(model, 80);
    const ids = uniform([B, T], 81, 0, 20);
    ids.data.forEach((v, i) => { ids.data[i] = Math.floor(v); });
    expect(await onnxVsMyelin(model, [ids])).toBeLessThan(TOL);
    model.dispose();
  });

  test('ONNX\'s checker (python3-onnx, full_check) accepts every file above', () => {
    const checker = onnxCheckerAvailable();
    if (!checker.ok && process.env.MYELIN_SKIP_ONNX_CHECKER === '1') {
      expect(checker.message).toMatch(/cannot import onnx/);  // skipped on request: say why
      return;
    }
    if (!checker.ok) throw new Error(`the ONNX checker cannot run: ${checker.message} (MYELIN_SKIP_ONNX_CHECKER=1 skips it)`);
    expect(files).toHaveLength(14);
    expect(onnxCheckerErrors(files)).toEqual(files.map(() => null));
  });

  test('masks are refused: masking and embedding maskZero before an lstm name the layer', () => {
    const masked = my.sequential([L.masking({ inputShape: [T, F], name: 'pad' }), L.lstm({ units: 2 })]);
    expect(() => my.io.toOnnx(masked)).toThrow(/layer pad \(Masking\) gives the layers after it a mask, and masks are not exported/);
    const tokens = my.sequential([L.embedding({ inputDim: 9, outputDim: 3, maskZero: true, inputShape: [T], name: 'tok' }), L.lstm({ units: 2 })]);
    expect(() => my.io.toOnnx(tokens)).toThrow(/layer tok \(Embedding\) has maskZero: true/);
    masked.dispose();
    tokens.dispose();
  });
});
