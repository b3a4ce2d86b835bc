/**
 * Graph models against things they must equal: the equivalent Sequential bit for bit (same seed, same strategy),
 * finite differences for a shared layer's gradients, a nested model against its own layers; then getLayer,
 * summary and the typed errors of bad graphs and bad data.
 */
import * as my from '../../lib/index';
import { checkGradients, randomValues } from '../helpers/gradcheck';

function irisLike(n: number, seed: number): { x: my.Tensor; y: my.Tensor } {
  const rng = new my.Random(seed);
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rng.uniform() * 2 - 1;
    y[i] = x[i * 4] + x[i * 4 + 1] > 0.3 ? 2 : x[i * 4 + 2] > 0 ? 1 : 0;
  }
  return { x: my.tensor(x, [n, 4]), y: my.tensor(y, [n]) };
}

describe('a one-path functional model equals the Sequential model', () => {
  test.each([[[] as string[]], [['accuracy']]])('bit for bit after fit with the same seed (metrics %j), same strategy', async (metrics) => {
    const { x, y } = irisLike(200, 1);
    my.setSeed(7);
    const seq = my.sequential([
      my.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }),
      my.layers.dropout({ rate: 0.2 }),
      my.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    my.setSeed(7);
    const inp = my.input({ shape: [4] });
    const h = my.layers.dropout({ rate: 0.2 }).apply(my.layers.dense({ units: 16, activation: 'relu' }).apply(inp));
    const fn = my.model({ inputs: inp, outputs: my.layers.dense({ units: 3, activation: 'softmax' }).apply(h) });
    const results = [];
    for (const m of [seq, fn]) {
      m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics });
      my.setSeed(11);
      const history = await m.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0, seed: 3 });
      results.push({ history, weights: m.getWeights().map((w) => Array.from(w.dataSync())), pred: Array.from((m.predict(x) as my.Tensor).dataSync()) });
    }
    expect(results[1].history.params.strategy).toBe(results[0].history.params.strategy);
    expect(results[1].history.history).toEqual(results[0].history.history);
    expect(results[1].weights).toEqual(results[0].weights);
    expect(results[1].pred).toEqual(results[0].pred);
    if (my.backendInfo().backend !== 'reference') expect(results[0].history.params.strategy).toBe(metrics.length ? 'compiled-replay' : 'native-epochs');
  });
});

describe('shared layers', () => {
  test('one layer applied to two inputs has one set of weights, and its gradients sum both uses', () => {
    my.setSeed(2);
    const a = my.input({ shape: [3], name: 'a' });
    const b = my.input({ shape: [3], name: 'b' });
    const shared = my.layers.dense({ units: 2, activation: 'tanh', name: 'shared' });
    const out = my.layers.multiply().apply([shared.apply(a), shared.apply(b)]);
    const model = my.model({ inputs: [a, b], outputs: out });
    expect(model.weights.map((w) => w.name)).toEqual(['shared/kernel', 'shared/bias']);
    expect(model.countParams()).toBe(8);
    expect(shared.inboundNodes).toHaveLength(2);
    const xa = randomValues(4 * 3, 1);
    const xb = randomValues(4 * 3, 2);
    // d/dW of sum(model(a, b) * r) by central differences against the tape, with W and b as the checked inputs.
    const kernel = shared.weights[0];
    const bias = shared.weights[1];
    checkGradients((k, bb) => {
      kernel.assign(k);
      bias.assign(bb);
      const ta = my.tensor(xa, [4, 3]);
      const tb = my.tensor(xb, [4, 3]);
      const ka = my.add(my.matmul(ta, k), bb);
      const kb = my.add(my.matmul(tb, k), bb);
      return my.mul(my.tanh(ka), my.tanh(kb));
    }, [{ shape: [3, 2], values: kernel.dataSync() }, { shape: [2], values: bias.dataSync() }]);
    // The model's tape gradients equal those of the written-out formula.
    const ta = my.tensor(xa, [4, 3]);
    const tb = my.tensor(xb, [4, 3]);
    const viaModel = my.valueAndGrads(() => my.sum(model.call([ta, tb]) as my.Tensor), [kernel, bias]);
    const direct = my.valueAndGrads(() => my.sum(my.mul(my.tanh(my.add(my.matmul(ta, kernel), bias)), my.tanh(my.add(my.matmul(tb, kernel), bias)))), [kernel, bias]);
    expect(Array.from(viaModel.grads[0].dataSync())).toEqual(Array.from(direct.grads[0].dataSync()));
    expect(Array.from(viaModel.grads[1].dataSync())).toEqual(Array.from(direct.grads[1].dataSync()));
  });
});

describe('nested models', () => {
  test('a model used as a layer shares its weights and computes what it computes alone', () => {
    my.setSeed(4);
    const ei = my.input({ shape: [5], name: 'enc_in' });
    const encoder = my.model({ inputs: ei, outputs: my.layers.dense({ units: 3, activation: 'relu', name: 'enc_dense' }).apply(ei), name: 'encoder' });
    const x1 = my.input({ shape: [5], name: 'x1' });
    const x2 = my.input({ shape: [5], name: 'x2' });
    const e1 = encoder.apply(x1) as my.SymbolicTensor;
    const e2 = encoder.apply(x2) as my.SymbolicTensor;
    const out = my.layers.dense({ units: 1, name: 'head' }).apply(my.layers.subtract().apply([e1, e2]));
    const siamese = my.model({ inputs: [x1, x2], outputs: out, name: 'siamese' });
    expect(siamese.weights.length).toBe(4);
    expect(siamese.getLayer('encoder').countParams()).toBe(18);
    const a = my.tensor(randomValues(6 * 5, 3), [6, 5]);
    const b = my.tensor(randomValues(6 * 5, 4), [6, 5]);
    const head = siamese.getLayer('head');
    const expected = head.apply(my.sub(encoder.call(a) as my.Tensor, encoder.call(b) as my.Tensor));
    expect(Array.from((siamese.predict([a, b]) as my.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
  });
});

describe('getLayer and summary', () => {
  test('getLayer finds layers and inputs by name and index; summary has a Connected to column', () => {
    const a = my.input({ shape: [2], name: 'left' });
    const b = my.input({ shape: [3], name: 'right' });
    const c = my.layers.concatenate({ name: 'join' }).apply([a, b]);
    const model = my.model({ inputs: [a, b], outputs: my.layers.dense({ units: 4, name: 'out' }).apply(c), name: 'summary_model' });
    expect(model.getLayer('join').className).toBe('Concatenate');
    expect(model.getLayer('left').className).toBe('InputLayer');
    expect(model.getLayer(1).name).toBe('out');
    expect(() => model.getLayer('nope')).toThrow(/no layer named "nope".*join, out/);
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    expect(lines[2]).toMatch(/Layer \(type\)\s+Output Shape\s+Param #\s+Connected to/);
    expect(lines.find((l) => l.startsWith('join (Concatenate)'))).toMatch(/\(None, 5\)\s+0\s+left\[0\]\[0\], right\[0\]\[0\]/);
    expect(lines.find((l) => l.startsWith('out (Dense)'))).toMatch(/\(None, 4\)\s+24\s+join\[0\]\[0\]/);
    expect(lines).toContain('Total params: 24');
  });
});

describe('bad graphs and bad data give typed errors naming what is wrong', () => {
  const a = my.input({ shape: [2], name: 'ea' });
  const b = my.input({ shape: [3], name: 'eb' });

  test('symbolic tensors where values are needed', () => {
    expect(() => a.dataSync()).toThrow(my.ValueError);
    expect(() => a.dataSync()).toThrow(/"ea".*symbolic.*no values/);
    expect(() => my.relu(a as unknown as my.Tensor)).toThrow(my.ValueError);
    const m = my.model({ inputs: a, outputs: my.layers.dense({ units: 1 }).apply(a) });
    expect(() => m.predict(a as unknown as my.Tensor)).toThrow(/symbolic tensor, which has no values/);
    expect(() => my.layers.dense({ units: 1 }).apply([a, my.tensor([[1, 2]])] as never)).toThrow(/all symbolic .* or all Tensors/);
  });

  test('outputs that do not depend on the inputs, unused inputs, duplicate names', () => {
    const out = my.layers.dense({ units: 1 }).apply(b);
    expect(() => my.model({ inputs: a, outputs: out })).toThrow(my.ValueError);
    expect(() => my.model({ inputs: a, outputs: out })).toThrow(/depends on the input eb, which is not among the model's inputs \[ea\]/);
    expect(() => my.model({ inputs: [a, b], outputs: out })).toThrow(/input ea is not used by any output/);
    const d1 = my.layers.dense({ units: 2, name: 'twin' }).apply(a);
    const d2 = my.layers.dense({ units: 2, name: 'twin' }).apply(d1);
    expect(() => my.model({ inputs: a, outputs: d2 })).toThrow(/two layers are named "twin"/);
    expect(() => my.model({ inputs: d1, outputs: d2 })).toThrow(/inputs\[0\] \(twin\) must come from my.input/);
    expect(() => my.model({ inputs: [a, a], outputs: d1 })).toThrow(/listed twice/);
    expect(() => my.model({ inputs: a, outputs: my.tensor([1]) as never })).toThrow(/outputs\[0\] must be a symbolic tensor/);
  });

  test('shapes that disagree are ShapeErrors naming the layer', () => {
    expect(() => my.layers.add({ name: 'bad_add' }).apply([a, b])).toThrow(my.ShapeError);
    expect(() => my.layers.add({ name: 'bad_add2' }).apply([a, b])).toThrow(/bad_add2: Add needs inputs of one shape, got \[null, 2\] at index 0 and \[null, 3\] at index 1/);
    expect(() => my.layers.subtract().apply([a, a, a])).toThrow(/takes 2 inputs, got 3/);
    expect(() => my.layers.concatenate().apply([a])).toThrow(/at least 2/);
    const dense = my.layers.dense({ units: 2, name: 'fixed' });
    dense.apply(a);
    expect(() => dense.apply(b)).toThrow(/fixed: expected samples of shape \[2\], got a symbolic input of shape \[null, 3\]/);
  });

  test('data that does not match the inputs and outputs', async () => {
    const m = my.model({ inputs: [a, b], outputs: [my.layers.dense({ units: 1, name: 'o1' }).apply(a), my.layers.dense({ units: 2, activation: 'softmax', name: 'o2' }).apply(b)] });
    m.compile({ optimizer: 'sgd', loss: { o1: 'meanSquaredError', o2: 'sparseCategoricalCrossentropy' } });
    const xa = my.zeros([4, 2]);
    const xb = my.zeros([4, 3]);
    const y1 = my.zeros([4, 1]);
    const y2 = my.tensor([0, 1, 1, 0]);
    expect(() => m.predict({ ea: xa })).toThrow(/keys must be the model's input names \[ea, eb\]; missing eb/);
    expect(() => m.predict({ ea: xa, eb: xb, ec: xb } as never)).toThrow(/unknown ec/);
    expect(() => m.predict([xa])).toThrow(/the model has 2 inputs \[ea, eb\]; pass an array of 2/);
    expect(() => m.predict(xa)).toThrow(my.ValueError);
    expect(() => m.predict([xb, xa])).toThrow(my.ShapeError);
    expect(() => m.predict([xb, xa])).toThrow(/input ea must have shape \[n, 2\], got \[4, 3\]/);
    expect(() => m.evaluate([xa, xb], { o1: y1, o2: my.tensor([0, 1, 2, 0]) })).toThrow(/y.o2\[2\] = 2 is not a class index/);
    expect(() => m.evaluate([xa, xb], { o1: my.zeros([4, 2]), o2: y2 })).toThrow(/y.o1 must have shape \[4, 1\]/);
    expect(() => m.evaluate([xa, my.zeros([3, 3])], [y1, y2])).toThrow(/has 3 rows but/);
    await expect(m.fit([xa, xb], { o1: y1 }, { verbose: 0 })).rejects.toThrow(/missing o2/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { o1: 'mse', o3: 'mse' } })).toThrow(/loss names "o3", which is not an output; outputs: o1, o2/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { o1: 'mse' } })).toThrow(/loss has no entry for output "o2"/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [1] })).toThrow(/one entry per output/);
    // The model stays usable after every error.
    expect((m.predict([xa, xb]) as my.Tensor[]).map((t) => t.shape)).toEqual([[4, 1], [4, 2]]);
  });
});
