/**
 * Converts a TF.js Layers model (the graphs the app loads: MobileNet v1 of any width, the
 * starter CNN, the exported classifier) into one ONNX graph, in process. Only the layers the
 * requested outputs depend on are converted. Supported Keras layer kinds: InputLayer,
 * Conv2D, DepthwiseConv2D, BatchNormalization (the ONNX operator on feature maps, which
 * ONNX Runtime folds into the convolution before it at session load; a per-channel scale
 * and shift on vectors), Activation / ReLU / Softmax, ZeroPadding2D, Max/Average
 * pooling, global pooling, Dense, Reshape, Flatten, Dropout (identity at inference), Add,
 * Concatenate. Any other kind throws an UNSUPPORTED error naming the layer, and the caller
 * keeps running the model on TF.js.
 *
 * Layout: the graph takes and returns tensors in TF.js's NHWC layout (so its outputs are
 * bit-for-bit comparable and interchangeable with TF.js activations); inside, spatial
 * tensors are kept NCHW, the layout ONNX convolutions use, with transposes only where a
 * layer needs the Keras layout (Reshape, Flatten, Dense on maps, the outputs).
 */
import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import type { BatchNormParameters } from '../train/fold-batch-norm';
import { batchedValue, encodeModel, floatTensor, int64Tensor, node, onnx, type NodeProto, type TensorProto } from './onnx-proto';

/** Bumped whenever the converter's output changes, so cached graphs are rebuilt. */
export const CONVERTER_VERSION = 2;

export interface ConvertOptions {
  /** Layer names whose outputs the graph returns, in this order (duplicates collapse). */
  outputs: string[];
  /** Name of the graph input (default "input"). */
  inputName?: string;
  /**
   * Pixel normalisation put in the graph (x * scale + offset): the graph then takes 0..255
   * pixel values. Without it, the graph takes the model's own (normalised) input.
   */
  normalization?: { scale: number; offset: number };
  /** Element type of the input: uint8 pixels (cast in the graph) or float32 (default). */
  inputType?: 'uint8' | 'float32';
  /** Graph output names by layer name (default `out_<layer>`). */
  outputNames?: Record<string, string>;
  /**
   * Layers (among `outputs`) that also get a globally average-pooled output `pool_<layer>`
   * [batch, channels] (the layer itself when it is a vector), so callers that only need the
   * pooled features do not fetch whole feature maps.
   */
  pooledOutputs?: string[];
  /** Graph name and documentation stored in the file. */
  graphName?: string;
  docString?: string;
}

export interface ConvertedGraph {
  bytes: Uint8Array;
  inputName: string;
  /** Graph input shape without the batch axis, NHWC. */
  inputShape: number[];
  /** Graph output name for each requested layer name. */
  outputNames: Record<string, string>;
  /** Output shape (without batch, Keras layout) for each requested layer. */
  outputShapes: Record<string, number[]>;
}

type Layer = tf.layers.Layer;
type Layout = 'nchw' | 'keras';

/** A converted tensor: its ONNX name, layout and Keras shape without the batch axis. */
interface Value {
  name: string;
  layout: Layout;
  shape: number[];
}

function unsupported(message: string): AppError {
  return new AppError('UNSUPPORTED', `${message} The model runs on TF.js instead of ONNX Runtime.`);
}

function numberPair(value: unknown, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  return [fallback, fallback];
}

function staticShape(shape: (number | null)[] | (number | null)[][], layer: string): number[] {
  if (Array.isArray(shape[0])) throw unsupported(`Layer "${layer}" has several outputs.`);
  const dims = (shape as (number | null)[]).slice(1);
  if (dims.some((d) => d === null)) throw unsupported(`Layer "${layer}" has an undefined output size ${JSON.stringify(shape)}.`);
  return dims as number[];
}

/** Explicit [top, left, bottom, right] pads for Keras 'same' (extra pad at the end, as TensorFlow does). */
function samePads(inSize: [number, number], kernel: [number, number], strides: [number, number], dilation: [number, number]): number[] {
  const begin: number[] = [];
  const end: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const size = inSize[axis] as number;
    const stride = strides[axis] as number;
    const effective = ((kernel[axis] as number) - 1) * (dilation[axis] as number) + 1;
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + effective - size, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

function weightsByName(layer: Layer): Map<string, Float32Array> {
  const values = layer.getWeights();
  const out = new Map<string, Float32Array>();
  layer.weights.forEach((variable, i) => {
    const base = (variable.originalName.split('/').pop() ?? variable.originalName).replace(/:\d+$/, '');
    const tensor = values[i];
    if (tensor) out.set(base, Float32Array.from(tensor.dataSync() as Float32Array));
  });
  return out;
}

function required(weights: Map<string, Float32Array>, name: string, layer: Layer): Float32Array {
  const found = weights.get(name);
  if (!found) throw unsupported(`Layer "${layer.name}" has no "${name}" weight.`);
  return found;
}

function batchNormParameters(layer: Layer): BatchNormParameters {
  const config = layer.getConfig();
  const axis = config.axis;
  if (axis !== -1 && axis !== 3 && !(Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3))) {
    throw unsupported(`Batch normalisation "${layer.name}" normalises axis ${JSON.stringify(axis)}; only the channel axis is supported.`);
  }
  const w = weightsByName(layer);
  return {
    gamma: w.get('gamma') ?? null,
    beta: w.get('beta') ?? null,
    movingMean: required(w, 'moving_mean', layer),
    movingVariance: required(w, 'moving_variance', layer),
    epsilon: Number(config.epsilon ?? 1e-3),
  };
}

/** The single inbound layer names of a layer (in order), or [] for an input. */
function inboundLayers(layer: Layer): Layer[] {
  if (layer.inboundNodes.length !== 1) throw unsupported(`Layer "${layer.name}" is applied ${layer.inboundNodes.length} times; shared layers are not supported.`);
  const inbound = layer.inboundNodes[0];
  return inbound ? (inbound.inboundLayers as Layer[]) : [];
}

class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly values = new Map<string, Value>();
  private readonly converted = new Map<string, Value>();
  private counter = 0;

  fresh(base: string): string {
    this.counter += 1;
    return `${base}__${this.counter}`;
  }

  add(op: string, inputs: string[], base: string, attributes: Parameters<typeof node>[4] = {}): string {
    const out = this.fresh(base);
    this.nodes.push(node(op, inputs, [out], out, attributes));
    return out;
  }

  floats(base: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  ints(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  set(layer: string, value: Value): void {
    this.values.set(layer, value);
  }

  get(layer: string): Value {
    const value = this.values.get(layer);
    if (!value) throw new Error(`Layer "${layer}" used before it was converted.`);
    return value;
  }

  /** The value in NCHW (rank-4 values only). */
  nchw(value: Value, what: string): Value {
    if (value.layout === 'nchw') return value;
    if (value.shape.length !== 3) throw unsupported(`${what} needs a spatial input [h, w, c], got ${JSON.stringify(value.shape)}.`);
    const key = `nchw:${value.name}`;
    let cached = this.converted.get(key);
    if (!cached) {
      cached = { name: this.add('Transpose', [value.name], `${value.name}_nchw`, { perm: [0, 3, 1, 2] }), layout: 'nchw', shape: value.shape };
      this.converted.set(key, cached);
    }
    return cached;
  }

  /** The value in the Keras (channels-last) layout. */
  keras(value: Value): Value {
    if (value.layout === 'keras') return value;
    const key = `keras:${value.name}`;
    let cached = this.converted.get(key);
    if (!cached) {
      cached = { name: this.add('Transpose', [value.name], `${value.name}_nhwc`, { perm: [0, 2, 3, 1] }), layout: 'keras', shape: value.shape };
      this.converted.set(key, cached);
    }
    return cached;
  }

  /** Apply a Keras activation by name. `channelAxis` is where softmax normalises. */
  activation(input: string, activation: string, layer: string, channelAxis: number): string {
    switch (activation) {
      case 'linear':
        return input;
      case 'relu':
        return this.add('Relu', [input], layer);
      case 'relu6':
        return this.clip(input, 0, 6, layer);
      case 'sigmoid':
        return this.add('Sigmoid', [input], layer);
      case 'tanh':
        return this.add('Tanh', [input], layer);
      case 'softmax':
        return this.add('Softmax', [input], layer, { axis: channelAxis });
      default:
        throw unsupported(`Layer "${layer}" uses the activation "${activation}", which the ONNX converter does not support.`);
    }
  }

  clip(input: string, min: number, max: number | null, layer: string): string {
    const inputs = [input, this.floats(`${layer}_min`, [], Float32Array.of(min))];
    if (max !== null) inputs.push(this.floats(`${layer}_max`, [], Float32Array.of(max)));
    return this.add('Clip', inputs, layer);
  }
}

/** Layers the requested outputs depend on, in forward (topological) order. */
function neededLayers(model: tf.LayersModel, outputs: string[]): Layer[] {
  const needed = new Set<Layer>();
  const stack = outputs.map((name) => {
    try {
      return model.getLayer(name);
    } catch {
      throw new AppError('MODEL_INVALID', `The model has no layer named "${name}".`);
    }
  });
  while (stack.length) {
    const layer = stack.pop() as Layer;
    if (needed.has(layer)) continue;
    needed.add(layer);
    stack.push(...inboundLayers(layer));
  }
  return model.layers.filter((layer) => needed.has(layer));
}

/** Convert, or throw AppError('UNSUPPORTED') naming the first layer that cannot be converted. */
export function convertLayersModel(model: tf.LayersModel, options: ConvertOptions): ConvertedGraph {
  if (model.inputs.length !== 1) throw unsupported(`The model has ${model.inputs.length} inputs; the converter handles one image input.`);
  const g = new GraphBuilder();
  const inputName = options.inputName ?? 'input';
  const layers = neededLayers(model, options.outputs);
  let inputShape: number[] = [];

  for (const layer of layers) {
    const className = layer.getClassName();
    const config = layer.getConfig();
    const inputs = inboundLayers(layer).map((l) => g.get(l.name));
    const outShape = staticShape(layer.outputShape, layer.name);
    const first = inputs[0] as Value;
    const set = (value: Omit<Value, 'shape'>): void => g.set(layer.name, { ...value, shape: outShape });

    switch (className) {
      case 'InputLayer': {
        inputShape = outShape;
        if (outShape.length !== 3) throw unsupported(`The model input has shape ${JSON.stringify(outShape)}; an image model takes [h, w, c].`);
        let name = inputName;
        if (options.inputType === 'uint8') name = g.add('Cast', [name], 'pixels', { to: onnx.TensorProto.DataType.FLOAT });
        if (options.normalization) {
          const { scale, offset } = options.normalization;
          name = g.add('Mul', [name, g.floats('pixel_scale', [], Float32Array.of(scale))], 'normalise');
          name = g.add('Add', [name, g.floats('pixel_offset', [], Float32Array.of(offset))], 'normalise');
        }
        set({ name, layout: 'keras' });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const x = g.nchw(first, `Convolution "${layer.name}"`);
        if (config.data_format === 'channels_first' || config.dataFormat === 'channels_first') throw unsupported(`Layer "${layer.name}" uses channels_first.`);
        const depthwise = className === 'DepthwiseConv2D';
        const w = weightsByName(layer);
        const kernel = required(w, depthwise ? 'depthwise_kernel' : 'kernel', layer);
        const bias = w.get('bias') ?? null;
        const kernelSize = numberPair(config.kernelSize ?? config.kernel_size, 1);
        const strides = numberPair(config.strides, 1);
        const dilation = numberPair(config.dilationRate ?? config.dilation_rate, 1);
        const inChannels = x.shape[2] as number;
        const outChannels = outShape[2] as number;
        const padding = String(config.padding);
        if (padding !== 'same' && padding !== 'valid') throw unsupported(`Layer "${layer.name}" uses padding "${padding}".`);
        const pads = padding === 'same' ? samePads([x.shape[0] as number, x.shape[1] as number], kernelSize, strides, dilation) : [0, 0, 0, 0];
        const activation = String(config.activation ?? 'linear');
        {
          const k = kernel;
          const [kh, kw] = kernelSize;
          // TF.js [kh, kw, in, out] (depthwise: [kh, kw, in, mult], out = in * mult) → ONNX [out, in/group, kh, kw].
          const groupIn = depthwise ? 1 : inChannels;
          const onnxKernel = new Float32Array(outChannels * groupIn * kh * kw);
          for (let y = 0; y < kh; y++) {
            for (let xx = 0; xx < kw; xx++) {
              for (let i = 0; i < groupIn; i++) {
                for (let o = 0; o < outChannels; o++) {
                  const from = ((y * kw + xx) * groupIn + i) * outChannels + o;
                  onnxKernel[((o * groupIn + i) * kh + y) * kw + xx] = k[from] as number;
                }
              }
            }
          }
          const attributes = { kernel_shape: kernelSize, strides, dilations: dilation, pads, group: depthwise ? inChannels : 1 };
          const conv = g.add('Conv', [x.name, g.floats(`${layer.name}_W`, [outChannels, groupIn, kh, kw], onnxKernel), g.floats(`${layer.name}_B`, [outChannels], bias ?? new Float32Array(outChannels))], layer.name, attributes);
          set({ name: g.activation(conv, activation, layer.name, 1), layout: 'nchw' });
        }
        break;
      }
      case 'BatchNormalization': {
        const bn = batchNormParameters(layer);
        const channels = bn.movingMean.length;
        if (first.layout === 'nchw') {
          // The standard operator: ONNX Runtime folds it into the convolution before it when the session loads.
          const ones = new Float32Array(channels).fill(1);
          const inputs = [first.name, g.floats(`${layer.name}_gamma`, [channels], bn.gamma ?? ones), g.floats(`${layer.name}_beta`, [channels], bn.beta ?? new Float32Array(channels)), g.floats(`${layer.name}_mean`, [channels], bn.movingMean), g.floats(`${layer.name}_var`, [channels], bn.movingVariance)];
          set({ name: g.add('BatchNormalization', inputs, layer.name, { epsilon: { float: bn.epsilon } }), layout: 'nchw' });
          break;
        }
        const scale = new Float32Array(channels);
        const shift = new Float32Array(channels);
        for (let c = 0; c < channels; c++) {
          const s = (bn.gamma ? (bn.gamma[c] as number) : 1) / Math.sqrt((bn.movingVariance[c] as number) + bn.epsilon);
          scale[c] = s;
          shift[c] = (bn.beta ? (bn.beta[c] as number) : 0) - (bn.movingMean[c] as number) * s;
        }
        // Keras layout: the channel axis is last, so [channels] broadcasts.
        const scaled = g.add('Mul', [first.name, g.floats(`${layer.name}_scale`, [channels], scale)], layer.name);
        set({ name: g.add('Add', [scaled, g.floats(`${layer.name}_shift`, [channels], shift)], layer.name), layout: 'keras' });
        break;
      }
      case 'Activation': {
        const axis = first.layout === 'nchw' ? 1 : -1;
        set({ name: g.activation(first.name, String(config.activation), layer.name, axis), layout: first.layout });
        break;
      }
      case 'ReLU': {
        const maxValue = config.maxValue ?? config.max_value;
        const threshold = Number(config.threshold ?? 0);
        const slope = Number(config.negativeSlope ?? config.negative_slope ?? 0);
        if (threshold !== 0 || slope !== 0) throw unsupported(`ReLU "${layer.name}" has a threshold or negative slope.`);
        const name = maxValue === null || maxValue === undefined ? g.add('Relu', [first.name], layer.name) : g.clip(first.name, 0, Number(maxValue), layer.name);
        set({ name, layout: first.layout });
        break;
      }
      case 'Softmax': {
        const axis = Number(config.axis ?? -1);
        if (axis !== -1 && axis !== first.shape.length) throw unsupported(`Softmax "${layer.name}" normalises axis ${axis}; only the last axis is supported.`);
        set({ name: g.add('Softmax', [first.name], layer.name, { axis: first.layout === 'nchw' ? 1 : -1 }), layout: first.layout });
        break;
      }
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'GaussianNoise':
      case 'GaussianDropout':
        // Inference: the identity.
        g.set(layer.name, { ...first, shape: outShape });
        break;
      case 'ZeroPadding2D': {
        const x = g.nchw(first, `Padding "${layer.name}"`);
        const raw = config.padding;
        let top = 0;
        let bottom = 0;
        let left = 0;
        let right = 0;
        if (typeof raw === 'number') top = bottom = left = right = raw;
        else if (Array.isArray(raw) && Array.isArray(raw[0])) {
          [top, bottom] = (raw[0] as number[]).map(Number) as [number, number];
          [left, right] = (raw[1] as number[]).map(Number) as [number, number];
        } else if (Array.isArray(raw)) {
          top = bottom = Number(raw[0]);
          left = right = Number(raw[1]);
        }
        set({ name: g.add('Pad', [x.name, g.ints(`${layer.name}_pads`, [0, 0, top, left, 0, 0, bottom, right])], layer.name, { mode: 'constant' }), layout: 'nchw' });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const x = g.nchw(first, `Pooling "${layer.name}"`);
        const pool = numberPair(config.poolSize ?? config.pool_size, 2);
        const strides = config.strides === null || config.strides === undefined ? pool : numberPair(config.strides, 1);
        const padding = String(config.padding);
        const pads = padding === 'same' ? samePads([x.shape[0] as number, x.shape[1] as number], pool, strides, [1, 1]) : [0, 0, 0, 0];
        const op = className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
        const attributes = { kernel_shape: pool, strides, pads, ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) };
        set({ name: g.add(op, [x.name], layer.name, attributes), layout: 'nchw' });
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const x = g.nchw(first, `Pooling "${layer.name}"`);
        const op = className === 'GlobalAveragePooling2D' ? 'ReduceMean' : 'ReduceMax';
        const keepDims = config.keepdims === true || config.keepDims === true;
        if (keepDims) set({ name: g.add(op, [x.name], layer.name, { axes: [2, 3], keepdims: 1 }), layout: 'nchw' });
        else set({ name: g.add(op, [x.name], layer.name, { axes: [2, 3], keepdims: 0 }), layout: 'keras' });
        break;
      }
      case 'Reshape':
      case 'Flatten': {
        const x = g.keras(first);
        const target = className === 'Flatten' ? [outShape.reduce((a, b) => a * b, 1)] : outShape;
        set({ name: g.add('Reshape', [x.name, g.ints(`${layer.name}_shape`, [-1, ...target])], layer.name), layout: 'keras' });
        break;
      }
      case 'Dense': {
        const x = g.keras(first);
        const w = weightsByName(layer);
        const units = outShape[outShape.length - 1] as number;
        const inputsPerUnit = x.shape[x.shape.length - 1] as number;
        const product = g.add('MatMul', [x.name, g.floats(`${layer.name}_W`, [inputsPerUnit, units], required(w, 'kernel', layer))], layer.name);
        const bias = w.get('bias');
        const summed = bias ? g.add('Add', [product, g.floats(`${layer.name}_B`, [units], bias)], layer.name) : product;
        set({ name: g.activation(summed, String(config.activation ?? 'linear'), layer.name, -1), layout: 'keras' });
        break;
      }
      case 'Add':
      case 'Multiply':
      case 'Concatenate': {
        const layout: Layout = inputs.every((v) => v.layout === 'nchw') ? 'nchw' : 'keras';
        const operands = inputs.map((v) => (layout === 'nchw' ? v : g.keras(v)).name);
        if (className === 'Concatenate') {
          const axis = Number(config.axis ?? -1);
          if (axis !== -1 && axis !== outShape.length) throw unsupported(`Concatenate "${layer.name}" joins axis ${axis}; only the channel axis is supported.`);
          set({ name: g.add('Concat', operands, layer.name, { axis: layout === 'nchw' ? 1 : -1 }), layout });
        } else {
          const op = className === 'Add' ? 'Add' : 'Mul';
          let acc = operands[0] as string;
          for (const next of operands.slice(1)) acc = g.add(op, [acc, next], layer.name);
          set({ name: acc, layout });
        }
        break;
      }
      default:
        throw unsupported(`Layer "${layer.name}" is a ${className}, a layer kind the ONNX converter does not support.`);
    }
  }

  // Outputs in the Keras layout, renamed to the layer names.
  const outputNames: Record<string, string> = {};
  const outputShapes: Record<string, number[]> = {};
  const outputs = [];
  for (const name of [...new Set(options.outputs)]) {
    const value = g.keras(g.get(name));
    const outName = options.outputNames?.[name] ?? `out_${name}`;
    g.nodes.push(node('Identity', [value.name], [outName], outName));
    outputNames[name] = outName;
    outputShapes[name] = value.shape;
    outputs.push(batchedValue(outName, value.shape));
  }
  for (const name of [...new Set(options.pooledOutputs ?? [])]) {
    if (!options.outputs.includes(name)) throw new Error(`Pooled output "${name}" is not among the outputs.`);
    const value = g.get(name);
    const outName = `pool_${name}`;
    const channels = value.shape[value.shape.length - 1] as number;
    if (value.shape.length === 3) {
      const axes = value.layout === 'nchw' ? [2, 3] : [1, 2];
      g.nodes.push(node('ReduceMean', [value.name], [outName], outName, { axes, keepdims: 0 }));
    } else {
      g.nodes.push(node('Identity', [value.name], [outName], outName));
    }
    outputs.push(batchedValue(outName, [channels]));
  }
  const bytes = encodeModel({
    name: options.graphName ?? model.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [batchedValue(inputName, inputShape, options.inputType === 'uint8' ? onnx.TensorProto.DataType.UINT8 : onnx.TensorProto.DataType.FLOAT)],
    outputs,
    docString: options.docString,
  });
  return { bytes, inputName, inputShape, outputNames, outputShapes };
}
