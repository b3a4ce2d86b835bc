/**
 * Recurrent layers in ONNX (opset 14+ RNN, LSTM and GRU operators), from Keras's weight layout: kernel [F, G U],
 * recurrentKernel [U, G U] with the G gates side by side in the columns, and the bias. ONNX wants each gate block
 * as rows of W [directions, G U, F] and R [directions, G U, U], in its own gate order, and B [directions, 2 G U]
 * (input biases, then recurrent biases):
 *
 * | cell      | Keras gates (columns) | ONNX gates (rows) | Keras bias       | ONNX B                    | activations   |
 * | --------- | --------------------- | ----------------- | ---------------- | ------------------------- | ------------- |
 * | SimpleRNN | h                     | h                 | [U]              | [b, 0]                    | [act]         |
 * | LSTM      | i, f, c, o            | i, o, f, c        | [4 U]            | [b (i, o, f, c order), 0] | [rec, act, act] |
 * | GRU       | z, r, h (resetAfter)  | z, r, h           | [2, 3 U] (in, rec) | [b_in, b_rec], linear_before_reset 1 | [rec, act] |
 *
 * The input goes time-major ([T, B, F]) and back. Keras's goBackwards runs the steps in reverse and returns the
 * outputs in that processing order: ONNX direction 'reverse' returns them aligned with the input steps, so the
 * sequence is reversed along time after the operator. A bidirectional pair (Keras's Bidirectional: a forward layer
 * and a goBackwards copy whose sequence is reversed back) is one 'bidirectional' operator whose two directions are
 * merged: concat (features, forward first), sum, mul, ave, or kept apart (mergeMode null). Cell activations: sigmoid,
 * tanh and relu are ONNX's Sigmoid, Tanh, Relu; linear is Affine(alpha 1, beta 0).
 *
 * The layer exporters read SimpleRNN / LSTM / GRU configs (units, activation, recurrentActivation, returnSequences,
 * returnState, goBackwards) and weights (kernel, recurrent_kernel, bias); Bidirectional reads its forwardLayer,
 * backwardLayer and mergeMode. Masks are refused before (lib/io/onnx/export-model.ts).
 */
import type { OnnxGraphBuilder } from '../graph-builder';
import { attr, type OnnxAttribute } from '../onnx-proto';
import type { Layer } from '../../../layers/layer';
import { layerExport, type LayerExport, type OnnxLayerExporter } from '../layer-exporter';

/** The recurrent cells and their ONNX operator, gate count, Keras column block of each ONNX gate, and state count. */
const CELLS = {
  SimpleRNN: { op: 'RNN', gates: 1, order: [0], states: 1 },
  LSTM: { op: 'LSTM', gates: 4, order: [0, 3, 1, 2], states: 2 },
  GRU: { op: 'GRU', gates: 3, order: [0, 1, 2], states: 1 },
} as const;

/** A recurrent cell kind. */
export type RecurrentCellKind = keyof typeof CELLS;

/** One direction's weights in Keras's layout. */
export interface RecurrentWeights {
  /** [F, G U]. */
  kernel: Float32Array;
  /** [U, G U]. */
  recurrentKernel: Float32Array;
  /** [G U] (GRU: [2, 3 U], input row then recurrent row), or null without bias. */
  bias: Float32Array | null;
}

/** How to merge the two directions of a bidirectional layer (Keras's merge_mode). */
export type RecurrentMergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** Everything that defines one recurrent layer's computation. */
export interface RecurrentSpec {
  cell: RecurrentCellKind;
  units: number;
  /** Input features F of the input [batch, T, F]. */
  features: number;
  /** Cell activation and (LSTM, GRU) gate activation: 'tanh', 'sigmoid', 'relu' or 'linear'. */
  activation: string;
  recurrentActivation: string;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  forward: RecurrentWeights;
  /** The backward direction's weights: a bidirectional layer (goBackwards must then be false). */
  backward?: RecurrentWeights;
  /** Bidirectional only. Default 'concat'. */
  mergeMode?: RecurrentMergeMode;
}

const ONNX_ACTIVATION: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', linear: 'Affine' };

/** W or R of one direction: the Keras matrix [rows, G U] as ONNX's [G U, rows], gate blocks in ONNX order. */
function gateRows(m: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(width * rows);
  order.forEach((k, gate) => {
    for (let u = 0; u < units; u++) {
      for (let r = 0; r < rows; r++) out[(gate * units + u) * rows + r] = m[r * width + k * units + u];
    }
  });
  return out;
}

/** B of one direction: [input biases, recurrent biases] (2 G U), gate blocks in ONNX order. */
function biasRow(spec: RecurrentSpec, w: RecurrentWeights): Float32Array {
  const { order } = CELLS[spec.cell];
  const U = spec.units, width = order.length * U;
  const out = new Float32Array(2 * width);
  if (w.bias === null) return out;
  const rows = spec.cell === 'GRU' ? 2 : 1;
  for (let row = 0; row < rows; row++) {
    order.forEach((k, gate) => out.set(w.bias!.subarray(row * width + k * U, row * width + (k + 1) * U), row * width + gate * U));
  }
  return out;
}

/** The activations attribute (one list per direction; Affine's alpha 1, beta 0 for linear) of the cell. */
function activationAttributes(spec: RecurrentSpec, directions: number, fail: (m: string) => never): Record<string, OnnxAttribute> {
  const one = spec.cell === 'SimpleRNN' ? [spec.activation]
    : spec.cell === 'GRU' ? [spec.recurrentActivation, spec.activation] : [spec.recurrentActivation, spec.activation, spec.activation];
  const names = directions === 2 ? [...one, ...one] : one;
  const onnx = names.map((n) => ONNX_ACTIVATION[n] ?? fail(`cell activation ${JSON.stringify(n)} has no ONNX form (known: ${Object.keys(ONNX_ACTIVATION).join(', ')})`));
  const affine = onnx.filter((n) => n === 'Affine').length;
  return {
    activations: attr.strings(onnx),
    ...(affine > 0 ? { activation_alpha: attr.floats(new Array<number>(affine).fill(1)), activation_beta: attr.floats(new Array<number>(affine).fill(0)) } : {}),
  };
}

/** Reverses `x` along axis `axis` (Slice with step -1). */
function reverseAxis(g: OnnxGraphBuilder, x: string, axis: number, hint: string): string {
  const big = Number.MAX_SAFE_INTEGER;
  return g.op('Slice', [x, g.int64s(`${hint}/rev_starts`, [-1]), g.int64s(`${hint}/rev_ends`, [-big]), g.int64s(`${hint}/rev_axes`, [axis]), g.int64s(`${hint}/rev_steps`, [-1])], {}, hint);
}

/** Merges the two directions `a` (forward) and `b` (backward) by `mode` into `out` (when given). */
function mergeDirections(g: OnnxGraphBuilder, a: string, b: string, mode: Exclude<RecurrentMergeMode, null>, hint: string, out?: string): string {
  switch (mode) {
    case 'concat': return g.op('Concat', [a, b], { axis: attr.int(-1) }, hint, out);
    case 'sum': return g.op('Add', [a, b], {}, hint, out);
    case 'mul': return g.op('Mul', [a, b], {}, hint, out);
    case 'ave': return g.op('Mul', [g.op('Add', [a, b], {}, hint), g.floats(`${hint}/half`, [0.5], [])], {}, hint, out);
  }
}

/**
 * Writes one recurrent layer applied to `x` [batch, T, F] with optional initial states (`initial`: none, or per
 * direction its h (LSTM: h, c), each [batch, U], forward's first) and produces `outputs`, Keras's outputs in order:
 * the output (sequence [batch, T, U'] or last step [batch, U']; U' = 2 U with concat; two outputs with mergeMode
 * null), then with returnState the final states (forward's, then backward's).
 */
export function emitRecurrent(g: OnnxGraphBuilder, hint: string, x: string, initial: string[], spec: RecurrentSpec, outputs: string[], fail: (m: string) => never): void {
  const cell = CELLS[spec.cell];
  const U = spec.units, F = spec.features;
  const dirs = spec.backward ? [spec.forward, spec.backward] : [spec.forward];
  const D = dirs.length;
  if (spec.backward && spec.goBackwards) fail('a bidirectional layer whose forward layer has goBackwards has no ONNX export');
  const mode = spec.mergeMode === undefined ? 'concat' : spec.mergeMode;
  const expected = (D === 2 && mode === null ? 2 : 1) + (spec.returnState ? D * cell.states : 0);
  if (outputs.length !== expected) fail(`expected ${expected} outputs, got ${outputs.length}`);
  if (initial.length !== 0 && initial.length !== D * cell.states) fail(`expected ${D * cell.states} initial states, got ${initial.length}`);
  const G = cell.gates;
  const biasSize = (spec.cell === 'GRU' ? 2 : 1) * G * U;
  dirs.forEach((w, d) => {
    const sizes = [w.kernel.length, w.recurrentKernel.length, w.bias?.length ?? biasSize];
    if (sizes.some((n, i) => n !== [F * G * U, U * G * U, biasSize][i])) {
      fail(`${d === 0 ? 'forward' : 'backward'} weights of ${sizes.join(', ')} values do not fit ${spec.cell} with ${F} features and ${U} units ` +
        `(kernel ${F * G * U}, recurrent kernel ${U * G * U}, bias ${biasSize})`);
    }
  });
  const cat = (name: string, parts: Float32Array[], dims: number[]): string => {
    const all = new Float32Array(parts.length * parts[0].length);
    parts.forEach((p, i) => all.set(p, i * p.length));
    return g.floats(`${hint}/${name}`, all, dims);
  };
  const W = cat('W', dirs.map((w) => gateRows(w.kernel, F, U, cell.order)), [D, G * U, F]);
  const R = cat('R', dirs.map((w) => gateRows(w.recurrentKernel, U, U, cell.order)), [D, G * U, U]);
  const B = cat('B', dirs.map((w) => biasRow(spec, w)), [D, 2 * G * U]);
  // ONNX's initial_h (LSTM: initial_c too) [D, batch, U]: the directions' states stacked.
  const stacked = (k: number): string => {
    const parts = Array.from({ length: D }, (_, d) => g.op('Unsqueeze', [initial[d * cell.states + k], g.int64s(`${hint}/axis0`, [0])], {}, hint));
    return D === 1 ? parts[0] : g.op('Concat', parts, { axis: attr.int(0) }, hint);
  };
  const states = initial.length === 0 ? [] : Array.from({ length: cell.states }, (_, k) => stacked(k));
  const xt = g.transpose(x, [1, 0, 2], hint);
  const inputs = [xt, W, R, B, '', ...states];
  const direction = D === 2 ? 'bidirectional' : spec.goBackwards ? 'reverse' : 'forward';
  const opOutputs = [g.unique(`${hint}/Y`), g.unique(`${hint}/Y_h`), ...(cell.states === 2 ? [g.unique(`${hint}/Y_c`)] : [])];
  g.node(cell.op, inputs, {
    hidden_size: attr.int(U),
    direction: attr.string(direction),
    ...activationAttributes(spec, D, fail),
    ...(spec.cell === 'GRU' ? { linear_before_reset: attr.int(1) } : {}),
  }, hint, opOutputs);
  const [Y, ...finals] = opOutputs;
  // Y [T, D, batch, U] -> per direction (pick) [batch, T, U]; finals [D, batch, U] -> per direction [batch, U].
  const pick = (t: string, d: number, axis: number): string => {
    const one = g.op('Slice', [t, g.int64s(`${hint}/d_start`, [d]), g.int64s(`${hint}/d_end`, [d + 1]), g.int64s(`${hint}/d_axis`, [axis])], {}, hint);
    return g.op('Squeeze', [one, g.int64s(`${hint}/squeeze_axis`, [axis])], {}, hint);
  };
  const lastOf = (d: number): string => pick(finals[0], d, 0);
  const sequenceOf = (d: number): string => {
    const seq = g.transpose(pick(Y, d, 1), [1, 0, 2], hint);
    return spec.goBackwards ? reverseAxis(g, seq, 1, hint) : seq;
  };
  const result = spec.returnSequences ? Array.from({ length: D }, (_, d) => sequenceOf(d)) : Array.from({ length: D }, (_, d) => lastOf(d));
  const named: string[] = [];
  if (D === 1) named.push(result[0]);
  else if (mode === null) named.push(result[0], result[1]);
  else named.push(mergeDirections(g, result[0], result[1], mode, hint));
  if (spec.returnState) for (let d = 0; d < D; d++) finals.forEach((f) => named.push(pick(f, d, 0)));
  named.forEach((n, k) => g.op('Identity', [n], {}, hint, outputs[k]));
}

/** A layer config entry that must be a boolean (false when absent). */
function flag(e: LayerExport, key: string): boolean {
  const v = e.config[key] ?? false;
  if (typeof v !== 'boolean') e.fail(`config.${key} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** The RecurrentSpec of a SimpleRNN / LSTM / GRU layer from its config and weights (kernel, recurrent_kernel, bias). */
export function recurrentSpecOf(e: LayerExport, cell: RecurrentCellKind): RecurrentSpec {
  const units = e.config.units;
  if (!Number.isInteger(units) || (units as number) <= 0) e.fail(`config.units must be a positive integer, got ${JSON.stringify(units)}`);
  if (cell === 'GRU' && e.config.resetAfter === false) e.fail('a GRU with resetAfter false has no ONNX export here (the reset-after form only)');
  const features = e.inputs[0].shape[1];
  return {
    cell, units: units as number, features,
    activation: (e.config.activation as string | undefined) ?? 'tanh',
    recurrentActivation: (e.config.recurrentActivation as string | undefined) ?? 'sigmoid',
    returnSequences: flag(e, 'returnSequences'),
    returnState: flag(e, 'returnState'),
    goBackwards: flag(e, 'goBackwards'),
    forward: { kernel: e.requireWeight('kernel').data, recurrentKernel: e.requireWeight('recurrent_kernel').data, bias: e.weight('bias')?.data ?? null },
  };
}

/** The exporter of a recurrent layer class: inputs [x, ...initial states]. */
const recurrentExporter = (cell: RecurrentCellKind): OnnxLayerExporter => (e) => {
  emitRecurrent(e.g, e.name, e.inputs[0].name, e.inputs.slice(1).map((s) => s.name), recurrentSpecOf(e, cell), e.outputs, e.fail);
};

/** What the Bidirectional exporter reads of the wrapper: its two recurrent layers and the merge mode. */
interface BidirectionalParts {
  forwardLayer: Layer;
  backwardLayer: Layer;
  mergeMode: unknown;
}

/**
 * The `Bidirectional` wrapper (its `forwardLayer`, and `backwardLayer`, the goBackwards copy with its own weights):
 * one bidirectional operator, inputs [x, ...forward initial states, ...backward initial states].
 */
function exportBidirectional(e: LayerExport): void {
  const parts = e.layer as unknown as Partial<BidirectionalParts>;
  if (!parts.forwardLayer || !parts.backwardLayer) e.fail('is not a Bidirectional layer (it has no forwardLayer and backwardLayer)');
  const { forwardLayer, backwardLayer } = parts as BidirectionalParts;
  const cell = forwardLayer.className;
  if (!(cell in CELLS)) e.fail(`wraps a ${cell}, which has no ONNX export (SimpleRNN, LSTM or GRU)`);
  const mode = parts.mergeMode ?? 'concat';
  if (mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode as string)) e.fail(`mergeMode ${JSON.stringify(mode)} has no ONNX export`);
  const x = [e.inputs[0]];
  const forward = recurrentSpecOf(layerExport(e.g, forwardLayer, x, [], [], e.sublayer), cell as RecurrentCellKind);
  const backward = recurrentSpecOf(layerExport(e.g, backwardLayer, x, [], [], e.sublayer), cell as RecurrentCellKind);
  if (!backward.goBackwards) e.fail('its backward layer does not run backwards (goBackwards false)');
  const spec: RecurrentSpec = { ...forward, backward: backward.forward, mergeMode: mode as RecurrentMergeMode };
  emitRecurrent(e.g, e.name, e.inputs[0].name, e.inputs.slice(1).map((s) => s.name), spec, e.outputs, e.fail);
}

/** Exporters of the recurrent layers, by class name. */
export const RECURRENT_EXPORTERS: Record<string, OnnxLayerExporter> = {
  SimpleRNN: recurrentExporter('SimpleRNN'),
  LSTM: recurrentExporter('LSTM'),
  GRU: recurrentExporter('GRU'),
  Bidirectional: exportBidirectional,
};
