/**
 * Builds an ONNX graph node by node: unique tensor and node names, initializers (weights and constant shapes), and
 * the few compound pieces several layer exporters share (the transposes between channels-last and ONNX's
 * channels-first layout).
 */
import { ModelFormatError } from '../../errors';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-proto';

/** myelin's channels-last layout to ONNX's channels-first one, for `spatial` spatial axes: [0, last, 1, ..]. */
export function toChannelsFirst(spatial: number): number[] {
  return [0, spatial + 1, ...Array.from({ length: spatial }, (_, i) => i + 1)];
}

/** ONNX's channels-first layout back to channels-last, for `spatial` spatial axes: [0, 2, .., 1]. */
export function toChannelsLast(spatial: number): number[] {
  return [0, ...Array.from({ length: spatial }, (_, i) => i + 2), 1];
}

/** The nodes and initializers of one ONNX graph under construction. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** `hint`, or `hint_1`, `hint_2`, ... : a tensor name not used yet (and now taken). */
  unique(hint: string): string {
    let name = hint;
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Takes `name` exactly (a graph input or output); ModelFormatError if another tensor has it. */
  claim(name: string): string {
    if (this.names.has(name)) throw new ModelFormatError(`onnx export: two tensors would be named ${JSON.stringify(name)}`);
    this.names.add(name);
    return name;
  }

  /** A float32 initializer of shape `dims`; returns its name. */
  floats(hint: string, data: Float32Array | number[], dims: number[]): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims: dims.slice(), data: data instanceof Float32Array ? data.slice() : Float32Array.from(data) });
    return name;
  }

  /** An int64 initializer (a shape, axes, pads...): a vector unless `dims` is given. */
  int64s(hint: string, values: number[], dims: number[] = [values.length]): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims: dims.slice(), data: BigInt64Array.from(values.map((v) => BigInt(v))) });
    return name;
  }

  /**
   * Appends a node `opType(inputs)` with `attributes` and returns its output names: `outputs` when given (already
   * claimed by the caller), else one fresh name from `hint`.
   */
  node(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, hint = opType, outputs?: string[]): string[] {
    const outs = outputs ?? [this.unique(hint)];
    let name = `${hint}/${opType}`;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${hint}/${opType}_${i}`;
    this.nodeNames.add(name);
    this.nodes.push({ opType, name, inputs: inputs.slice(), outputs: outs.slice(), attributes });
    return outs;
  }

  /** One-output `node`, writing into `out` when given. */
  op(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, hint = opType, out?: string): string {
    return this.node(opType, inputs, attributes, hint, out === undefined ? undefined : [out])[0];
  }

  /** `Transpose(x, perm)`. */
  transpose(x: string, perm: number[], hint: string, out?: string): string {
    return this.op('Transpose', [x], { perm: { type: 'ints', value: perm.slice() } }, hint, out);
  }
}
