/**
 * ONNX export of whole models: a CNN trained on the digits data set, a functional model with two inputs, two
 * outputs, a shared layer and a nested model, and a text-like embedding model, each run by onnxruntime-node and
 * compared with myelin to 1e-5; the file's header (IR version, opset, dynamic batch axis) read back with the
 * library's protobuf reader; and the typed errors of bad calls.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../../lib/index';
import { ProtoReader } from '../../../lib/io/protobuf/reader';
import { maxRelativeDiff, onnxVsMyelin, runOnnx, stopOnnxWorker, uniform } from './run-onnx';

const TOL = 1e-5;
const L = my.layers;

afterAll(stopOnnxWorker);

type Field = { field: number; value: number | Uint8Array };

/** The fields of one protobuf message (varints as numbers, length-delimited values as bytes), with the library's reader. */
function fieldsOf(bytes: Uint8Array): Field[] {
  const r = new ProtoReader(bytes, 'test message');
  const out: Field[] = [];
  for (let f = r.next(); f; f = r.next()) {
    if (f.wire === 0) out.push({ field: f.field, value: r.varint(f) });
    else if (f.wire === 2) out.push({ field: f.field, value: r.bytes(f) });
    else r.skip(f);
  }
  return out;
}
const all = (fs: Field[], n: number): Field['value'][] => fs.filter((f) => f.field === n).map((f) => f.value);
const one = (fs: Field[], n: number): Field['value'] => all(fs, n)[0];
const text = (v: Field['value']): string => new TextDecoder().decode(v as Uint8Array);

/** ir_version, opset versions, op types and input shapes (dim_value or dim_param) of ONNX bytes. */
function readHeader(bytes: Uint8Array): { irVersion: number; opsets: number[]; ops: string[]; inputShapes: (number | string)[][] } {
  const model = fieldsOf(bytes);
  const graph = fieldsOf(one(model, 7) as Uint8Array);
  return {
    irVersion: one(model, 1) as number,
    opsets: all(model, 8).map((o) => one(fieldsOf(o as Uint8Array), 2) as number),
    ops: all(graph, 1).map((n) => text(one(fieldsOf(n as Uint8Array), 4))),
    inputShapes: all(graph, 11).map((vi) => {
      const tensorType = fieldsOf(one(fieldsOf(one(fieldsOf(vi as Uint8Array), 2) as Uint8Array), 1) as Uint8Array);
      return all(fieldsOf(one(tensorType, 2) as Uint8Array), 1).map((d) => {
        const dim = fieldsOf(d as Uint8Array);
        return dim[0].field === 1 ? (dim[0].value as number) : text(dim[0].value);
      });
    }),
  };
}

describe('ONNX export of whole models', () => {
  test('a CNN trained on the digits data set: same probabilities, same classes', async () => {
    my.setSeed(0);  // the initial weights, whatever ran before in this process
    const { x, y } = my.data.loadDataset('digits');
    const images = my.div(my.reshape(x, [-1, 8, 8, 1]), 16);
    const model = my.sequential([
      L.conv2d({ inputShape: [8, 8, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.batchNormalization(),
      L.maxPooling2d({ poolSize: 2 }),
      L.dropout({ rate: 0.2 }),
      L.conv2d({ filters: 8, kernelSize: 3, activation: 'gelu' }),
      L.flatten(),
      L.dense({ units: 10, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: my.optimizers.adam({ learningRate: 1e-2 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(images, y, { epochs: 3, batchSize: 64, verbose: 0, seed: 0 });
    const [, accuracy] = model.evaluate(images, y) as number[];
    expect(accuracy).toBeGreaterThan(0.5);  // trained (chance is 0.1): batch-norm statistics and weights far from their initial values
    const sample = { data: images.dataSync().slice(0, 200 * 64), shape: [200, 8, 8, 1] };
    expect(await onnxVsMyelin(model, [sample])).toBeLessThan(TOL);
    const bytes = my.io.toOnnx(model);
    const [probs] = await runOnnx(bytes, { [model.inputNames[0]]: sample });
    const expected = model.predict(my.tensor(sample.data, sample.shape)) as my.Tensor;
    const argmax = (d: Float32Array, i: number): number => { let b = 0; for (let k = 1; k < 10; k++) if (d[i * 10 + k] > d[i * 10 + b]) b = k; return b; };
    const e = expected.dataSync();
    for (let i = 0; i < 200; i++) expect(argmax(probs.data, i)).toBe(argmax(e, i));
    images.dispose();
    expected.dispose();
    model.dispose();
  });

  test('a functional model: two inputs, two outputs, a shared layer and a nested model', async () => {
    const inner = new my.Sequential([L.dense({ inputShape: [6], units: 5, activation: 'tanh' }), L.layerNormalization(), L.dense({ units: 4 })], 'inner');
    const a = my.input({ shape: [6], name: 'a' });
    const b = my.input({ shape: [6], name: 'b' });
    const shared = L.dense({ units: 6, activation: 'relu', name: 'shared' });
    const ha = inner.apply(shared.apply(a)) as my.SymbolicTensor;
    const hb = inner.apply(shared.apply(b)) as my.SymbolicTensor;
    const merged = L.concatenate({ name: 'merged' }).apply([ha, L.subtract().apply([ha, hb])]);
    const cls = L.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(merged);
    const reg = L.dense({ units: 1, name: 'reg' }).apply(L.average().apply([ha, hb]));
    const model = my.model({ inputs: [a, b], outputs: [cls, reg] });
    const diff = await onnxVsMyelin(model, [uniform([5, 6], 1), uniform([5, 6], 2)]);
    expect(diff).toBeLessThan(TOL);
    expect(readHeader(my.io.toOnnx(model)).inputShapes).toEqual([['batch', 6], ['batch', 6]]);
    model.dispose();
  });

  test('an embedding model over integer ids', async () => {
    const model = my.sequential([
      L.embedding({ inputDim: 50, outputDim: 8, inputLength: 10 }),
      L.conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
      L.globalMaxPooling1d(),
      L.dense({ units: 1, activation: 'sigmoid' }),
    ]);
    model.build([10]);
    const ids = uniform([4, 10], 3, 0, 50);
    ids.data.forEach((v, i) => { ids.data[i] = Math.floor(v); });
    expect(await onnxVsMyelin(model, [ids])).toBeLessThan(TOL);
    model.dispose();
  });

  test('the file: IR version 8, opset 17, a dynamic batch axis (batches of 1 and 9 run)', async () => {
    const model = my.sequential([L.dense({ inputShape: [3], units: 2, activation: 'gelu' })]);
    const bytes = my.io.toOnnx(model);
    const header = readHeader(bytes);
    expect(header.irVersion).toBe(my.io.ONNX_IR_VERSION);
    expect(header.irVersion).toBeGreaterThanOrEqual(8);
    expect(header.opsets).toEqual([17]);
    expect(header.inputShapes).toEqual([['batch', 3]]);
    expect(header.ops).toEqual(expect.arrayContaining(['MatMul', 'Add', 'Erf']));
    for (const n of [1, 9]) expect(await onnxVsMyelin(model, [uniform([n, 3], n)])).toBeLessThan(TOL);
    model.dispose();
  });

  test('exportOnnx writes the file atomically; onnxruntime runs it from disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-onnx-'));
    const model = my.sequential([L.dense({ inputShape: [4], units: 3, activation: 'softmax' })]);
    const file = path.join(dir, 'sub', 'model.onnx');
    await my.io.exportOnnx(model, file);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['model.onnx']);
    const fromDisk = new Uint8Array(fs.readFileSync(file));
    expect(Buffer.from(fromDisk).equals(Buffer.from(my.io.toOnnx(model)))).toBe(true);
    const x = uniform([2, 4], 5);
    const [out] = await runOnnx(fromDisk, { [model.inputNames[0]]: x });
    const p = model.predict(my.tensor(x.data, x.shape)) as my.Tensor;
    expect(maxRelativeDiff(out, { data: p.dataSync(), shape: p.shape.slice() })).toBeLessThan(TOL);
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  });
});

describe('ONNX export: bad input', () => {
  class Doubler extends my.layers.Layer {
    readonly className = 'Doubler';
    constructor() { super({ name: 'doubler' }, 'Doubler'); }
    call(x: my.Tensor): my.Tensor { return my.mul(x, 2); }
    computeOutputShape(s: number[]): number[] { return s.slice(); }
  }

  test('a layer without an ONNX mapping: ModelFormatError naming the layer and its class', () => {
    const model = my.sequential([L.dense({ inputShape: [2], units: 2 }), new Doubler()]);
    expect(() => my.io.toOnnx(model)).toThrow(my.ModelFormatError);
    expect(() => my.io.toOnnx(model)).toThrow(/layer doubler of class Doubler has no ONNX export/);
    model.dispose();
  });

  test('registerOnnxExporter gives a custom layer its ONNX form', async () => {
    my.io.registerOnnxExporter('Doubler', (e) => {
      e.g.op('Mul', [e.inputs[0].name, e.g.floats(`${e.name}/two`, [2], [])], {}, e.name, e.outputs[0]);
    });
    const model = my.sequential([L.dense({ inputShape: [2], units: 3 }), new Doubler()]);
    expect(await onnxVsMyelin(model, [uniform([4, 2], 9)])).toBeLessThan(TOL);
    model.dispose();
  });

  test('not a model, an unbuilt Sequential, bad options and paths: typed errors', async () => {
    expect(() => my.io.toOnnx({} as never)).toThrow(my.ValueError);
    expect(() => my.io.toOnnx(my.sequential([L.dense({ units: 2 })]))).toThrow(my.ModelStateError);
    const model = my.sequential([L.dense({ inputShape: [2], units: 2 })]);
    expect(() => my.io.toOnnx(model, { docString: 3 } as never)).toThrow(my.ValueError);
    await expect(my.io.exportOnnx(model, '')).rejects.toThrow(my.ValueError);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-onnx-'));
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    await expect(my.io.exportOnnx(model, path.join(dir, 'file', 'model.onnx'))).rejects.toThrow(my.IOError);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(model.predict(my.tensor([[1, 2]])).shape).toEqual([1, 2]);  // still usable
    model.dispose();
  });
});
