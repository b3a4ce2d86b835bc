/**
 * The bidirectional wrapper in models: the text classifier (embedding with maskZero, bidirectional lstm
 * with returnSequences, gru, dense) builds, summarizes, trains, saves and loads; masked steps output 0 in both
 * directions (Keras); padding does not change the result; bad options are typed errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ValueError } from '../../lib/errors';

function classifier(T: number): my.Sequential {
  return my.sequential([
    my.layers.embedding({ inputDim: 30, outputDim: 8, maskZero: true, inputShape: [T] }),
    my.layers.bidirectional({ layer: my.layers.lstm({ units: 6, returnSequences: true }) }),
    my.layers.gru({ units: 4 }),
    my.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
}

describe('bidirectional in a model', () => {
  test('the issue classifier: summary, padding invariance, masked outputs 0, save and load', async () => {
    const model = classifier(6);
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    // 2 x LSTM(8 -> 6): 2 x 4 (8 6 + 6 6 + 6) = 720; GRU(12 -> 4): 3 (12 4 + 4 4 + 2 4) = 216
    expect(lines.join('\n')).toMatch(/\(Bidirectional\) +\(None, 6, 12\) +720/);
    expect(lines.join('\n')).toMatch(/\(GRU\) +\(None, 4\) +216/);
    const short = classifier(3);
    short.setWeights(model.getWeights());
    const a = (model.predict(my.tensor([[0, 0, 0, 4, 9, 2], [0, 0, 0, 7, 7, 1]], [2, 6])) as my.Tensor).dataSync();
    const b = (short.predict(my.tensor([[4, 9, 2], [7, 7, 1]], [2, 3])) as my.Tensor).dataSync();
    for (let i = 0; i < 2; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    const bi = model.layers[1] as my.layers.Bidirectional;
    const emb = model.layers[0];
    const ids = my.tensor([[0, 3, 0, 5, 0, 0]], [1, 6]);
    const y = bi.invokeMasked([emb.apply(ids)], false, [(emb as my.layers.Embedding).computeMask(ids)])[0].dataSync();
    for (const step of [0, 2, 4, 5]) for (let j = 0; j < 12; j++) expect(Math.abs(y[step * 12 + j])).toBe(0);
    expect(Math.abs(y[12]) + Math.abs(y[12 + 6])).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birnn-'));
    await model.save(dir);
    const again = await my.loadModel<my.Sequential>(dir);
    const x = my.tensor([[1, 2, 3, 0, 0, 0], [5, 6, 7, 8, 9, 10]], [2, 6]);
    expect(Array.from((again.predict(x) as my.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as my.Tensor).dataSync()));
    expect(again.layers[1].getConfig()).toEqual(model.layers[1].getConfig());
  });

  test('trains to separate two token sets', async () => {
    my.setSeed(2);
    const n = 64, T = 6;
    const ids: number[] = [], ys: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < T; t++) ids.push(t < i % 3 ? 0 : (i % 2 === 0 ? 1 : 15) + ((i * 7 + t * 3) % 10));
      ys.push(i % 2);
    }
    const model = classifier(T);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 0.03 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(my.tensor(ids, [n, T]), my.tensor(ys, [n, 1]), { epochs: 15, batchSize: 16, verbose: 0 });
    expect(h.history.accuracy[h.history.accuracy.length - 1]).toBe(1);
  });

  test('bad options are ValueErrors', () => {
    expect(() => my.layers.bidirectional({ layer: my.layers.dense({ units: 2 }) as never })).toThrow(/bidirectional: layer must be a recurrent layer/);
    expect(() => my.layers.bidirectional(my.layers.lstm({ units: 2 }), { mergeMode: 'max' as never })).toThrow(ValueError);
    expect(() => my.layers.bidirectional(my.layers.lstm({ units: 2 }), { merge_mode: 'sum' } as never)).toThrow("bidirectional: unknown option 'merge_mode'; did you mean 'mergeMode'?");
  });
});
