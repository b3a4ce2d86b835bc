/**
 * ONNX's own checker (python3-onnx, full_check: operator schemas at opset 17 and strict shape inference) accepts
 * the exported files of three models that together use every registered layer class (checked here; the recurrent
 * layers' graphs are checked in onnx-recurrent.test.ts, refused classes have none), and onnxruntime
 * still agrees with myelin on them. Needs Debian's python3-onnx (MYELIN_SKIP_ONNX_CHECKER=1 skips it).
 */
import * as my from '../../../lib/index';
import { RECURRENT_EXPORTERS } from '../../../lib/io/onnx/exporters/recurrent';
import { onnxCheckerAvailable, onnxCheckerErrors } from './onnx-check';
import { onnxVsMyelin, randomizeWeights, stopOnnxWorker, uniform, type Array32 } from './run-onnx';

const L = my.layers;
const BATCH = 2;
const checker = onnxCheckerAvailable();
const skip = process.env.MYELIN_SKIP_ONNX_CHECKER === '1' && !checker.ok;

afterAll(stopOnnxWorker);

/** Images: padding, convolutions, normalization, pooling of every kind, resizing, noise, merges. */
function imageModel(): my.Model {
  const x = my.input({ shape: [8, 8, 3], name: 'image' });
  let h = L.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(L.zeroPadding2d({ padding: [[1, 1], [1, 1]] }).apply(x));
  h = L.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(L.batchNormalization().apply(h));
  h = L.upSampling2d({ size: 2, interpolation: 'bilinear' }).apply(L.maxPooling2d({ poolSize: 2 }).apply(h));
  h = L.averagePooling2d({ poolSize: 2 }).apply(L.spatialDropout2d({ rate: 0.2 }).apply(h));
  h = L.activation({ activation: 'gelu' }).apply(L.leakyRelu({ alpha: 0.1 }).apply(L.gaussianNoise({ stddev: 0.1 }).apply(h)));
  const pooled = L.concatenate().apply([L.globalAveragePooling2d().apply(h), L.globalMaxPooling2d().apply(h)]);
  return my.model({ inputs: x, outputs: L.dense({ units: 3, activation: 'softmax' }).apply(L.dropout({ rate: 0.3 }).apply(pooled)) });
}

/** Token ids: embeddings, positions, masked causal attention, sequence layers, 1-D pooling, the other merges. */
function sequenceModel(): my.Model {
  const ids = my.input({ shape: [6], name: 'ids' });
  const mask = my.input({ shape: [6, 6], name: 'mask' });
  const tokens = L.embedding({ inputDim: 12, outputDim: 8 }).apply(ids);
  const h = L.add().apply([tokens, L.positionEmbedding({ sequenceLength: 8 }).apply(tokens)]);
  const att = L.multiHeadAttention({ numHeads: 2, keyDim: 4, useCausalMask: true }).apply([h, h], { attentionMask: mask });
  const n = L.layerNormalization().apply(L.add().apply([h, att]));
  const t = L.timeDistributed({ layer: L.dense({ units: 4, activation: 'tanh' }) }).apply(n);
  const c = L.averagePooling1d({ poolSize: 2 }).apply(L.maxPooling1d({ poolSize: 2, strides: 1, padding: 'same' }).apply(L.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(t)));
  const d = L.spatialDropout1d({ rate: 0.2 }).apply(c);
  const [avg, max] = [L.globalAveragePooling1d().apply(d), L.globalMaxPooling1d().apply(d)];
  const merged = L.average().apply([L.subtract().apply([avg, max]), L.multiply().apply([avg, max]), L.maximum().apply([avg, max]), L.minimum().apply([avg, max])]);
  return my.model({ inputs: [ids, mask], outputs: L.dense({ units: 2 }).apply(merged) });
}

/** Tables: reshape, permute, flatten. */
function tableModel(): my.Model {
  const x = my.input({ shape: [4, 6], name: 'table' });
  const h = L.flatten().apply(L.permute({ dims: [2, 1] }).apply(L.reshape({ targetShape: [6, 4] }).apply(x)));
  return my.model({ inputs: x, outputs: L.dense({ units: 1 }).apply(h) });
}

/** The class names of a model's layers, wrapped layers included. */
function classesOf(model: my.Model): string[] {
  return model.layers.flatMap((l) => (l instanceof my.layers.TimeDistributed ? [l.className, l.layer.className] : [l.className]));
}

/** Inputs of each model: images, then token ids (integers below 12) and a 0/1 attention mask, then tables. */
function feedsOf(i: number): Array32[] {
  if (i === 0) return [uniform([BATCH, 8, 8, 3], 50, -1, 1)];
  if (i === 2) return [uniform([BATCH, 4, 6], 52, -1, 1)];
  const ids = uniform([BATCH, 6], 40, 0, 12);
  ids.data.forEach((v, k) => { ids.data[k] = Math.floor(v); });
  const mask = uniform([BATCH, 6, 6], 41, 0, 1);
  mask.data.forEach((v, k) => { mask.data[k] = v < 0.7 ? 1 : 0; });
  return [ids, mask];
}

describe('ONNX checker (python3-onnx) on exported models', () => {
  if (skip) {
    test('is skipped on request (MYELIN_SKIP_ONNX_CHECKER=1)', () => expect(skip).toBe(true));
    return;
  }
  const models = [imageModel(), sequenceModel(), tableModel()];
  models.forEach((m, i) => randomizeWeights(m, 60 + 10 * i));
  afterAll(() => models.forEach((m) => m.dispose()));

  test('the three models use every registered layer class (but the recurrent and the refused ones)', () => {
    // The recurrent exporters' graphs are checked in onnx-recurrent.test.ts; refused classes have no export.
    const elsewhere = new Set([...Object.keys(RECURRENT_EXPORTERS), ...Object.keys(my.io.onnxRefusedClasses())]);
    const used = new Set(models.flatMap(classesOf));
    expect(my.layers.layerClassNames().filter((c) => !used.has(c) && !elsewhere.has(c))).toEqual([]);
  });

  test('onnx.checker.check_model(full_check) accepts every file', () => {
    if (!checker.ok) throw new Error(`the ONNX checker cannot run: ${checker.message}`);
    expect(onnxCheckerErrors(models.map((m) => my.io.toOnnx(m)))).toEqual([null, null, null]);
  });

  test('the checker is not blind: a node with an unknown operator and a Transpose of the wrong rank are reported', () => {
    if (!checker.ok) throw new Error(`the ONNX checker cannot run: ${checker.message}`);
    class Odd extends my.layers.Layer {
      readonly className = 'OddForChecker';
      constructor() { super({ name: 'odd' }, 'OddForChecker'); }
      call(x: my.Tensor): my.Tensor { return x; }
      computeOutputShape(s: number[]): number[] { return s.slice(); }
    }
    const model = my.sequential([L.dense({ inputShape: [3], units: 2 }), new Odd()]);
    my.io.registerOnnxExporter('OddForChecker', (e) => { e.g.op('NoSuchOperator', [e.inputs[0].name], {}, e.name, e.outputs[0]); });
    const unknownOp = my.io.toOnnx(model);
    my.io.registerOnnxExporter('OddForChecker', (e) => { e.g.transpose(e.inputs[0].name, [0, 2, 1], e.name, e.outputs[0]); });
    const wrongRank = my.io.toOnnx(model);
    const [a, b] = onnxCheckerErrors([unknownOp, wrongRank]);
    expect(a).toMatch(/NoSuchOperator/);
    expect(b).toMatch(/perm|Transpose/i);
    model.dispose();
  });

  test.each([0, 1, 2])('model %i: onnxruntime agrees with myelin to 1e-5', async (i) => {
    expect(await onnxVsMyelin(models[i], feedsOf(i))).toBeLessThan(1e-5);
  });
});
