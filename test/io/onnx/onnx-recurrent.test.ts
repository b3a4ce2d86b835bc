/**
 * The ONNX exporters of the recurrent cells (lib/io/onnx/exporters/recurrent.ts), before the layers exist: each case
 * writes an ONNX graph from hand-made Keras-layout weights (kernel [F, G U], recurrent_kernel [U, G U], bias; LSTM
 * gates i, f, c, o; GRU z, r, h reset-after with bias [2, 3 U]), runs it with onnxruntime-node and compares the
 * outputs, in Keras's order, with PyTorch's (torch.nn.LSTM / GRU / RNN with converted weights, or the Keras cell
 * equations in torch ops for other activations: test/io/onnx/recurrent_torch.py) to 1e-5 relative to 1 + |value|.
 * Single layers go through the registered exporter of their class (config and weights read as from a layer);
 * bidirectional pairs through emitRecurrent. ONNX's checker (python3-onnx) accepts every graph. Needs /usr/bin/python3
 * with torch (MYELIN_SKIP_TORCH_PARITY=1 skips) and python3-onnx (MYELIN_SKIP_ONNX_CHECKER=1 skips that check).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { pythonPath } from '../../../benchmarks/peers';
import { torchAvailable } from '../../../benchmarks/parity/sides';
import { ModelFormatError } from '../../../lib/errors';
import { OnnxGraphBuilder } from '../../../lib/io/onnx/graph-builder';
import type { LayerExport } from '../../../lib/io/onnx/layer-exporter';
import { encodeOnnxModel, OnnxType } from '../../../lib/io/onnx/onnx-proto';
import { emitRecurrent, RECURRENT_EXPORTERS, type RecurrentCellKind, type RecurrentMergeMode } from '../../../lib/io/onnx/exporters/recurrent';
import { onnxCheckerAvailable, onnxCheckerErrors } from './onnx-check';
import { maxRelativeDiff, runOnnx, stopOnnxWorker, uniform, type Array32 } from './run-onnx';

const TOL = 1e-5;
const [B, T, F, U] = [3, 5, 4, 3];
const GATES: Record<RecurrentCellKind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };
const torch = torchAvailable();
const skip = process.env.MYELIN_SKIP_TORCH_PARITY === '1' && !torch.ok;

afterAll(stopOnnxWorker);

interface Case {
  name: string;
  cell: RecurrentCellKind;
  activation?: string;
  recurrentActivation?: string;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  useBias?: boolean;
  initial?: boolean;
  bidirectional?: boolean;
  mergeMode?: RecurrentMergeMode;
}

const CASES: Case[] = [
  { name: 'LSTM, last output', cell: 'LSTM' },
  { name: 'LSTM, sequences and states from given initial states', cell: 'LSTM', returnSequences: true, returnState: true, initial: true },
  { name: 'LSTM, goBackwards sequences', cell: 'LSTM', goBackwards: true, returnSequences: true },
  { name: 'LSTM, relu cell activation, no bias', cell: 'LSTM', activation: 'relu', useBias: false, returnSequences: true },
  { name: 'GRU (reset after), sequences', cell: 'GRU', returnSequences: true },
  { name: 'GRU, goBackwards, state from an initial state', cell: 'GRU', goBackwards: true, returnState: true, initial: true },
  { name: 'GRU, linear cell activation', cell: 'GRU', activation: 'linear', returnSequences: true },
  { name: 'SimpleRNN, tanh', cell: 'SimpleRNN', returnSequences: true },
  { name: 'SimpleRNN, relu, goBackwards, state', cell: 'SimpleRNN', activation: 'relu', goBackwards: true, returnState: true },
  { name: 'SimpleRNN, linear, no bias, initial state', cell: 'SimpleRNN', activation: 'linear', useBias: false, initial: true },
  { name: 'bidirectional LSTM, concat sequences', cell: 'LSTM', bidirectional: true, returnSequences: true },
  { name: 'bidirectional LSTM, ave of last outputs, states from initial states', cell: 'LSTM', bidirectional: true, mergeMode: 'ave', returnState: true, initial: true },
  { name: 'bidirectional GRU, sum sequences', cell: 'GRU', bidirectional: true, mergeMode: 'sum', returnSequences: true },
  { name: 'bidirectional GRU, mul, sigmoid cell activation', cell: 'GRU', bidirectional: true, mergeMode: 'mul', activation: 'sigmoid' },
  { name: 'bidirectional SimpleRNN, directions kept apart (mergeMode null)', cell: 'SimpleRNN', bidirectional: true, mergeMode: null, returnSequences: true },
];

interface Weights { kernel: Float32Array; recurrentKernel: Float32Array; bias: Float32Array | null }

/** The case's inputs and Keras-layout weights (seeded). */
function dataOf(c: Case, k: number) {
  const G = GATES[c.cell];
  const biasShape = c.cell === 'GRU' ? [2, G * U] : [G * U];
  const dirs = c.bidirectional ? 2 : 1;
  const weights: Weights[] = Array.from({ length: dirs }, (_, d) => ({
    kernel: uniform([F, G * U], 100 * k + 10 * d + 1, -0.6, 0.6).data,
    recurrentKernel: uniform([U, G * U], 100 * k + 10 * d + 2, -0.6, 0.6).data,
    bias: c.useBias === false ? null : uniform(biasShape, 100 * k + 10 * d + 3, -0.5, 0.5).data,
  }));
  const states = c.initial ? dirs * (c.cell === 'LSTM' ? 2 : 1) : 0;
  const initial = Array.from({ length: states }, (_, s) => uniform([B, U], 100 * k + 50 + s, -0.8, 0.8));
  return { x: uniform([B, T, F], 100 * k + 7, -1.5, 1.5), weights, initial, biasShape };
}

const DATA = CASES.map((c, k) => dataOf(c, k));

/** The number of the case's outputs (Keras's order: output(s), then the final states). */
function outputCount(c: Case): number {
  const dirs = c.bidirectional ? 2 : 1;
  return (c.bidirectional && c.mergeMode === null ? 2 : 1) + (c.returnState ? dirs * (c.cell === 'LSTM' ? 2 : 1) : 0);
}

/** The shape of output `i` of the case (batch symbolic). */
function outputShape(c: Case, i: number): (number | string)[] {
  const main = c.bidirectional && c.mergeMode === null ? 2 : 1;
  if (i >= main) return ['batch', U];
  const width = c.bidirectional && c.mergeMode === undefined ? 2 * U : U;
  return c.returnSequences ? ['batch', T, width] : ['batch', width];
}

const fail = (m: string): never => { throw new ModelFormatError(`recurrent test layer: ${m}`); };

/** The ONNX bytes of case `k` (inputs x, s0, s1, ...; outputs y0, y1, ...). */
function onnxOf(c: Case, k: number): Uint8Array {
  const { weights, initial } = DATA[k];
  const g = new OnnxGraphBuilder();
  const x = g.claim('x');
  const states = initial.map((_, s) => g.claim(`s${s}`));
  const outputs = Array.from({ length: outputCount(c) }, (_, o) => g.claim(`y${o}`));
  const common = { units: U, activation: c.activation ?? 'tanh', recurrentActivation: c.recurrentActivation ?? 'sigmoid', returnSequences: c.returnSequences ?? false, returnState: c.returnState ?? false, goBackwards: c.goBackwards ?? false };
  if (c.bidirectional) {
    emitRecurrent(g, 'rnn', x, states, { cell: c.cell, features: F, ...common, forward: weights[0], backward: weights[1], mergeMode: c.mergeMode }, outputs, fail);
  } else {
    const w = weights[0];
    const table: Record<string, { data: Float32Array; shape: number[] }> = {
      kernel: { data: w.kernel, shape: [F, GATES[c.cell] * U] },
      recurrent_kernel: { data: w.recurrentKernel, shape: [U, GATES[c.cell] * U] },
      ...(w.bias ? { bias: { data: w.bias, shape: DATA[k].biasShape } } : {}),
    };
    const e: LayerExport = {
      g, className: c.cell, name: 'rnn', config: { ...common, useBias: c.useBias ?? true }, outputs, outputShapes: [],
      inputs: [{ name: x, shape: [T, F] }, ...states.map((s) => ({ name: s, shape: [U] }))],
      weight: (s) => table[s] ?? null,
      requireWeight: (s) => table[s] ?? fail(`no weight ${s}`),
      fail,
      layer: null as never,
      sublayer: () => fail('has no sublayer'),
    };
    RECURRENT_EXPORTERS[c.cell](e);
  }
  return encodeOnnxModel({
    irVersion: 8, opsetVersion: 17, producerName: 'test', producerVersion: '0', docString: '', graphName: c.name,
    nodes: g.nodes, initializers: g.initializers,
    inputs: [{ name: x, elemType: OnnxType.float, shape: ['batch', T, F] }, ...states.map((s) => ({ name: s, elemType: OnnxType.float, shape: ['batch', U] }))],
    outputs: outputs.map((o, i) => ({ name: o, elemType: OnnxType.float, shape: outputShape(c, i) })),
  });
}

/** PyTorch's outputs of every case, in Keras's order, flattened. */
function torchResults(): number[][][] {
  const payload = CASES.map((c, k) => {
    const d = DATA[k];
    const G = GATES[c.cell];
    return {
      cell: c.cell, units: U, features: F, activation: c.activation ?? 'tanh', recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      returnSequences: c.returnSequences ?? false, returnState: c.returnState ?? false, goBackwards: c.goBackwards ?? false,
      mergeMode: c.bidirectional ? (c.mergeMode === undefined ? 'concat' : c.mergeMode) : null,
      x: Array.from(d.x.data), xShape: d.x.shape, initial: d.initial.map((s) => Array.from(s.data)),
      shapes: { kernel: [F, G * U], recurrent_kernel: [U, G * U], bias: d.biasShape },
      weights: d.weights.map((w) => ({ kernel: Array.from(w.kernel), recurrent_kernel: Array.from(w.recurrentKernel), bias: w.bias ? Array.from(w.bias) : null })),
    };
  });
  const r = spawnSync(pythonPath(), [path.join(__dirname, 'recurrent_torch.py')], { input: JSON.stringify(payload), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`recurrent_torch.py failed (exit ${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { results: number[][][] }).results;
}

const results = torch.ok ? torchResults() : [];

describe('ONNX recurrent cells from Keras-layout weights match PyTorch through onnxruntime', () => {
  if (skip) {
    test('is skipped on request (MYELIN_SKIP_TORCH_PARITY=1)', () => expect(skip).toBe(true));
    return;
  }
  test('PyTorch is importable', () => {
    if (!torch.ok) throw new Error(`recurrent parity cannot run: ${torch.message}`);
    expect(results.length).toBe(CASES.length);
  });

  test.each(CASES.map((c, k) => [c.name, k] as const))('%s', async (_name, k) => {
    const c = CASES[k];
    const d = DATA[k];
    const feeds: Record<string, Array32> = { x: d.x };
    d.initial.forEach((s, i) => { feeds[`s${i}`] = s; });
    const got = await runOnnx(onnxOf(c, k), feeds);
    const want = results[k];
    expect(got).toHaveLength(want.length);
    got.forEach((o, i) => {
      expect(o.data.length).toBe(want[i].length);
      expect(maxRelativeDiff(o, { data: Float32Array.from(want[i]), shape: o.shape })).toBeLessThan(TOL);
    });
  });

  test('ONNX\'s checker (python3-onnx, full_check) accepts every case\'s graph', () => {
    const checker = onnxCheckerAvailable();
    if (!checker.ok && process.env.MYELIN_SKIP_ONNX_CHECKER === '1') {
      expect(checker.message).toMatch(/cannot import onnx/);  // skipped on request: say why
      return;
    }
    if (!checker.ok) throw new Error(`the ONNX checker cannot run: ${checker.message} (MYELIN_SKIP_ONNX_CHECKER=1 skips it)`);
    expect(onnxCheckerErrors(CASES.map((c, k) => onnxOf(c, k)))).toEqual(CASES.map(() => null));
  });

  test('bad cells: an unknown activation, a bidirectional goBackwards layer, weights of the wrong size: errors naming the problem', () => {
    const g = new OnnxGraphBuilder();
    const w = DATA[0].weights[0];
    const spec = { cell: 'LSTM' as const, units: U, features: F, activation: 'gelu', recurrentActivation: 'sigmoid', returnSequences: false, returnState: false, goBackwards: false, forward: w };
    expect(() => emitRecurrent(g, 'rnn', 'x', [], spec, ['y'], fail)).toThrow(/cell activation "gelu" has no ONNX form/);
    expect(() => emitRecurrent(g, 'rnn', 'x', [], { ...spec, activation: 'tanh', goBackwards: true, backward: w }, ['y'], fail)).toThrow(/bidirectional layer whose forward layer has goBackwards/);
    expect(() => emitRecurrent(g, 'rnn', 'x', [], { ...spec, activation: 'tanh', units: U + 1 }, ['y'], fail)).toThrow(/forward weights of 48, 36, 12 values do not fit LSTM with 4 features and 4 units/);
  });
});
