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
  /** A 1-channel model's input: made grey after the resize, how (decode-image.ts: sharp's toColourspace('b-w') runs after its resize). */
  grayscale?: string;
  /**
   * The resize exactly as the app applies it (engine/preprocess/decode-image.ts: sharp's resize, libvips
   * 8.x): a reimplementation that follows these gets the app's pixels to rounding (the model card's Python
   * and browser snippets do; bench/README.md, 'The exported snippets' resize', measures them).
   */
  resize: {
    mode: ModelDescriptor['resize'];
    height: number;
    width: number;
    description: string;
    /** The filter per direction: libvips' Lanczos-3 when shrinking, bicubic (Catmull-Rom) when enlarging. */
    kernel: { shrink: 'lanczos3'; enlarge: 'bicubic'; description: string };
    /** Where the output pixels sample the input (libvips' conventions) and how the crop is placed. */
    geometry: string;
    /** libvips decodes a large JPEG at 1/2, 1/4 or 1/8 of its size before resizing (shrink-on-load). */
    jpegShrinkOnLoad: string;
  };
  /** An embedded ICC profile is applied (to sRGB) before the resize. */
  colourProfile: string;
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
    ...(channels === 1
      ? {
          grayscale:
            'Resize in sRGB (three channels), then make the result grey as libvips does: Y = 0.2126 R + 0.7152 G + 0.0722 B of the linear-light values ' +
            "(R = ((v / 255 + 0.055) / 1.055) ^ 2.4, or v / 255 / 12.92 for v / 255 <= 0.04045), y = clip(255 Y, 0, 255), and the pixel libvips' table gives: " +
            "table[k] = round(255 * sRGB(k / 255)) for k = 0..256 (sRGB(x) = 1.055 x ^ (1 / 2.4) - 0.055, or 12.92 x for x <= 0.0031308), " +
            'pixel = round(table[i] + (table[i + 1] - table[i]) * (y - i)) with i = min(floor(y), 255). A grey image (R = G = B) keeps its values.',
        }
      : {}),
    resize: {
      mode: descriptor.resize,
      height,
      width,
      description:
        descriptor.resize === 'center-crop'
          ? `Scale the image so its shorter side fits ${width}x${height} (keeping the aspect ratio), then crop the centre ${width}x${height}.`
          : `Scale width and height independently to exactly ${width}x${height} (the aspect ratio is not kept).`,
      kernel: {
        shrink: 'lanczos3',
        enlarge: 'bicubic',
        description:
          'Each axis by its own factor s = input length / output length (center-crop: the smaller of the two on both axes). ' +
          'An axis shrunk (s >= 1) is filtered with a 3-lobe Lanczos stretched by s (support 3s input pixels, weights normalised over the pixels inside the image); ' +
          'an axis enlarged (s < 1) is interpolated with bicubic (Catmull-Rom, a = -0.5), the edge pixels repeated. ' +
          'Shrunk axes first, the vertical pass before the horizontal, each pass rounded to 8 bits (0..255). ' +
          'Then, when an axis is enlarged, one bicubic interpolation over both axes (libvips\' affine), rounded to 8 bits once: ' +
          'an axis not enlarged (already shrunk, or of the output length) is interpolated again at scale 1, output pixel j sampling input position j - 0.5 ' +
          '(squashing 500x146 to 224x224 resamples the shrunk width too; leaving it as it is was up to 131 of 255 off).',
      },
      geometry:
        'Along an axis of n input pixels: the scaled length is full = round(n / s) and the crop keeps the output length from offset = floor((full - output + 1) / 2) ' +
        '(0 when squashing). Output pixel j samples input position (offset + j + 0.5) * s - 0.5 - (full * s - n) / 2 when shrinking, ' +
        '(offset + j) * s - 0.5 when enlarging (pixel i at position i). So the crop is taken after scaling, in whole scaled pixels: not the same box as cropping the centre first.',
      jpegShrinkOnLoad:
        `A JPEG whose shrink factor min(width / ${width}, height / ${height}) (after EXIF orientation) has a whole part w >= 3 is first decoded by libjpeg at 1/f of its size, ` +
        'f the largest of 8, 4 and 2 below w (e.g. 4000x3000 at 1/8, 1500x1000 at 1/4, 800x700 at 1/2), then resized as above; ' +
        "Pillow's Image.draft(None, (width // f, height // f)) asks libjpeg for the same decode. " +
        'A WebP that is shrunk is decoded by libwebp directly at the scaled size (scale 1 / min(width / output width, height / output height)) and then resized as above: ' +
        'libwebp\'s own scaling, which Pillow and browsers do not offer (expect some pixels tens of levels off for WebP). PNG, TIFF, GIF and the rest are decoded whole.',
    },
    colourProfile:
      'An embedded ICC colour profile (Adobe RGB, ProPhoto, a camera profile, a PNG iCCP chunk) is applied to convert the pixels to sRGB, perceptual intent, before the resize; images without one are taken as sRGB.',
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
