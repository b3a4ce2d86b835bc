/**
 * lstm, gru and simpleRnn against torch.nn.LSTM / GRU / RNN (batch_first, float64, weights converted from Keras's
 * layout by test/parity/recurrent_torch.py): the output sequence, the final states and the gradients of
 * sum(seq * dy) + sum(state * dstate) with respect to the input, the initial states and every weight; forward and
 * backward, goBackwards, and a 0/1 mask (PyTorch side: LSTMCell / GRUCell / RNNCell step by step, a masked step
 * keeping the state). On every backend that loads. Needs /usr/bin/python3 with torch.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as my from '../../lib/index';
import { pythonPath } from '../../benchmarks/peers';
import { torchAvailable } from '../../benchmarks/parity/sides';
import { availableBackends } from '../helpers/backends';
import { randomValues } from '../helpers/gradcheck';

const torch = torchAvailable();
const vals = (n: number, seed: number, lo = -1, hi = 1): number[] => Array.from(randomValues(n, seed, lo, hi));
type Kind = 'lstm' | 'gru' | 'rnn';
const GATES: Record<Kind, number> = { lstm: 4, gru: 3, rnn: 1 };

interface Case { kind: Kind; units: number; goBackwards: boolean; mask: number[] | null; shapes: Record<string, number[]>; [k: string]: unknown }

function makeCase(kind: Kind, seed: number, B: number, T: number, F: number, U: number, goBackwards: boolean, masked: boolean): Case {
  const k = GATES[kind] * U;
  const shapes: Record<string, number[]> = {
    x: [B, T, F], kernel: [F, k], recurrent: [U, k], bias: kind === 'gru' ? [2, k] : [k], dy: [B, T, U], mask: [B, T],
  };
  const c: Case = { kind, units: U, goBackwards, mask: null, shapes };
  c.x = vals(B * T * F, seed, -2, 2);
  c.kernel = vals(F * k, seed + 1, -0.5, 0.5);
  c.recurrent = vals(U * k, seed + 2, -0.5, 0.5);
  c.bias = vals(shapes.bias.reduce((a, b) => a * b, 1), seed + 3, -0.5, 0.5);
  c.dy = vals(B * T * U, seed + 4);
  const states = kind === 'lstm' ? 2 : 1;
  for (let i = 0; i < states; i++) {
    shapes[`s${i}`] = [B, U];
    shapes[`ds${i}`] = [B, U];
    c[`s${i}`] = vals(B * U, seed + 10 + i);
    c[`ds${i}`] = vals(B * U, seed + 20 + i);
  }
  if (masked) c.mask = vals(B * T, seed + 5, 0, 1).map((u) => (u < 0.3 ? 0 : 1));
  return c;
}

const CASES: Case[] = [];
(['lstm', 'gru', 'rnn'] as Kind[]).forEach((kind, i) => {
  CASES.push(makeCase(kind, 100 * i + 1, 3, 5, 4, 6, false, false));
  CASES.push(makeCase(kind, 100 * i + 31, 2, 7, 3, 5, true, false));
  CASES.push(makeCase(kind, 100 * i + 61, 4, 6, 5, 3, false, true));
});

let results: Array<Record<string, unknown>> = [];
if (torch.ok) {
  const script = path.join(__dirname, 'recurrent_torch.py');
  const r = spawnSync(pythonPath(), [script], { input: JSON.stringify(CASES), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`recurrent_torch.py failed (exit ${r.status}): ${r.stderr}`);
  results = (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { results: Array<Record<string, unknown>> }).results;
}

const t = (c: Case, k: string): my.Tensor => my.tensor(Float32Array.from(c[k] as number[]), c.shapes[k]);

/** Throws naming the first element where |got - want| > tol * max(1, |want|). */
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) throw new Error(`${what}[${i}]: myelin ${got[i]}, torch ${want[i]}`);
  }
}

function layerFor(c: Case): my.layers.RecurrentLayer {
  const opts = { units: c.units, returnSequences: true, returnState: true, goBackwards: c.goBackwards };
  if (c.kind === 'lstm') return my.layers.lstm(opts);
  if (c.kind === 'gru') return my.layers.gru(opts);
  return my.layers.simpleRnn(opts);
}

describe('recurrent layers against torch.nn.LSTM / GRU / RNN', () => {
  test('PyTorch is importable', () => {
    if (!torch.ok) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    expect(results.length).toBe(CASES.length);
  });

  describe.each(availableBackends())('$label', ({ name, options }) => {
    beforeAll(() => my.setBackend(name, options));

    test.each(CASES.map((c, i) => [i, c.kind, c.goBackwards, c.mask !== null] as const))('case %i: %s, goBackwards %s, mask %s', (i) => {
      const c = CASES[i];
      const want = results[i] as { seq: number[]; finals: number[][]; dx: number[]; dkernel: number[]; drecurrent: number[]; dbias: number[]; dstates: number[][] };
      const layer = layerFor(c);
      const states = c.kind === 'lstm' ? 2 : 1;
      const x = my.variable(t(c, 'x'), true, 'x');
      const s0 = Array.from({ length: states }, (_, j) => my.variable(t(c, `s${j}`), true, `s${j}`));
      const mask = c.mask === null ? null : t(c, 'mask');
      layer.run([x, ...s0], mask, false);  // builds
      layer.setWeights([t(c, 'kernel'), t(c, 'recurrent'), t(c, 'bias')]);
      const outs: Float32Array[] = [];
      const { grads } = my.valueAndGrads(() => {
        const [seq, ...finals] = layer.run([x, ...s0], mask, false);
        outs.push(seq.dataSync().slice(), ...finals.map((f) => f.dataSync().slice()));
        let loss = my.sum(my.mul(seq, t(c, 'dy')));
        finals.forEach((f, j) => { loss = my.add(loss, my.sum(my.mul(f, t(c, `ds${j}`)))); });
        return loss;
      }, [x, ...s0, ...layer.trainableWeights]);
      const tol = 1e-5;
      close(outs[0], want.seq, tol, 'sequence');
      want.finals.forEach((f, j) => close(outs[1 + j], f, tol, `final state ${j}`));
      close(grads[0].dataSync(), want.dx, tol, 'd/dx');
      want.dstates.forEach((g, j) => close(grads[1 + j].dataSync(), g, tol, `d/dstate${j}`));
      close(grads[1 + states].dataSync(), want.dkernel, tol, 'd/dkernel');
      close(grads[2 + states].dataSync(), want.drecurrent, tol, 'd/drecurrentKernel');
      close(grads[3 + states].dataSync(), want.dbias, tol, 'd/dbias');
    });
  });
});
