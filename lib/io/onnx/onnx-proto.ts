/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto) an exporter writes, and its encoder. Field numbers:
 *
 * | message            | fields                                                                               |
 * | ------------------ | ------------------------------------------------------------------------------------ |
 * | ModelProto         | 1 ir_version, 2 producer_name, 3 producer_version, 6 doc_string, 7 graph, 8 opset_import |
 * | OperatorSetIdProto | 1 domain, 2 version                                                                   |
 * | GraphProto         | 1 node, 2 name, 5 initializer, 11 input, 12 output                                     |
 * | NodeProto          | 1 input, 2 output, 3 name, 4 op_type, 5 attribute                                      |
 * | AttributeProto     | 1 name, 2 f, 3 i, 4 s, 7 floats, 8 ints, 9 strings, 20 type (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8) |
 * | TensorProto        | 1 dims, 2 data_type (FLOAT 1, INT64 7), 8 name, 9 raw_data (little-endian)             |
 * | ValueInfoProto     | 1 name, 2 type; TypeProto 1 tensor_type; TypeProto.Tensor 1 elem_type, 2 shape          |
 * | TensorShapeProto   | 1 dim; Dimension 1 dim_value, 2 dim_param                                              |
 */
import { ProtoWriter } from '../protobuf/writer';

/** ONNX element types used here (TensorProto.DataType). */
export const OnnxType = { float: 1, int64: 7, bool: 9 } as const;

/** An attribute value, tagged with its ONNX type. */
export type OnnxAttribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] };

/** Constructors of attribute values: `attr.ints([1, 1])`, `attr.float(0.3)`, ... */
export const attr = {
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  floats: (value: number[]): OnnxAttribute => ({ type: 'floats', value: value.slice() }),
  ints: (value: number[]): OnnxAttribute => ({ type: 'ints', value: value.slice() }),
  strings: (value: string[]): OnnxAttribute => ({ type: 'strings', value: value.slice() }),
};

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

/** One node of the graph. */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

/** A constant tensor (initializer): float32 or int64 values, row-major. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output: its name, element type and shape (a string is a symbolic dimension, e.g. 'batch'). */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  shape: (number | string)[];
}

/** What `encodeOnnxModel` writes. */
export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  switch (a.type) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.varint(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'floats': w.packedFloats(7, a.value); break;
    case 'ints': w.packedVarints(8, a.value); break;
    case 'strings': for (const v of a.value) w.string(9, v); break;
  }
  w.varint(20, ATTRIBUTE_TYPE[a.type]);
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, a] of Object.entries(n.attributes)) w.message(5, (m) => writeAttribute(m, k, a));
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  w.packedVarints(1, t.dims);
  w.varint(2, t.data instanceof Float32Array ? OnnxType.float : OnnxType.int64);
  w.string(8, t.name);
  const le = new Uint8Array(t.data.byteLength);
  const dv = new DataView(le.buffer);
  if (t.data instanceof Float32Array) t.data.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  else t.data.forEach((v, i) => dv.setBigInt64(i * 8, v, true));
  w.bytes(9, le);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.varint(1, v.elemType);
    tensor.message(2, (shape) => {
      for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.varint(1, d)));
    });
  }));
}

/** The ModelProto bytes of `m` (one opset import: the default domain at `opsetVersion`). */
export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (g) => {
    for (const n of m.nodes) g.message(1, (x) => writeNode(x, n));
    g.string(2, m.graphName);
    for (const t of m.initializers) g.message(5, (x) => writeTensor(x, t));
    for (const v of m.inputs) g.message(11, (x) => writeValueInfo(x, v));
    for (const v of m.outputs) g.message(12, (x) => writeValueInfo(x, v));
  });
  w.message(8, (o) => { o.string(1, ''); o.varint(2, m.opsetVersion); });
  return w.finish();
}
