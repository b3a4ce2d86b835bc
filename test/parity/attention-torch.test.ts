/**
 * multiHeadAttention against torch.nn.MultiheadAttention (batch_first, weights converted from Keras's layout by
 * test/parity/attention_torch.py): the output, the per-head attention weights and the gradients of sum(out * dy)
 * with respect to query, key, value and all eight weights, without a mask, with a [B, T, S] mask, with the causal
 * mask and with both (T != S). Then a transformer encoder block built with the functional API (attention, add,
 * layerNormalization, dense feed-forward) against torch.nn.TransformerEncoderLayer(batch_first=True,
 * norm_first=False, dropout=0, relu): its output and the weights after one SGD step on the mean squared error.
 * On every backend that loads. Needs /usr/bin/python3 with torch (MYELIN_SKIP_TORCH_PARITY=1 skips it).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';
import { pythonPath } from '../../benchmarks/peers';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { availableBackends } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';

const torch = torchAvailable();
const skip = process.env.MYELIN_SKIP_TORCH_PARITY === '1' && !torch.ok;
const vals = (n: number, seed: number, lo = -1, hi = 1): number[] => Array.from(randomValues(n, seed, lo, hi));

const [H, D, DH] = [2, 8, 4];
const MHA_WEIGHTS = ['qk', 'qb', 'kk', 'kb', 'vk', 'vb', 'ok', 'ob'];
const MHA_SHAPES = [[D, H, DH], [H, DH], [D, H, DH], [H, DH], [D, H, DH], [H, DH], [H, DH, D], [D]];

/** A case of the attention layer: inputs, Keras-layout weights, the 0/1 mask (a 1 at step 0 of every row). */
function mhaCase(seed: number, B: number, T: number, S: number, masked: boolean, causal: boolean) {
  const shapes: Record<string, number[]> = { query: [B, T, D], key: [B, S, D], value: [B, S, D], dy: [B, T, D], mask: [B, T, S] };
  const c: Record<string, unknown> = { kind: 'mha', heads: H, d: D, causal, shapes, mask: null };
  c.query = vals(B * T * D, seed); c.key = vals(B * S * D, seed + 1); c.value = vals(B * S * D, seed + 2); c.dy = vals(B * T * D, seed + 3);
  MHA_WEIGHTS.forEach((n, i) => { shapes[n] = MHA_SHAPES[i]; c[n] = vals(MHA_SHAPES[i].reduce((a, b) => a * b, 1), seed + 10 + i, -0.6, 0.6); });
  if (masked) c.mask = vals(B * T * S, seed + 5, 0, 1).map((u, i) => (i % S === 0 || u > 0.35 ? 1 : 0));
  return c;
}

const CASES = [
  mhaCase(100, 2, 5, 5, false, false), mhaCase(200, 2, 5, 7, true, false), mhaCase(300, 3, 6, 6, false, true),
  mhaCase(400, 2, 4, 6, true, true),
];
const [B, T, FF, LR, EPS] = [4, 6, 16, 0.1, 1e-5];
const ENC_NAMES = [...MHA_WEIGHTS, 'g1', 'b1', 'f1k', 'f1b', 'f2k', 'f2b', 'g2', 'b2'];
const ENC_SHAPES = [...MHA_SHAPES, [D], [D], [D, FF], [FF], [FF, D], [D], [D], [D]];
const ENCODER: Record<string, unknown> = { kind: 'encoder', heads: H, d: D, ff: FF, lr: LR, eps: EPS, weightNames: ENC_NAMES, shapes: { x: [B, T, D], target: [B, T, D] } };
ENCODER.x = vals(B * T * D, 900, -2, 2);
ENCODER.target = vals(B * T * D, 901);
ENC_NAMES.forEach((n, i) => {
  (ENCODER.shapes as Record<string, number[]>)[n] = ENC_SHAPES[i];
  ENCODER[n] = vals(ENC_SHAPES[i].reduce((a, b) => a * b, 1), 1000 + i, n.startsWith('g') ? 0.5 : -0.5, n.startsWith('g') ? 1.5 : 0.5);
});

let results: Array<Record<string, unknown>> = [];
if (torch.ok) {
  const script = path.join(__dirname, 'attention_torch.py');
  const r = spawnSync(pythonPath(), [script], { input: JSON.stringify([...CASES, ENCODER]), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`attention_torch.py failed (exit ${r.status}): ${r.stderr}`);
  results = (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { results: Array<Record<string, unknown>> }).results;
}

const t = (c: Record<string, unknown>, k: string): my.Tensor => my.tensor(Float32Array.from(c[k] as number[]), (c.shapes as Record<string, number[]>)[k]);

/** Throws naming the first element where |got - want| > tol * max(1, |want|). */
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) throw new Error(`${what}[${i}]: myelin ${got[i]}, torch ${want[i]}`);
  }
}

/** The encoder block of the ENCODER case as a functional model, its layers in the weight order of ENC_NAMES. */
function encoderBlock(): { model: my.Model; layers: my.layers.Layer[] } {
  const x = my.input({ shape: [T, D] });
  const mha = my.layers.multiHeadAttention({ numHeads: H, keyDim: DH });
  const ln1 = my.layers.layerNormalization({ epsilon: EPS });
  const ff1 = my.layers.dense({ units: FF, activation: 'relu' });
  const ff2 = my.layers.dense({ units: D });
  const ln2 = my.layers.layerNormalization({ epsilon: EPS });
  const h = ln1.apply(my.layers.add().apply([x, mha.apply([x, x])]));
  const out = ln2.apply(my.layers.add().apply([h, ff2.apply(ff1.apply(h))]));
  return { model: my.model({ inputs: x, outputs: out }), layers: [mha, ln1, ff1, ff2, ln2] };
}

describe('multiHeadAttention against torch.nn.MultiheadAttention', () => {
  if (skip) {
    test('is skipped on request (MYELIN_SKIP_TORCH_PARITY=1)', () => expect(skip).toBe(true));
    return;
  }
  test('PyTorch is importable', () => {
    if (!torch.ok) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    expect(results.length).toBe(CASES.length + 1);
  });

  describe.each(availableBackends())('$label', ({ name, options }) => {
    beforeAll(() => my.setBackend(name, options));

    test.each(CASES.map((c, i) => [i, `mask ${c.mask !== null}, causal ${c.causal}`] as const))('case %i (%s): output, weights and gradients', (i) => {
      const c = CASES[i];
      const want = results[i];
      const layer = my.layers.multiHeadAttention({ numHeads: H, keyDim: DH });
      const [q, k, v] = ['query', 'key', 'value'].map((n) => my.variable(t(c, n), true, n));
      const mask = c.mask === null ? null : t(c, 'mask');
      const opts = { attentionMask: mask, useCausalMask: c.causal as boolean, returnAttentionScores: true };
      layer.applyWithScores([q, v, k], opts);  // builds
      layer.setWeights(MHA_WEIGHTS.map((n) => t(c, n)));
      let out: Float32Array = new Float32Array(0), weights: Float32Array = new Float32Array(0);
      const { grads } = my.valueAndGrads(() => {
        const [o, w] = layer.applyWithScores([q, v, k], opts);
        out = o.dataSync().slice();
        weights = w.dataSync().slice();
        return my.sum(my.mul(o, t(c, 'dy')));
      }, [q, k, v, ...layer.trainableWeights]);
      close(out, want.out as number[], 1e-5, 'output');
      close(weights, want.weights as number[], 1e-5, 'attention weights');
      close(grads[0].dataSync(), want.dquery as number[], 1e-5, 'd/dquery');
      close(grads[1].dataSync(), want.dkey as number[], 1e-5, 'd/dkey');
      close(grads[2].dataSync(), want.dvalue as number[], 1e-5, 'd/dvalue');
      (want.dweights as number[][]).forEach((g, j) => close(grads[3 + j].dataSync(), g, 1e-5, `d/d${MHA_WEIGHTS[j]}`));
    });

    test('transformer encoder block: output and one SGD step equal TransformerEncoderLayer', async () => {
      const want = results[CASES.length];
      const { model, layers } = encoderBlock();
      const vars = layers.flatMap((l) => l.weights);
      expect(vars.map((v) => v.shape)).toEqual(ENC_SHAPES);
      vars.forEach((v, i) => v.assign(t(ENCODER, ENC_NAMES[i])));
      const x = t(ENCODER, 'x');
      close((model.predict(x) as my.Tensor).dataSync(), want.out as number[], 1e-5, 'encoder output');
      model.compile({ optimizer: my.optimizers.sgd({ learningRate: LR }), loss: 'meanSquaredError' });
      const history = await model.fit(x, t(ENCODER, 'target'), { epochs: 1, batchSize: B, shuffle: false, verbose: 0 });
      expect(history.history.loss[0]).toBeCloseTo(want.loss as number, 5);
      (want.after as number[][]).forEach((w, i) => close(vars[i].dataSync(), w, 1e-5, `${ENC_NAMES[i]} after one step`));
    });
  });
});
