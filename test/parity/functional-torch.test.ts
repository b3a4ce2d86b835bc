/**
 * A two-branch graph model against PyTorch: inputs a [3] and b [2], da = tanh(a Wa + ba), db = relu(b Wb + bb),
 * out = (concat(concat(da, db), da * db)) Wo + bo. The same weights and inputs go to torch (written out with
 * torch.tanh, torch.relu, torch.cat, elementwise *, @); the output and the gradients of sum(out * r) with respect
 * to every weight must agree within 1e-5 (relative to max(1, |value|)).
 *
 * Needs /usr/bin/python3 with torch, as test/parity/torch-parity.test.ts (MYELIN_SKIP_TORCH_PARITY=1 skips it).
 */
import { execFileSync } from 'child_process';
import * as my from '../../lib/index';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { randomValues } from '../helpers/gradcheck';

const torch = torchAvailable();
const skip = process.env.MYELIN_SKIP_TORCH_PARITY === '1' && !torch.ok;

const SCRIPT = `import json, sys, torch
d = json.load(sys.stdin)
t = lambda k: torch.tensor(d[k], dtype=torch.float32).reshape(d['shapes'][k])
a, b, r = t('a'), t('b'), t('r')
ws = {k: t(k).requires_grad_() for k in ['Wa', 'ba', 'Wb', 'bb', 'Wo', 'bo']}
da = torch.tanh(a @ ws['Wa'] + ws['ba'])
db = torch.relu(b @ ws['Wb'] + ws['bb'])
out = torch.cat([torch.cat([da, db], dim=1), da * db], dim=1) @ ws['Wo'] + ws['bo']
(out * r).sum().backward()
print(json.dumps({'out': out.detach().double().ravel().tolist(), **{k: v.grad.double().ravel().tolist() for k, v in ws.items()}}))`;

(skip ? test.skip : test)('two-branch model: forward and weight gradients equal PyTorch (1e-5)', () => {
  if (!torch.ok) throw new Error(`PyTorch parity cannot run: ${torch.message} Set MYELIN_SKIP_TORCH_PARITY=1 to skip explicitly.`);
  my.setSeed(3);
  const a = my.input({ shape: [3], name: 'a' });
  const b = my.input({ shape: [2], name: 'b' });
  const dA = my.layers.dense({ units: 4, activation: 'tanh', name: 'da' });
  const dB = my.layers.dense({ units: 4, activation: 'relu', name: 'db' });
  const ha = dA.apply(a);
  const hb = dB.apply(b);
  const joined = my.layers.concatenate().apply([my.layers.concatenate().apply([ha, hb]), my.layers.multiply().apply([ha, hb])]);
  const head = my.layers.dense({ units: 2, name: 'out' });
  const model = my.model({ inputs: [a, b], outputs: head.apply(joined) });
  // Non-zero biases so that they matter.
  for (const w of model.weights) if (w.rank === 1) w.assign(my.tensor(randomValues(w.size, w.size), w.shape.slice()));
  const n = 5;
  const xa = my.tensor(randomValues(n * 3, 11), [n, 3]);
  const xb = my.tensor(randomValues(n * 2, 12), [n, 2]);
  const r = my.tensor(randomValues(n * 2, 13), [n, 2]);
  const vars = model.trainableWeights;
  const { grads } = my.valueAndGrads(() => my.sum(my.mul(model.call([xa, xb]) as my.Tensor, r)), vars);
  const out = (model.predict([xa, xb]) as my.Tensor).dataSync();
  const names = ['Wa', 'ba', 'Wb', 'bb', 'Wo', 'bo'];
  const payload: Record<string, unknown> = { a: Array.from(xa.dataSync()), b: Array.from(xb.dataSync()), r: Array.from(r.dataSync()), shapes: { a: [n, 3], b: [n, 2], r: [n, 2] } };
  vars.forEach((v, i) => { payload[names[i]] = Array.from(v.dataSync()); (payload.shapes as Record<string, number[]>)[names[i]] = v.shape.slice(); });
  const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT], { input: JSON.stringify(payload) }).toString()) as Record<string, number[]>;
  const close = (got: ArrayLike<number>, want: number[], what: string) => {
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      if (Math.abs(got[i] - want[i]) > 1e-5 * Math.max(1, Math.abs(want[i]))) throw new Error(`${what}[${i}]: myelin ${got[i]}, torch ${want[i]}`);
    }
  };
  close(out, ref.out, 'output');
  names.forEach((k, i) => close(grads[i].dataSync(), ref[k], `d/d${k}`));
}, 60_000);
