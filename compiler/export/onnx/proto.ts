// The ONNX messages the exporter writes, as the onnx-proto package's generated protobufjs
// code (ONNX's own onnx.proto) encodes them: nnc never writes protobuf bytes by hand.

import { onnx } from 'onnx-proto';
import type { Dim } from '../../ir/types';

/** ai.onnx opset 13: read by onnxruntime 1.8 and later, PyTorch's ONNX tools, and ONNX 1.8+. */
export const OPSET = 13;
/** The IR version that came with opset 13 (ONNX 1.8). */
export const IR_VERSION = 7;
/** The symbolic batch dimension's name in the exported model's input and output shapes. */
export const BATCH_DIM = 'N';

export type NodeProto = onnx.INodeProto;
export type TensorProto = onnx.ITensorProto;
export type AttributeProto = onnx.IAttributeProto;
export type ValueInfoProto = onnx.IValueInfoProto;

const { AttributeType } = onnx.AttributeProto;
const { DataType } = onnx.TensorProto;

export function attrInt(name: string, i: number): AttributeProto {
  return { name, type: AttributeType.INT, i };
}

export function attrInts(name: string, ints: readonly number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: [...ints] };
}

export function attrFloat(name: string, f: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f };
}

/** A float32 tensor, its values little-endian in raw_data (as ONNX requires on every host). */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array, docString = ''): TensorProto {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: raw, docString };
}

export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: raw };
}

/** A float32 graph input or output; the batch dim `N` becomes the symbolic dim `N`. */
export function floatValueInfo(name: string, shape: readonly Dim[], docString: string): ValueInfoProto {
  const dim = shape.map((d): onnx.TensorShapeProto.IDimension => (d === 'N' ? { dimParam: BATCH_DIM } : { dimValue: d }));
  return { name, docString, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

export interface ModelParts {
  readonly name: string;
  readonly docString: string;
  readonly producerVersion: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
}

export function encodeModel(p: ModelParts): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'nnc',
    producerVersion: p.producerVersion,
    docString: p.docString,
    metadataProps: Object.entries(p.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: p.name,
      node: [...p.nodes],
      initializer: [...p.initializers],
      input: [...p.inputs],
      output: [...p.outputs],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
