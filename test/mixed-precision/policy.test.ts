/**
 * Dtype policies: the global policy and a layer's `dtype`, a dense layer's values and gradients under
 * mixed_bfloat16 / mixed_float16 against PyTorch (operands cast with .to(dtype).float(), float32 accumulation),
 * the summary line, save/load, bit-identical fits with a seed (and the native-epochs path equal to the tape), bad
 * input.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as my from '../../lib/index';
import { ValueError } from '../../lib/errors';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { randomValues } from '../helpers/gradcheck';

beforeAll(() => my.setBackend('cpu'));
afterEach(() => my.mixedPrecision.setGlobalPolicy('float32'));

describe('global policy and layer dtype', () => {
  test('layers take the global policy when made, or their own dtype', () => {
    expect(my.mixedPrecision.getGlobalPolicy().name).toBe('float32');
    my.mixedPrecision.setGlobalPolicy('mixed_bfloat16');
    const p = my.mixedPrecision.getGlobalPolicy();
    expect([p.name, p.computeDtype, p.variableDtype]).toEqual(['mixed_bfloat16', 'bfloat16', 'float32']);
    const a = my.layers.dense({ units: 2 });
    const b = my.layers.dense({ units: 2, dtype: 'float32' });
    const c = my.layers.dense({ units: 2, dtype: new my.mixedPrecision.Policy('mixed_float16') });
    const d = my.layers.conv2d({ filters: 2, kernelSize: 3, dtype: { computeDtype: 'float16', variableDtype: 'float32' } });
    my.mixedPrecision.setGlobalPolicy('float32');
    expect([a, b, c, d].map((l) => l.dtypePolicy.name)).toEqual(['mixed_bfloat16', 'float32', 'mixed_float16', 'mixed_float16']);
    expect(a.getConfig().dtype).toBe('mixed_bfloat16');
    expect(b.getConfig().dtype).toBeUndefined();
  });

  test.each([
    [() => my.mixedPrecision.setGlobalPolicy('mixed_bf16' as never), /unknown dtype policy "mixed_bf16"; use one of 'float32', 'mixed_bfloat16', 'mixed_float16'/],
    [() => my.mixedPrecision.setGlobalPolicy(16 as never), /dtype must be a policy name/],
    [() => new my.mixedPrecision.Policy('float64' as never), /unknown dtype policy/],
    [() => my.layers.dense({ units: 2, dtype: 'half' as never }), /Dense: dtype: unknown dtype policy "half"/],
    [() => my.layers.dense({ units: 2, dtype: { computeDtype: 'bfloat16', variableDtype: 'float16' } as never }), /variableDtype must be 'float32'/],
    [() => my.layers.dense({ units: 2, dtype: { computeDtype: 'int8' } as never }), /computeDtype must be 'float32', 'bfloat16' or 'float16'/],
    [() => my.layers.dense({ units: 2, dtype: { computeDtype: 'bfloat16', compute: 1 } as never }), /takes computeDtype and variableDtype, got the key 'compute'/],
  ])('bad policy %# is a ValueError that names the valid ones', (make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
    expect(my.mixedPrecision.getGlobalPolicy().name).toBe('float32');  // a bad call changes nothing
  });
});

describe('dense values and gradients against PyTorch', () => {
  const torch = torchAvailable();
  const run = torch.ok ? test : test.skip;
  if (!torch.ok) console.warn(`PyTorch comparison skipped: ${torch.message}`);

  run.each(['bfloat16', 'float16'] as const)('%s: z = cast(x) cast(W) + b and the gradients of sum(z dy)', (dtype) => {
    const n = 6; const k = 40; const m = 5;
    const inputs = { n, k, m, x: Array.from(randomValues(n * k, 1, -3, 3)), w: Array.from(randomValues(k * m, 2, -1, 1)),
      b: Array.from(randomValues(m, 3, -1, 1)), dy: Array.from(randomValues(n * m, 4, -1e-3, 1e-3)) };
    const r = spawnSync(torch.python, [path.join(__dirname, 'dense_torch.py')], { input: JSON.stringify(inputs), encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`dense_torch.py failed: ${r.stderr}`);
    const want = JSON.parse(r.stdout)[dtype] as Record<'z' | 'dx' | 'dw' | 'db', number[]>;

    const layer = my.layers.dense({ units: m, dtype: dtype === 'bfloat16' ? 'mixed_bfloat16' : 'mixed_float16' });
    const x = my.variable(my.tensor(Float32Array.from(inputs.x), [n, k]));
    layer.build([k]);
    layer.setWeights([my.tensor(Float32Array.from(inputs.w), [k, m]), my.tensor(Float32Array.from(inputs.b), [m])]);
    const dy = my.tensor(Float32Array.from(inputs.dy), [n, m]);
    let z: my.Tensor | null = null;
    const { grads } = my.valueAndGrads(() => { z = my.keep(layer.apply(x) as my.Tensor); return my.sum(my.mul(z, dy)); }, [x, layer.kernel!, layer.bias!]);
    const close = (got: Float32Array, ref: number[], rtol: number, what: string): void => {
      const scale = Math.max(...ref.map(Math.abs));
      ref.forEach((v, i) => { if (!(Math.abs(got[i] - v) <= rtol * Math.abs(v) + 1e-6 * scale)) throw new Error(`${what}[${i}]: ${got[i]} vs ${v}`); });
    };
    close((z as unknown as my.Tensor).dataSync(), want.z, 1e-5, 'z');
    // gradients pass through a cast to the 16-bit type: one unit of its last place where sums differ in order
    const ulp = dtype === 'bfloat16' ? 2 ** -8 : 2 ** -11;
    close(grads[0].dataSync(), want.dx, ulp, 'dx');
    close(grads[1].dataSync(), want.dw, ulp, 'dw');
    close(grads[2].dataSync(), want.db, 1e-5, 'db');
    // and the rounding is real: float32 gives other values
    const f32 = my.matmul(x, layer.kernel!).dataSync();
    expect(Array.from(f32).some((v, i) => Math.abs(v + inputs.b[i % m] - want.z[i]) > 1e-4 * Math.abs(want.z[i]))).toBe(true);
  });
});

function data(): { x: my.Tensor; y: my.Tensor } {
  const x = my.randomNormal([256, 12], { seed: 11 });
  return { x, y: my.greater(my.sum(x, 1, true), 0) };
}

async function fitOnce(policy: my.mixedPrecision.PolicyName): Promise<{ weights: Float32Array[]; strategy: unknown }> {
  my.mixedPrecision.setGlobalPolicy(policy);
  my.setSeed(7);
  const model = my.sequential([
    my.layers.dense({ units: 16, activation: 'relu', inputShape: [12] }),
    my.layers.dropout({ rate: 0.1 }),
    my.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const { x, y } = data();
  const history = await model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0, seed: 3 });
  return { weights: model.getWeights().map((w) => w.dataSync().slice()), strategy: history.params.strategy };
}

describe('seeded fits', () => {
  test.each(['mixed_bfloat16', 'mixed_float16'] as const)('%s: two runs give the same weights bit for bit, the tape too', async (policy) => {
    const a = await fitOnce(policy);
    const b = await fitOnce(policy);
    process.env.MYELIN_STEP_REPLAY = '0';
    let tape: Awaited<ReturnType<typeof fitOnce>>;
    try {
      tape = await fitOnce(policy);
    } finally {
      delete process.env.MYELIN_STEP_REPLAY;
    }
    expect(a.strategy).toBe(policy === 'mixed_float16' ? 'compiled-replay' : 'native-epochs');
    expect(tape.strategy).toBe('tape');
    const f32 = await fitOnce('float32');
    a.weights.forEach((w, i) => {
      expect(Buffer.from(b.weights[i].buffer).equals(Buffer.from(w.buffer))).toBe(true);
      expect(Buffer.from(tape.weights[i].buffer).equals(Buffer.from(w.buffer))).toBe(true);
    });
    expect(a.weights.some((w, i) => !Buffer.from(f32.weights[i].buffer).equals(Buffer.from(w.buffer)))).toBe(true);
  }, 60_000);
});

describe('summary and save/load', () => {
  test('the summary names the policy; save/load keeps it and the predictions', async () => {
    my.mixedPrecision.setGlobalPolicy('mixed_bfloat16');
    const model = my.sequential([
      my.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
      my.layers.dense({ units: 2, activation: 'softmax', dtype: 'float32', name: 'head' }),
    ]);
    my.mixedPrecision.setGlobalPolicy('float32');
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    expect(lines).toContain('Dtype policy: mixed_bfloat16 (float32: head)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myelin-mixed-'));
    try {
      await model.save(dir);
      const again = await my.loadModel<my.Sequential>(dir);
      expect(again.layers.map((l) => l.dtypePolicy.name)).toEqual(['mixed_bfloat16', 'float32']);
      const x = my.randomNormal([5, 4], { seed: 1 });
      expect(Array.from(again.predict(x).dataSync())).toEqual(Array.from(model.predict(x).dataSync()));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
