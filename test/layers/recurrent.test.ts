/**
 * The recurrent layers (simpleRnn, lstm, gru): central-difference gradient checks of every cell (with
 * returnSequences, goBackwards and a mask), Keras weight shapes and defaults, config / save / load round trips,
 * summary rows, initial states, bad input (typed errors naming the layer) and long sequences without NaN.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ShapeError, ValueError } from '../../lib/errors';
import { randomValues } from '../helpers/gradcheck';
import { checkLayerGradients } from './layer-gradcheck';

const x = (B: number, T: number, F: number, seed = 1): my.Tensor => my.tensor(randomValues(B * T * F, seed, -1, 1), [B, T, F]);
type Factory = (a: { units: number; returnSequences?: boolean; goBackwards?: boolean; returnState?: boolean; inputShape?: number[] }) => my.layers.RecurrentLayer;
const FACTORIES: Array<[string, Factory, number]> = [
  ['simpleRnn', my.layers.simpleRnn, 1], ['lstm', my.layers.lstm, 4], ['gru', my.layers.gru, 3],
];

describe.each(['reference', 'cpu'] as const)('on %s', (backend) => {
  beforeAll(() => my.setBackend(backend));

  describe.each(FACTORIES)('%s', (_name, make) => {
    test('gradients of the last output match central differences', () => {
      checkLayerGradients((l, v) => l.apply(v), make({ units: 3 }), x(2, 4, 3));
    });
    test('gradients with returnSequences and goBackwards', () => {
      checkLayerGradients((l, v) => l.apply(v), make({ units: 3, returnSequences: true, goBackwards: true }), x(2, 3, 2, 7));
    });
    test('gradients with a mask (steps 1 and 3 of sample 0, step 0 of sample 1 off)', () => {
      const mask = my.tensor([1, 0, 1, 0, 0, 1, 1, 1], [2, 4]);
      checkLayerGradients((l, v) => (l as my.layers.RecurrentLayer).run([v], mask, false)[0], make({ units: 2, returnSequences: true }), x(2, 4, 3, 9));
    });
  });
});

describe('layer behaviour', () => {
  test('Keras weight shapes, names and defaults', () => {
    const l = my.layers.lstm({ units: 4 });
    l.apply(x(2, 3, 5));
    expect(l.weights.map((w) => w.shape)).toEqual([[5, 16], [4, 16], [16]]);
    expect(Array.from(l.weights[2].dataSync())).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // orthogonal recurrent kernel: the 4 x 16 matrix has orthonormal rows
    const u = l.weights[1].dataSync();
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let dot = 0;
        for (let k = 0; k < 16; k++) dot += u[i * 16 + k] * u[j * 16 + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
    const g = my.layers.gru({ units: 2 });
    g.apply(x(1, 2, 3));
    expect(g.weights.map((w) => w.shape)).toEqual([[3, 6], [2, 6], [2, 6]]);
    const s = my.layers.simpleRnn({ units: 2, useBias: false });
    s.apply(x(1, 2, 3));
    expect(s.weights.map((w) => w.shape)).toEqual([[3, 2], [2, 2]]);
  });

  test('returnState gives the final states; initial states are used; returnSequences ends with the last output', () => {
    const l = my.layers.lstm({ units: 3, returnSequences: true, returnState: true });
    const input = x(2, 4, 2);
    const [seq, h, c] = l.invoke([input], false);
    expect(seq.shape).toEqual([2, 4, 3]);
    expect(h.shape).toEqual([2, 3]);
    expect(c.shape).toEqual([2, 3]);
    const last = my.reshape(my.slice(seq, [0, 3, 0], [2, 1, 3]), [2, 3]).dataSync();
    expect(Array.from(last)).toEqual(Array.from(h.dataSync()));
    const h0 = my.tensor(randomValues(6, 3), [2, 3]), c0 = my.tensor(randomValues(6, 4), [2, 3]);
    const [seq2] = l.invoke([input, h0, c0], false);
    expect(Array.from(seq2.dataSync())).not.toEqual(Array.from(seq.dataSync()));
    // one step from (h0, c0) by hand: c1 = f c0 + i g, h1 = o tanh(c1)
    const one = my.layers.lstm({ units: 3 });
    const x1 = x(2, 1, 2, 5);
    one.apply(x1);
    const [W, U, b] = one.weights.map((w) => w.dataSync());
    const xs = x1.dataSync(), hs = h0.dataSync(), cs = c0.dataSync();
    const got = one.invoke([x1, h0, c0], false)[0].dataSync();
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    for (let bi = 0; bi < 2; bi++) {
      for (let j = 0; j < 3; j++) {
        const z = (k: number) => {
          let s = b[k * 3 + j];
          for (let p = 0; p < 2; p++) s += xs[bi * 2 + p] * W[p * 12 + k * 3 + j];
          for (let p = 0; p < 3; p++) s += hs[bi * 3 + p] * U[p * 12 + k * 3 + j];
          return s;
        };
        const cn = sig(z(1)) * cs[bi * 3 + j] + sig(z(0)) * Math.tanh(z(2));
        expect(got[bi * 3 + j]).toBeCloseTo(sig(z(3)) * Math.tanh(cn), 5);
      }
    }
  });

  test('functional model with returnState: three outputs; config, save and load round trip', async () => {
    const inp = my.input({ shape: [5, 3] });
    const outs = my.layers.lstm({ units: 4, returnState: true }).connect([inp]);
    expect(outs.map((o) => o.shape)).toEqual([[4], [4], [4]]);
    const model = my.sequential([
      my.layers.gru({ units: 4, returnSequences: true, inputShape: [5, 3], goBackwards: true }),
      my.layers.simpleRnn({ units: 3, activation: 'relu' }),
      my.layers.dense({ units: 1 }),
    ]);
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/gru(_\d+)? \(GRU\) +\(None, 5, 4\) +108/);  // Keras: 3 (3 4 + 4 4 + 2 4)
    expect(lines.join('\n')).toMatch(/simple_rnn(_\d+)? \(SimpleRNN\) +\(None, 3\) +24/);
    const cfg = model.layers[0].getConfig();
    expect(cfg).toMatchObject({ units: 4, returnSequences: true, goBackwards: true, resetAfter: true, activation: 'tanh', recurrentActivation: 'sigmoid' });
    const copy = my.layers.deserializeLayer({ className: 'GRU', config: cfg });
    expect(copy.getConfig()).toEqual(cfg);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-'));
    await model.save(dir);
    const again = await my.loadModel<my.Sequential>(dir);
    const input = x(3, 5, 3);
    expect(Array.from((again.predict(input) as my.Tensor).dataSync())).toEqual(Array.from((model.predict(input) as my.Tensor).dataSync()));
  });

  test('trains: an lstm learns the sum sign of a sequence', async () => {
    my.setSeed(3);
    const n = 128, T = 6;
    const xs = randomValues(n * T, 11, -1, 1);
    const ys = Array.from({ length: n }, (_, i) => (xs.slice(i * T, i * T + T).reduce((a, b) => a + b, 0) > 0 ? 1 : 0));
    const model = my.sequential([my.layers.lstm({ units: 8, inputShape: [T, 1] }), my.layers.dense({ units: 1, activation: 'sigmoid' })]);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(my.tensor(xs, [n, T, 1]), my.tensor(ys, [n, 1]), { epochs: 40, batchSize: 32, verbose: 0 });
    expect(h.history.accuracy[h.history.accuracy.length - 1]).toBeGreaterThan(0.9);
  });

  test('500 steps with default initializers stay finite', () => {
    for (const make of [my.layers.lstm, my.layers.gru, my.layers.simpleRnn]) {
      const l = make({ units: 8 });
      const input = my.tensor(randomValues(2 * 500 * 4, 2, -3, 3), [2, 500, 4]);
      const { value, grads } = my.valueAndGrads(() => my.sum(l.apply(input)), l.trainableWeights);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      for (const g of grads) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    }
  });

  test('dropout: one mask per sample and feature over all steps in training, none in inference', () => {
    for (const make of [my.layers.lstm, my.layers.gru, my.layers.simpleRnn]) {
      const l = make({ units: 3, dropout: 0.5, seed: 4, returnSequences: true });
      const input = my.variable(x(4, 5, 6, 3), true, 'x');
      const inference = l.apply(input).dataSync();
      const { grads } = my.valueAndGrads(() => my.sum(l.apply(input, true)), [input]);
      const g = grads[0].dataSync();
      let dropped = 0;
      for (let b = 0; b < 4; b++) {
        for (let f = 0; f < 6; f++) {
          const zeros = [0, 1, 2, 3, 4].filter((t) => g[(b * 5 + t) * 6 + f] === 0).length;
          expect([0, 5]).toContain(zeros);  // the whole feature over time, or none of it
          if (zeros === 5) dropped++;
        }
      }
      expect(dropped).toBeGreaterThan(2);
      expect(dropped).toBeLessThan(22);
      expect(Array.from(l.apply(input).dataSync())).toEqual(Array.from(inference));
      expect(l.getConfig()).toMatchObject({ dropout: 0.5, seed: 4 });
    }
    expect(() => my.layers.lstm({ units: 2, dropout: 1 })).toThrow(/lstm: dropout must be a number in \[0, 1\)/);
  });

  test('bad input: typed errors naming the layer', () => {
    const l = my.layers.lstm({ units: 3, name: 'my_lstm' });
    expect(() => l.apply(my.zeros([2, 0, 3]))).toThrow(ShapeError);
    expect(() => l.apply(my.zeros([2, 0, 3]))).toThrow(/my_lstm.*0 time steps/);
    expect(() => l.apply(my.zeros([2, 3]))).toThrow(/my_lstm.*\[batch, time, features\]/);
    l.apply(my.zeros([2, 4, 3]));
    expect(() => l.invoke([my.zeros([2, 4, 3]), my.zeros([2, 5]), my.zeros([2, 3])], false)).toThrow(/my_lstm: initial state 0 must have shape \[2, 3\]/);
    expect(() => l.invoke([my.zeros([2, 4, 3]), my.zeros([2, 3])], false)).toThrow(/my_lstm: give the input alone or with 2 initial state/);
    expect(() => l.run([my.zeros([2, 4, 3])], my.ones([2, 5]), false)).toThrow(/my_lstm: the mask must have shape \[2, 4\]/);
    expect(() => l.apply(my.zeros([2, 4, 5]))).toThrow(ShapeError);
    expect(() => my.layers.lstm({ units: 0 })).toThrow(ValueError);
    expect(() => my.layers.lstm({ units: 2, activation: 'softmax' as never })).toThrow(/lstm: activation must be one of tanh, sigmoid, relu, linear/);
    expect(() => my.layers.gru({ units: 2, resetAfter: false })).toThrow(/gru: resetAfter must be true/);
    expect(() => my.layers.simpleRnn({ units: 2, return_sequences: true } as never)).toThrow("simpleRnn: unknown option 'return_sequences'; did you mean 'returnSequences'?");
    // still usable
    expect(l.apply(my.zeros([2, 4, 3])).shape).toEqual([2, 3]);
  });
});
