/**
 * ONNX model folders: a folder holding one `.onnx` image classifier (a ResNet, an
 * EfficientNet...) the user already has. The graph is parsed with onnx-proto (a damaged file
 * or a graph without an image input fails with a message saying so), its node outputs are
 * listed with the shapes a probe run in ONNX Runtime gives (every node output is added as a
 * graph output for that run), and features are read from the four chosen node outputs.
 * Pixels are preprocessed here as the user said (size, scaling, channel order, layout);
 * 4-D maps inside the graph are read as NCHW, ONNX's operator layout (tf2onnx also keeps
 * convolutions in NCHW between its transposes). Deep fine-tuning cannot cut an arbitrary
 * ONNX graph, so these models adapt in light mode only.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { AppError } from '../../../src-shared/app-error';
import type { LayerNames, ModelInspection, ModelLayer, OnnxPreprocessing } from '../../../src-shared/contract';
import { readUserFile } from '../../core/user-file';
import type { FeatureShape } from '../model/feature-model';
import { decodeModel, externalDataTensors, node, onnx, type NodeProto, type ValueInfoLike } from './onnx-proto';
import { createSession, loadOnnxRuntime, type OrtModule } from './onnx-runtime';

type ModelProto = InstanceType<typeof onnx.ModelProto>;

/** The largest .onnx file read: protobuf's own limit (a larger model keeps its weights in external data, refused below). */
const MAX_ONNX_BYTES = 2 * 1024 ** 3 - 1;

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

function invalid(message: string): AppError {
  return new AppError('MODEL_INVALID', message);
}

/** The `.onnx` file in `folder`, null when there is none; two or more are refused. */
export async function findOnnxFile(folder: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return null;
  }
  const found = names.filter((n) => n.toLowerCase().endsWith('.onnx')).sort();
  if (found.length > 1) throw invalid(`${folder} holds ${found.length} ONNX files (${found.join(', ')}); keep the one image model to use in its own folder.`);
  return found[0] !== undefined ? join(folder, found[0]) : null;
}

export interface OnnxImageInput {
  name: string;
  /** Dimensions as written in the graph: numbers, symbolic names, or null when unnamed. */
  shape: (number | string | null)[];
  defaults: OnnxPreprocessing;
}

export interface OnnxGraph {
  file: string;
  bytes: Uint8Array;
  model: ModelProto;
  input: OnnxImageInput;
  /** SHA-256 of the file, by file name (keys the feature cache). */
  fileHashes: Record<string, string>;
}

function dimsOf(value: ValueInfoLike): (number | string | null)[] | null {
  const shape = value.type?.tensorType?.shape;
  if (!shape?.dim) return null;
  return shape.dim.map((d) => {
    const v = d.dimValue === null || d.dimValue === undefined ? null : Number(d.dimValue);
    if (v !== null && v > 0) return v;
    return d.dimParam ? d.dimParam : null;
  });
}

/** The one image input of a graph and preprocessing defaults read from its shape, or a clear error. */
export function imageInput(model: ModelProto, file: string): OnnxImageInput {
  const graph = model.graph;
  const initialisers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const inputs = (graph?.input ?? []).filter((v) => !initialisers.has(v.name));
  const describe = (v: ValueInfoLike): string => `"${v.name}" ${JSON.stringify(dimsOf(v))}`;
  if (inputs.length !== 1) {
    throw invalid(`${file} has ${inputs.length} graph inputs (${inputs.map(describe).join(', ')}); an image classifier has exactly one image input.`);
  }
  const value = inputs[0] as ValueInfoLike;
  const shape = dimsOf(value);
  const elemType = value.type?.tensorType?.elemType;
  const isFloat = elemType === onnx.TensorProto.DataType.FLOAT;
  const need = `an image model needs a float input [batch, 3, height, width] (NCHW) or [batch, height, width, 3] (NHWC)`;
  if (!shape || shape.length !== 4 || !isFloat) throw invalid(`${file}: input ${describe(value)}${isFloat ? '' : ' is not float32'}; ${need}.`);
  const nchw = shape[1] === 3;
  const nhwc = shape[3] === 3;
  if (!nchw && !nhwc) throw invalid(`${file}: input ${describe(value)} has no axis of 3 colour channels; ${need}.`);
  const layout = nchw ? 'NCHW' : 'NHWC';
  const [h, w] = layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  return {
    name: value.name ?? '',
    shape,
    defaults: { height: typeof h === 'number' ? h : 224, width: typeof w === 'number' ? w : 224, scaling: 'imagenet', channelOrder: 'RGB', layout },
  };
}

/** Read and parse the `.onnx` file of a folder (MODEL_INVALID when damaged or not an image model). */
export async function readOnnxGraph(file: string): Promise<OnnxGraph> {
  const bytes = new Uint8Array(await readUserFile(file, { what: 'an ONNX model', maxBytes: MAX_ONNX_BYTES }));
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw invalid(`${file} is not a valid ONNX model (${(error as Error).message}); the file is damaged or truncated. Copy or export it again.`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) throw invalid(`${file} holds no ONNX graph (no nodes); the file is damaged or is not an ONNX model.`);
  const external = externalDataTensors(model);
  if (external.length > 0) {
    // ONNX Runtime would look the data files up from the app's working folder, not the model's.
    throw invalid(
      `${file} keeps the data of ${external.length} tensor${external.length === 1 ? '' : 's'} (${external.slice(0, 3).join(', ')}${external.length > 3 ? ', …' : ''}) in separate external-data files; ADMA Studio reads a model from its one .onnx file only. ` +
        `Save the model with its weights inside the file (e.g. in Python: onnx.save_model(onnx.load("${basename(file)}"), "single.onnx", save_as_external_data=False)) and choose the folder holding that file.`,
    );
  }
  const input = imageInput(model, file);
  return { file, bytes, model, input, fileHashes: { [basename(file)]: createHash('sha256').update(bytes).digest('hex') } };
}

/** The graph with the named values added as outputs (ONNX Runtime then returns them), after the extra nodes. */
export function withOutputs(graph: OnnxGraph, names: readonly string[], extraNodes: readonly NodeProto[] = []): Uint8Array {
  const copy = onnx.ModelProto.decode(graph.bytes);
  copy.graph?.node?.push(...extraNodes);
  const existing = new Set((copy.graph?.output ?? []).map((o) => o.name));
  for (const name of names) {
    if (!existing.has(name)) copy.graph?.output?.push(onnx.ValueInfoProto.create({ name }));
    existing.add(name);
  }
  return onnx.ModelProto.encode(copy).finish();
}

/** The class probabilities the feature graph computes from a logits source output. */
export const SOURCE_PROBABILITIES = 'adma_source_probabilities';

/**
 * The graph feature extraction runs: the user's graph with layer A, layer B, the source
 * probabilities and the cut layer as outputs (in that order in `outputs`). Logits get a
 * Flatten + Softmax over the classes (axis 1 of the flattened [batch, K], the same under
 * every opset's Softmax semantics).
 */
export function featureGraph(folder: Pick<OnnxFolderModel, 'graph' | 'layers' | 'sourceOutput'>): { bytes: Uint8Array; outputs: [string, string, string, string] } {
  const { layers, sourceOutput } = folder;
  const probabilities = sourceOutput === 'logits' ? SOURCE_PROBABILITIES : layers.softmaxLayer;
  const extra =
    sourceOutput === 'logits'
      ? [node('Flatten', [layers.softmaxLayer], [`${SOURCE_PROBABILITIES}_flat`], `${SOURCE_PROBABILITIES}_flat`, { axis: 1 }), node('Softmax', [`${SOURCE_PROBABILITIES}_flat`], [SOURCE_PROBABILITIES], SOURCE_PROBABILITIES, { axis: 1 })]
      : [];
  const outputs: [string, string, string, string] = [layers.layerA, layers.layerB, probabilities, layers.cutLayer];
  return { bytes: withOutputs(folder.graph, outputs, extra), outputs };
}

function requireOrt(): OrtModule {
  const loaded = loadOnnxRuntime();
  if ('error' in loaded) throw new AppError('UNSUPPORTED', `ONNX model folders run on ONNX Runtime, which cannot load on this machine: ${loaded.error}`);
  return loaded.ort;
}

/**
 * Preprocess decoded pixels (uint8, [n, height, width, 3], RGB) into the model's input:
 * scaled, in the model's channel order and layout.
 */
export function preprocessPixels(pixels: Uint8Array, n: number, p: OnnxPreprocessing): Float32Array {
  const { height, width } = p;
  const plane = height * width;
  const out = new Float32Array(n * plane * 3);
  const scale = (v: number, rgb: number): number => {
    switch (p.scaling) {
      case 'unit':
        return v / 255;
      case 'symmetric':
        return v / 127.5 - 1;
      case 'imagenet':
        return (v / 255 - (IMAGENET_MEAN[rgb] as number)) / (IMAGENET_STD[rgb] as number);
      case 'raw':
        return v;
    }
  };
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const pixel = ((i * height + y) * width + x) * 3;
        for (let c = 0; c < 3; c++) {
          const rgb = p.channelOrder === 'BGR' ? 2 - c : c;
          const value = scale(pixels[pixel + rgb] as number, rgb);
          const at = p.layout === 'NCHW' ? i * 3 * plane + c * plane + y * width + x : pixel + c;
          out[at] = value;
        }
      }
    }
  }
  return out;
}

function inputDims(p: OnnxPreprocessing, n: number): number[] {
  return p.layout === 'NCHW' ? [n, 3, p.height, p.width] : [n, p.height, p.width, 3];
}

/** Run every node output once on a grey image; float outputs with their shapes, in graph order. */
async function probe(ort: OrtModule, graph: OnnxGraph, p: OnnxPreprocessing): Promise<{ layers: ModelLayer[]; values: Map<string, Ort.Tensor> }> {
  const nodes = graph.model.graph?.node ?? [];
  const names = nodes.flatMap((n) => n.output ?? []).filter((o) => o !== '');
  let session: Ort.InferenceSession;
  try {
    session = await createSession(ort, withOutputs(graph, names), 1);
  } catch (error) {
    throw invalid(`ONNX Runtime cannot load ${graph.file}: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  try {
    const grey = new Uint8Array(p.height * p.width * 3).fill(128);
    const feeds = { [graph.input.name]: new ort.Tensor('float32', preprocessPixels(grey, 1, p), inputDims(p, 1)) };
    let results: Ort.InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(feeds);
    } catch (error) {
      throw invalid(
        `ONNX Runtime could not run ${graph.file} on a ${inputDims(p, 1).join('x')} input: ${(error as Error).message.split('\n')[0] ?? ''}. Check the input size and layout.`,
      );
    }
    const values = new Map<string, Ort.Tensor>();
    const layers: ModelLayer[] = [];
    for (const node of nodes) {
      for (const name of node.output ?? []) {
        const tensor = results[name];
        if (!tensor || tensor.type !== 'float32' || values.has(name)) continue;
        values.set(name, tensor);
        layers.push({ name, className: node.opType ?? 'node', outputShape: [null, ...tensor.dims.slice(1).map(Number)] });
      }
    }
    return { layers, values };
  } finally {
    await session.release();
  }
}

/**
 * Layer names proposed for a classifier graph, or null: the source output is the last Softmax
 * node with a [batch, K] output, or, in a graph exported without one (a ResNet from PyTorch
 * ends at its logits), the last Gemm/MatMul(+Add) with a [batch, K] output; layer B the input
 * of that Gemm/MatMul, layer A the middle one of the graph's 4-D maps, and the cut layer layer
 * B (deep mode is not offered).
 */
export function proposeLayers(model: ModelProto, layers: readonly ModelLayer[]): LayerNames | null {
  const nodes = model.graph?.node ?? [];
  const shapeOf = new Map(layers.map((l) => [l.name, l.outputShape]));
  const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const isVector = (n: (typeof nodes)[number]): boolean => shapeOf.get(n.output?.[0] ?? '')?.length === 2;
  const dense = (n: (typeof nodes)[number] | undefined): (typeof nodes)[number] | undefined => {
    if (n?.opType === 'Add') n = producer.get(n.input?.[0] ?? ''); // MatMul + Add
    return n && (n.opType === 'Gemm' || n.opType === 'MatMul') ? n : undefined;
  };
  const reversed = [...nodes].reverse();
  const softmax = reversed.find((n) => n.opType === 'Softmax' && isVector(n));
  const logits = softmax ? producer.get(softmax.input?.[0] ?? '') : reversed.find((n) => isVector(n) && dense(n) !== undefined);
  const sourceLayer = (softmax ?? logits)?.output?.[0];
  const layerB = dense(logits)?.input?.[0];
  const maps = layers.filter((l) => l.outputShape.length === 4);
  const layerA = maps[Math.floor(maps.length / 2)]?.name;
  if (!sourceLayer || !layerB || !layerA || !shapeOf.has(layerB)) return null;
  return { layerA, layerB, softmaxLayer: sourceLayer, cutLayer: layerB };
}

/** What the layer picker shows for an ONNX folder. */
export async function inspectOnnxFolder(folder: string, file: string): Promise<ModelInspection> {
  const graph = await readOnnxGraph(file);
  const { layers } = await probe(requireOrt(), graph, graph.input.defaults);
  return { path: folder, layers, detected: proposeLayers(graph.model, layers), onnx: { file: basename(file), inputName: graph.input.name, inputShape: graph.input.shape, defaults: graph.input.defaults } };
}

/** A chosen node output as a feature shape: NCHW [1, c, h, w] becomes [h, w, c]; [1, c] stays [c]. */
function featureShape(dims: readonly number[], name: string, role: string): FeatureShape {
  const rest = dims.slice(1);
  if (rest.length === 3) return [rest[1] as number, rest[2] as number, rest[0] as number];
  if (rest.length === 1) return [rest[0] as number];
  throw invalid(`Node output "${name}" (${role}) has shape ${JSON.stringify(dims)}; it must be a map [batch, c, h, w] or a vector [batch, c].`);
}

export interface OnnxFolderModel {
  graph: OnnxGraph;
  preprocessing: OnnxPreprocessing;
  layers: LayerNames;
  shapes: { a: FeatureShape; b: FeatureShape; cut: FeatureShape };
  classCount: number;
  /**
   * What the chosen source output holds: class probabilities, or logits (any real scores,
   * log-probabilities included) that the feature graph turns into probabilities with a Softmax.
   */
  sourceOutput: SourceOutput;
}

export type SourceOutput = 'probabilities' | 'logits';

/** Nodes that pass values through unchanged (a Softmax followed by them still gives probabilities). */
const PASS_THROUGH = new Set(['Identity', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze']);

/**
 * Whether the source output `name` gives probabilities or logits: the output of a Softmax
 * node (through reshapes) gives probabilities; any other node whose values on the probe image
 * are non-negative and sum to 1 too (a hand-written softmax); everything else is read as
 * logits. Non-finite values cannot be used.
 */
export function sourceOutputKind(model: ModelProto, name: string, values: Float32Array): SourceOutput {
  if (!values.every((v) => Number.isFinite(v))) {
    throw invalid(`Node output "${name}" (source output) gives non-finite values (NaN or infinity) on a plain grey image; it cannot score the source classes. Name the final logits or Softmax output.`);
  }
  const producer = new Map((model.graph?.node ?? []).flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  let node = producer.get(name);
  while (node && PASS_THROUGH.has(node.opType ?? '')) node = producer.get(node.input?.[0] ?? '');
  if (node?.opType === 'Softmax') return 'probabilities';
  const sum = values.reduce((a, b) => a + b, 0);
  return Math.min(...values) >= 0 && Math.abs(sum - 1) <= 1e-3 ? 'probabilities' : 'logits';
}

/** Check the chosen node outputs on a probe run: they exist, have usable shapes, and the source output gives probabilities or logits. */
export async function openOnnxFolderModel(file: string, layers: LayerNames | undefined, preprocessing: OnnxPreprocessing | undefined): Promise<OnnxFolderModel> {
  const graph = await readOnnxGraph(file);
  if (!layers) {
    throw invalid(`${file} is an ONNX model: name its node outputs for layer A (middle), layer B (penultimate), the softmax and the cut layer in the layer picker.`);
  }
  const p = preprocessing ?? graph.input.defaults;
  const { values, layers: listed } = await probe(requireOrt(), graph, p);
  const tensorOf = (name: string, role: string): Ort.Tensor => {
    const tensor = values.get(name);
    if (tensor) return tensor;
    const hint = listed.map((l) => l.name).filter((n) => n.includes(name) || name.includes(n)).slice(0, 5);
    throw invalid(`The ONNX graph has no float node output named "${name}" (${role}).${hint.length ? ` Similar names: ${hint.join(', ')}.` : ''} It has ${listed.length} node outputs.`);
  };
  const shapes = {
    a: featureShape(tensorOf(layers.layerA, 'layer A').dims.map(Number), layers.layerA, 'layer A'),
    b: featureShape(tensorOf(layers.layerB, 'layer B').dims.map(Number), layers.layerB, 'layer B'),
    cut: featureShape(tensorOf(layers.cutLayer, 'cut layer').dims.map(Number), layers.cutLayer, 'cut layer'),
  };
  const softmax = tensorOf(layers.softmaxLayer, 'softmax');
  const dims = softmax.dims.map(Number).slice(1);
  const classCount = dims[0] ?? 0;
  const flat = dims.length === 1 || (dims.length === 3 && dims[1] === 1 && dims[2] === 1);
  if (!flat || classCount < 2) throw invalid(`Node output "${layers.softmaxLayer}" (softmax) has shape ${JSON.stringify(softmax.dims)}; the source output (softmax or logits) must be [batch, K] with K >= 2 classes.`);
  const sourceOutput = sourceOutputKind(graph.model, layers.softmaxLayer, softmax.data as Float32Array);
  return { graph, preprocessing: p, layers, shapes, classCount, sourceOutput };
}

/** Global average pooling of NCHW maps [n, c, h, w] (or pass-through of [n, c]) to [n, c]. */
export function poolNchw(data: Float32Array, dims: readonly number[]): Float32Array {
  if (dims.length === 2) return data;
  const [n, c, h, w] = dims as [number, number, number, number];
  const plane = h * w;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n * c; i++) {
    let sum = 0;
    for (let j = 0; j < plane; j++) sum += data[i * plane + j] as number;
    out[i] = sum / plane;
  }
  return out;
}

/** NCHW maps to NHWC (the feature code's Keras layout); [n, c] passes through. */
export function nchwToNhwc(data: Float32Array, dims: readonly number[]): Float32Array {
  if (dims.length === 2) return data;
  const [n, c, h, w] = dims as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((i * h + y) * w + x) * c + k] = data[((i * c + k) * h + y) * w + x] as number;
  return out;
}
