/**
 * `preprocessing.json` of an exported classifier: exactly how to turn an image file into
 * the model's input tensor. Normalisation is NOT in the TF.js graph: `model.json` takes the
 * normalised float tensor [1, height, width, channels] (NHWC), as the frozen trunk does;
 * `model.onnx` takes the same pixels before normalisation (it normalises in the graph).
 */
import { HIGH_BIT_DEPTH_RULE } from '../../media/high-bit-depth';
import type { ModelDescriptor } from '../model/descriptor';
import { ONNX_INPUT, ONNX_OUTPUT, type OnnxExport } from './export-onnx';

export interface PreprocessingSpec {
  formatVersion: 1;
  input: { name: string; shape: [null, number, number, number]; dtype: 'float32'; layout: 'NHWC' };
  colorSpace: 'sRGB' | 'grayscale';
  resize: {
    mode: ModelDescriptor['resize'];
    height: number;
    width: number;
    description: string;
  };
  normalization: { scale: number; offset: number; formula: string; inGraph: false };
  exif: string;
  /** How an image of more than 8 bits per channel becomes 8-bit (media/high-bit-depth.ts): before everything else but the orientation. */
  highBitDepth: string;
  alpha: string;
  animated: string;
  output: { name: string; classes: string[]; description: string };
  /** The ONNX copy: same image preparation, but it takes the 0..255 pixel values (normalisation in the graph). */
  onnx:
    | { file: string; input: { name: string; shape: [null, number, number, number]; dtype: 'float32'; layout: 'NHWC'; values: string }; output: { name: string } }
    | { file: null; reason: string };
}

export function preprocessingSpec(descriptor: ModelDescriptor, inputName: string, outputName: string, classes: string[], onnx: OnnxExport): PreprocessingSpec {
  const { height, width, channels } = descriptor.input;
  const { scale, offset } = descriptor.normalization;
  return {
    formatVersion: 1,
    input: { name: inputName, shape: [null, height, width, channels], dtype: 'float32', layout: 'NHWC' },
    colorSpace: channels === 1 ? 'grayscale' : 'sRGB',
    resize: {
      mode: descriptor.resize,
      height,
      width,
      description:
        descriptor.resize === 'center-crop'
          ? `Scale the image so its shorter side fits ${width}x${height} (keeping the aspect ratio), then crop the centre ${width}x${height}.`
          : `Scale width and height independently to exactly ${width}x${height} (the aspect ratio is not kept).`,
    },
    normalization: {
      scale,
      offset,
      formula: `input = pixel * ${scale} + ${offset}, with pixel the 8-bit channel value 0..255`,
      inGraph: false,
    },
    exif: 'Apply the EXIF orientation (rotate/flip the pixels as the Orientation tag says) before resizing, as image viewers do.',
    highBitDepth: HIGH_BIT_DEPTH_RULE,
    alpha: 'Flatten transparency onto a white background.',
    animated: 'Use the first frame of animated GIF, WebP or multi-page TIFF images.',
    output: { name: outputName, classes, description: `Softmax probabilities over the ${classes.length} classes, in labels.json order.` },
    onnx: onnx.file
      ? {
          file: onnx.file,
          input: { name: ONNX_INPUT, shape: [null, height, width, channels], dtype: 'float32', layout: 'NHWC', values: 'the 8-bit channel values 0..255 after the resize above; the normalisation is inside the graph' },
          output: { name: ONNX_OUTPUT },
        }
      : { file: null, reason: onnx.reason },
  };
}
