/**
 * bidirectional(lstm / gru / simpleRnn) against torch.nn.LSTM / GRU / RNN(bidirectional=True, batch_first), weights
 * converted from Keras's layout by test/parity/recurrent_torch.py: the concatenated sequence, the four (LSTM) or two
 * final states and the gradients with respect to the input and the six weights; the sum, mul and ave modes from
 * the same two directions; and the last-output form (returnSequences false). On every backend that loads.
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
const [B, T, F, U] = [3, 5, 4, 3];

interface Case { kind: Kind; units: number; bidirectional: true; shapes: Record<string, number[]>; [k: string]: unknown }

function makeCase(kind: Kind, seed: number): Case {
  const k = GATES[kind] * U;
  const c: Case = { kind, units: U, bidirectional: true, shapes: { x: [B, T, F], dy: [B, T, 2 * U] } };
  c.x = vals(B * T * F, seed, -2, 2);
  c.dy = vals(B * T * 2 * U, seed + 1);
  for (let d = 0; d < 2; d++) {
    const shapes: Array<[string, number[]]> = [[`kernel${d}`, [F, k]], [`recurrent${d}`, [U, k]], [`bias${d}`, kind === 'gru' ? [2, k] : [k]]];
    shapes.forEach(([name, shape], i) => {
      c.shapes[name] = shape;
      c[name] = vals(shape.reduce((a, b) => a * b, 1), seed + 10 * d + i + 2, -0.5, 0.5);
    });
  }
  for (let i = 0; i < (kind === 'lstm' ? 4 : 2); i++) {
    c.shapes[`ds${i}`] = [B, U];
    c[`ds${i}`] = vals(B * U, seed + 40 + i);
  }
  return c;
}

const CASES = (['lstm', 'gru', 'rnn'] as Kind[]).map((kind, i) => makeCase(kind, 500 + 100 * i));
let results: Array<{ seq: number[]; finals: number[][]; dx: number[]; dweights: number[][] }> = [];
if (torch.ok) {
  const r = spawnSync(pythonPath(), [path.join(__dirname, 'recurrent_torch.py')], { input: JSON.stringify(CASES), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`recurrent_torch.py failed (exit ${r.status}): ${r.stderr}`);
  results = JSON.parse(r.stdout.trim().split('\n').pop() as string).results;
}

const t = (c: Case, k: string): my.Tensor => my.tensor(Float32Array.from(c[k] as number[]), c.shapes[k]);

function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) throw new Error(`${what}[${i}]: myelin ${got[i]}, torch ${want[i]}`);
  }
}

function wrap(c: Case, mergeMode: my.layers.MergeMode, returnSequences = true): my.layers.Bidirectional {
  const opts = { units: U, returnSequences, returnState: true };
  const inner = c.kind === 'lstm' ? my.layers.lstm(opts) : c.kind === 'gru' ? my.layers.gru(opts) : my.layers.simpleRnn(opts);
  const layer = my.layers.bidirectional(inner, { mergeMode });
  layer.apply(t(c, 'x'));
  layer.setWeights([0, 1].flatMap((d) => ['kernel', 'recurrent', 'bias'].map((n) => t(c, `${n}${d}`))));
  return layer;
}

describe('bidirectional against PyTorch bidirectional=True', () => {
  test('PyTorch is importable', () => {
    if (!torch.ok) throw new Error(`PyTorch parity cannot run: ${torch.message}`);
    expect(results.length).toBe(CASES.length);
  });

  describe.each(availableBackends())('$label', ({ name, options }) => {
    beforeAll(() => my.setBackend(name, options));

    test.each(CASES.map((c, i) => [i, c.kind] as const))('case %i (%s): concat sequence, final states, all gradients', (i) => {
      const c = CASES[i], want = results[i];
      const layer = wrap(c, 'concat');
      const x = my.variable(t(c, 'x'), true, 'x');
      const outs: Float32Array[] = [];
      const { grads } = my.valueAndGrads(() => {
        const [y, ...finals] = layer.invoke([x], false);
        outs.push(y.dataSync().slice(), ...finals.map((f) => f.dataSync().slice()));
        let loss = my.sum(my.mul(y, t(c, 'dy')));
        finals.forEach((f, j) => { loss = my.add(loss, my.sum(my.mul(f, t(c, `ds${j}`)))); });
        return loss;
      }, [x, ...layer.trainableWeights]);
      close(outs[0], want.seq, 1e-5, 'sequence');
      want.finals.forEach((f, j) => close(outs[1 + j], f, 1e-5, `final state ${j}`));
      close(grads[0].dataSync(), want.dx, 1e-5, 'd/dx');
      want.dweights.forEach((g, j) => close(grads[1 + j].dataSync(), g, 1e-5, `d/dweight${j}`));
    });

    test('sum, mul and ave merge the same two directions; returnSequences false merges the final outputs', () => {
      const c = CASES[0], want = results[0];
      const fwd: number[] = [], bwd: number[] = [];
      want.seq.forEach((v, i) => ((i % (2 * U)) < U ? fwd : bwd).push(v));
      const ops: Record<string, (a: number, b: number) => number> = { sum: (a, b) => a + b, mul: (a, b) => a * b, ave: (a, b) => (a + b) / 2 };
      for (const mode of ['sum', 'mul', 'ave'] as const) {
        const y = wrap(c, mode).invoke([t(c, 'x')], false)[0];
        expect(y.shape).toEqual([B, T, U]);
        close(y.dataSync(), fwd.map((a, i) => ops[mode](a, bwd[i])), 1e-5, mode);
      }
      const last = wrap(c, 'concat', false).invoke([t(c, 'x')], false)[0];
      expect(last.shape).toEqual([B, 2 * U]);
      close(last.dataSync(), [0, 1, 2].flatMap((b) => [...want.finals[0].slice(b * U, b * U + U), ...want.finals[2].slice(b * U, b * U + U)]), 1e-5, 'last outputs');
    });
  });
});
