/**
 * The ONNX protobuf classes (generated from the official onnx.proto by the `onnx-proto`
 * package, encoded by protobufjs) and small builders for the messages the converter writes:
 * initializers, nodes with attributes, typed graph inputs/outputs.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;
export type ValueInfoProto = InstanceType<typeof onnx.ValueInfoProto>;
/** A value info as read from a decoded model (plain fields). */
export type ValueInfoLike = NonNullable<Parameters<typeof onnx.ValueInfoProto.create>[0]>;

/** The operator set every graph written here uses (ONNX Runtime supports it since 1.6). */
export const OPSET = 13;
/** IR version 7 goes with opset 13. */
export const IR_VERSION = 7;

export type AttributeValue = number | number[] | string | { floats: number[] } | { float: number };

function attribute(name: string, value: AttributeValue): InstanceType<typeof onnx.AttributeProto> {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: Type.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: Type.INT, i: value });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: Type.INTS, ints: value });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: Type.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: Type.FLOATS, floats: value.floats });
}

export function node(opType: string, inputs: string[], outputs: string[], name: string, attributes: Record<string, AttributeValue> = {}): NodeProto {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name,
    attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
  });
}

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`Initializer ${name}: ${values.length} values for shape ${JSON.stringify(dims)}.`);
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes });
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) });
}

/** A value (float32 unless said) whose first dimension is the symbolic batch size. */
export function batchedValue(name: string, shapeWithoutBatch: number[], elemType: number = onnx.TensorProto.DataType.FLOAT): ValueInfoProto {
  const dim = [{ dimParam: 'batch' }, ...shapeWithoutBatch.map((d) => ({ dimValue: d }))];
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim } } },
  });
}

export interface GraphParts {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  docString?: string;
}

/** Serialise a complete model. */
export function encodeModel(graph: GraphParts): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'ADMA Studio',
    opsetImport: [{ domain: '', version: OPSET }],
    docString: graph.docString ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.inputs,
      output: graph.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Parse a serialised model (ONNX model folders and tests). */
export function decodeModel(bytes: Uint8Array): InstanceType<typeof onnx.ModelProto> {
  return onnx.ModelProto.decode(bytes);
}

type TensorLike = Parameters<typeof onnx.TensorProto.create>[0] | null;
type SparseLike = Parameters<typeof onnx.SparseTensorProto.create>[0] | null;
type GraphLike = Parameters<typeof onnx.GraphProto.create>[0] | null;
type NodeLike = NonNullable<Parameters<typeof onnx.NodeProto.create>[0]>;

/**
 * The names of the tensors whose data a model keeps in external files (`data_location:
 * EXTERNAL`, or an `external_data` location), anywhere: initializers, sparse initializers,
 * tensor attributes (a Constant's value), subgraphs (If, Loop, Scan bodies), functions and
 * training graphs. ONNX Runtime, given the model as bytes, looks such files up relative to
 * the process's working folder, outside the model's folder: such models are refused.
 */
export function externalDataTensors(model: InstanceType<typeof onnx.ModelProto>): string[] {
  const found: string[] = [];
  const tensor = (t: TensorLike): void => {
    if (!t) return;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length > 0) found.push(t.name || '(unnamed)');
  };
  const sparse = (s: SparseLike): void => {
    tensor(s?.values);
    tensor(s?.indices);
  };
  const nodes = (list: readonly NodeLike[] | null | undefined): void => {
    for (const n of list ?? []) {
      for (const a of n.attribute ?? []) {
        tensor(a.t);
        (a.tensors ?? []).forEach(tensor);
        sparse(a.sparseTensor);
        (a.sparseTensors ?? []).forEach(sparse);
        graph(a.g);
        (a.graphs ?? []).forEach(graph);
      }
    }
  };
  const graph = (g: GraphLike): void => {
    if (!g) return;
    (g.initializer ?? []).forEach(tensor);
    (g.sparseInitializer ?? []).forEach(sparse);
    nodes(g.node);
  };
  graph(model.graph);
  for (const f of model.functions ?? []) nodes(f.node);
  for (const t of model.trainingInfo ?? []) {
    graph(t.initialization);
    graph(t.algorithm);
  }
  return found;
}
