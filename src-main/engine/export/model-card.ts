/** `MODEL_CARD.md` of an exported classifier: what it is, what it was trained on, how well it did. */
import { HIGH_BIT_DEPTH_RULE, HIGH_PERCENTILE, LEVEL_SAMPLE_SIDE, LOW_PERCENTILE } from '../../media/high-bit-depth';
import type { ClassEvaluation } from '../../../src-shared/class-evaluation';
import type { ModelDescriptor } from '../model/descriptor';
import type { TrainingMode } from '../train/head-weights';
import { classEvaluationSection, intendedUseSection, markdownRow as row } from './class-evaluation-card';
import { ONNX_INPUT, ONNX_OUTPUT, type OnnxExport } from './export-onnx';
import { cardNumber } from './training-details';

export interface ModelCardFacts {
  descriptor: ModelDescriptor;
  mode: TrainingMode;
  classes: string[];
  /** Labelled images per class, in `classes` order. */
  labelCounts: number[];
  backend: string;
  date: Date;
  /** Named metrics, e.g. training accuracy or a held-out accuracy; omitted when unknown. */
  metrics: Record<string, number | string>;
  /** Training details in words (training-details.ts trainingDetails); numbers are shown to four significant digits. */
  training: Record<string, number | string>;
  /** The version's score per class on the labeled evaluation set; absent or null when it has none. */
  evaluation?: ClassEvaluation | null;
  onnx: OnnxExport;
}

/**
 * The Node snippets' decode of an image file at 8 bits per channel, as ADMA Studio's
 * (media/high-bit-depth.ts, decodeEightBit; HIGH_BIT_DEPTH_RULE in words): the same operations,
 * so a 16-bit, 32-bit or float image gets the same bytes (test/integration/engine/onnx-export.test.ts
 * runs the snippets; test/unit/media/high-bit-depth-float.test.ts this function).
 */
export const NODE_EIGHT_BIT = [
  `// 16-bit, 32-bit and float images (microscopes, scientific cameras) as ADMA Studio reads them: the ${LOW_PERCENTILE}st to the`,
  `// ${HIGH_PERCENTILE}th percentile of the values stretched to 0..255 (preprocessing.json, highBitDepth); 8-bit ones as they are.`,
  'async function eightBit(file) {',
  '  const options = { animated: false, pages: 1 };',
  '  const { depth, channels, hasAlpha, space } = await sharp(file, options).metadata();',
  "  if (depth === 'uchar' || depth === 'char') return sharp(file, options).rotate();",
  "  const colour = channels - (hasAlpha ? 1 : 0) >= 3 || space === 'cmyk' ? 3 : 1;",
  "  const sixteen = depth === 'ushort';",
  '  // The values as stored, at their own depth (a float RGB TIFF is linear light, scRGB: kept so).',
  '  const { data, info } = await sharp(file, options)',
  '    .rotate()',
  "    .toColourspace(sixteen ? (colour === 3 ? 'rgb16' : 'grey16') : colour === 1 ? 'b-w' : space === 'scrgb' ? 'scrgb' : 'srgb')",
  '    .raw({ depth })',
  '    .toBuffer({ resolveWithObject: true });',
  '  const Values = { ushort: Uint16Array, short: Int16Array, uint: Uint32Array, int: Int32Array, float: Float32Array, double: Float64Array }[depth];',
  '  const values = new Values(data.buffer, data.byteOffset, data.length / Values.BYTES_PER_ELEMENT);',
  '  const { width, height, channels: n } = info;',
  `  const step = Math.max(1, Math.ceil(Math.max(width, height) / ${LEVEL_SAMPLE_SIDE}));`,
  '  const sample = [];',
  '  for (let y = 0; y < height; y += step) for (let x = 0; x < width; x += step) for (let c = 0; c < colour; c++) sample.push(values[(y * width + x) * n + c]);',
  '  const sorted = Float64Array.from(sample.filter(Number.isFinite)).sort();',
  '  const percentile = (p) => { // numpy.percentile (linear)',
  '    const at = (sorted.length - 1) * (p / 100), k = Math.floor(at), t = at - k;',
  '    const lower = sorted[k], upper = sorted[Math.min(k + 1, sorted.length - 1)], diff = upper - lower;',
  '    return t >= 0.5 ? upper - diff * (1 - t) : lower + diff * t;',
  '  };',
  '  const full = { ushort: 65535, short: 32767, uint: 4294967295, int: 2147483647 }[depth] ?? 1;',
  `  let [low, high] = [percentile(${LOW_PERCENTILE}), percentile(${HIGH_PERCENTILE})];`,
  '  if (!(high > low)) [low, high] = [sorted[0], sorted[sorted.length - 1]];',
  '  if (!(high > low)) [low, high] = [0, full];',
  '  const [scale, alphaScale] = [255 / (high - low), 255 / full];',
  '  const out = new Uint8Array(values.length);',
  '  for (let i = 0; i < values.length; i++) {',
  '    const v = i % n < colour ? (values[i] - low) * scale : values[i] * alphaScale;',
  '    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);',
  '  }',
  '  return sharp(out, { raw: { width, height, channels: n } });',
  '}',
].join('\n');

/**
 * The Python snippets' counterpart (Pillow and numpy): the same levels to the last bit for a grey
 * 16-bit, 32-bit signed or float image (test/unit/media/high-bit-depth-python.test.ts). Pillow
 * reads 16-bit colour as 8-bit RGB, 32-bit unsigned TIFF as signed, and no float or 32-bit
 * colour TIFF: those differ or fail (said).
 */
export const PYTHON_EIGHT_BIT = [
  'def eight_bit(image):',
  `    """16-bit, 32-bit and float images (microscopes, scientific cameras) as ADMA Studio reads them: the ${LOW_PERCENTILE}st to the`,
  `    ${HIGH_PERCENTILE}th percentile of the values stretched to 0..255 (preprocessing.json, highBitDepth); 8-bit ones as they are.`,
  '    Pillow reads 16-bit colour PNG/TIFF as 8-bit RGB, 32-bit unsigned TIFF as signed (values from 2**31 on negative), and',
  '    cannot open float or 32-bit colour TIFF: for those, read the values with tifffile or imageio instead.',
  '    image: as Image.open gives it; returned EXIF-oriented."""',
  '    bits = getattr(image, "tag_v2", {}).get(258, (16,))  # TIFF BitsPerSample (the oriented copy has none)',
  '    image = ImageOps.exif_transpose(image)',
  '    if image.mode not in ("I", "I;16", "I;16B", "I;16L", "F"):',
  '        return image',
  '    a = np.asarray(image, dtype=np.float64)',
  '    full = 1.0 if image.mode == "F" else 2147483647.0 if 32 in np.atleast_1d(bits) else 65535.0',
  `    step = max(1, -(-max(image.size) // ${LEVEL_SAMPLE_SIDE}))`,
  '    sample = a[::step, ::step].ravel()',
  '    sample = sample[np.isfinite(sample)]',
  '    low, high = (0.0, full)',
  '    if sample.size:',
  `        low, high = np.percentile(sample, [${LOW_PERCENTILE}, ${HIGH_PERCENTILE}])`,
  '        if not high > low:',
  '            low, high = sample.min(), sample.max()',
  '        if not high > low:',
  '            low, high = (0.0, full)',
  '    # NaN (missing data) maps to 0, +inf to 255',
  '    return Image.fromarray(np.nan_to_num(np.floor(np.clip((a - low) * (255 / (high - low)), 0, 255) + 0.5)).astype(np.uint8))',
].join('\n');

/**
 * The Python snippets' resize, as ADMA Studio's (engine/preprocess/decode-image.ts: sharp, libvips;
 * preprocessing.json's resize in words): the same shrink-on-load of a large JPEG (Pillow's draft asks
 * libjpeg for the scaled decode libvips uses), the embedded colour profile to sRGB, then one pass per
 * axis with libvips' kernels and sample positions; when an axis is enlarged, libvips' bicubic affine over
 * both axes (an axis shrunk or kept is interpolated again at scale 1, half a pixel earlier: squashing
 * 500x146 to 224x224 without it was up to 109 of 255 off). Measured against the app (bench/README.md,
 * 'The exported snippets' resize'): within 3 of 255 per channel on every path of the resize.
 */
export const PYTHON_RESIZE = [
  'def shrink_on_load(image, width, height):',
  '    """Large JPEGs: libvips decodes them at 1/2, 1/4 or 1/8 of their size (the largest below the whole part of',
  `    the shrink factor), as ADMA Studio does; Pillow's draft asks libjpeg for the same scaled decode."""`,
  '    if image.format != "JPEG":',
  '        return image',
  '    if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # turned by EXIF: the target as libvips sees it',
  '        width, height = height, width',
  '    whole = int(min(image.width / width, image.height / height))',
  '    factor = next((f for f in (8, 4, 2) if f < whole), 1)',
  '    if factor > 1:',
  '        image.draft(None, (image.width // factor, image.height // factor))',
  '    return image',
  '',
  '',
  'def to_srgb(image):',
  '    """An embedded colour profile converted to sRGB (perceptual), as libvips does before resizing; an image with',
  '    transparency or a palette has its colour converted and its alpha kept, as libvips does (onto white after)."""',
  '    profile = image.info.get("icc_profile")',
  '    if profile and image.mode == "P":  # a palette image (PNG, GIF): its colours, with their transparency',
  '        image = image.convert("RGBA")',
  '    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):',
  '        return image',
  '    colour = image.convert("RGB") if image.mode == "RGBA" else image  # the colour alone, not premultiplied',
  '    srgb = ImageCms.profileToProfile(colour, ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB"), outputMode="RGB")',
  '    if image.mode == "RGBA":',
  '        srgb.putalpha(image.getchannel("A"))',
  '    return srgb',
  '',
  '',
  'def resize_like_sharp(image, width, height, cover):',
  `    """ADMA Studio's resize (sharp, libvips): each axis scaled by its own factor (cover: the shorter side's on both).`,
  '    libvips shrinks first, with Lanczos-3, vertical before horizontal; then, when an axis is enlarged, it',
  '    interpolates bicubically over both axes, horizontal then vertical, an axis not enlarged taken again at scale 1',
  '    half a pixel earlier (so squashing 500x146 to 224x224 resamples the shrunk width too); then the centre crop. Pixel',
  '    positions as libvips places them: expect 0-2 of 255 off in some pixels (rounding), up to ~12 near strong edges."""',
  '    sx, sy = image.width / width, image.height / height',
  '    if cover:',
  '        sx = sy = min(sx, sy)',
  '    passes = [(1, sy, height), (0, sx, width)]',
  '    for axis, s, size in passes:',
  '        if s > 1:',
  '            image = resample_axis(image, axis, s, size, enlarge=False)',
  '    if sx < 1 or sy < 1:  # in floats: libvips rounds the horizontal pass to whole numbers, not into 0..255',
  '        rounded = lambda band: Image.fromarray(np.floor(np.asarray(band) + 0.5))',
  '        bands = [resample_axis(rounded(resample_axis(band.convert("F"), 0, min(sx, 1), width, True)), 1, min(sy, 1), height, True) for band in image.split()]',
  '        image = Image.merge(image.mode, [Image.fromarray(np.clip(np.floor(np.asarray(band) + 0.5), 0, 255).astype(np.uint8)) for band in bands])',
  '    return image',
  '',
  '',
  'def resample_axis(image, axis, s, size, enlarge):',
  '    """One pass of resize_like_sharp along axis (0 horizontal, 1 vertical) by factor s (input / output length):',
  '    Lanczos-3 to shrink, bicubic (Catmull-Rom) to enlarge or at scale 1, at the positions libvips samples."""',
  '    n = image.size[axis]',
  '    full = int(n / s + 0.5)  # the length libvips scales to; the crop keeps size of it from (full - size + 1) // 2',
  '    start = (full - size + 1) // 2 * s - (s / 2 if enlarge else (full * s - n) / 2)',
  `    pad = 3 if enlarge else 0  # enlarging: libvips samples at the corners' convention and repeats the edge pixels`,
  '    if pad:',
  '        a = np.asarray(image)',
  '        image = Image.fromarray(np.pad(a, [(pad, pad) if d == 1 - axis else (0, 0) for d in range(a.ndim)], mode="edge"))',
  '    box = [0, 0, *image.size]',
  '    box[axis], box[axis + 2] = max(0.0, start + pad), min(image.size[axis], start + pad + size * s)',
  '    out = list(image.size)',
  '    out[axis] = size',
  '    return image.resize(tuple(out), Image.BICUBIC if enlarge else Image.LANCZOS, box=tuple(box))',
  '',
].join('\n');

/**
 * A 1-channel model's grey, in Python, as ADMA Studio makes it (decode-image.ts: sharp's toColourspace('b-w')
 * is applied after the resize, so the image is resized in RGB and then made grey): libvips' sRGB to B_W,
 * the luminance of linear light through its 8-bit table of sRGB's curve. Byte for byte the app's on real
 * photos; a grey image (R = G = B) comes back as it was. Pillow's convert("L") (601 luma of the gamma values,
 * before the resize) was up to 22 of 255 off.
 */
export const PYTHON_GREY = [
  'def grey_like_sharp(image):',
  '    """RGB to grey as libvips does (after the resize): 0.2126 R + 0.7152 G + 0.0722 B in linear light, back to',
  `    sRGB's curve by interpolating libvips' table of 257 rounded values."""`,
  '    a = np.asarray(image.convert("RGB"), dtype=np.float64) / 255',
  '    y = np.clip((np.where(a <= 0.04045, a / 12.92, ((a + 0.055) / 1.055) ** 2.4) @ [0.2126, 0.7152, 0.0722]) * 255, 0, 255)',
  '    k = np.arange(257) / 255',
  '    table = np.floor(255 * np.where(k <= 0.0031308, 12.92 * k, 1.055 * k ** (1 / 2.4) - 0.055) + 0.5)',
  '    i = np.minimum(y.astype(int), 255)',
  '    return Image.fromarray(np.floor(table[i] + (table[i + 1] - table[i]) * (y - i) + 0.5).astype(np.uint8), "L")',
  '',
].join('\n');

/** The browser snippet's grey for a 1-channel model: PYTHON_GREY's arithmetic, on the resized RGB pixels. */
export const BROWSER_GREY = [
  "// A 1-channel model's grey as ADMA Studio makes it (libvips, after the resize): 0.2126 R + 0.7152 G + 0.0722 B",
  "// in linear light, back to sRGB's curve by interpolating libvips' table of 257 rounded values.",
  'function greyLikeSharp(rgb) {',
  '  const linear = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);',
  '  const table = Array.from({ length: 257 }, (_, k) => Math.floor(255 * (k / 255 <= 0.0031308 ? (12.92 * k) / 255 : 1.055 * (k / 255) ** (1 / 2.4) - 0.055) + 0.5));',
  '  const out = new Uint8Array(rgb.length / 3);',
  '  for (let p = 0; p < out.length; p++) {',
  '    const y = Math.min(255, Math.max(0, 255 * (0.2126 * linear(rgb[3 * p]) + 0.7152 * linear(rgb[3 * p + 1]) + 0.0722 * linear(rgb[3 * p + 2]))));',
  '    const i = Math.min(Math.floor(y), 255);',
  '    out[p] = Math.floor(table[i] + (table[i + 1] - table[i]) * (y - i) + 0.5);',
  '  }',
  '  return out;',
  '}',
].join('\n');

/**
 * The browser snippet's resize: the same passes in plain JavaScript (TF.js has no Lanczos; a canvas's
 * 'high' smoothing is the browser's own filter, measured 3.6 times further from the app's pixels on average).
 * It cannot redo libvips' scaled JPEG decode of an image more than 3x the input size (said in the code).
 */
export const BROWSER_RESIZE = [
  "// ADMA Studio's resize (sharp, libvips; preprocessing.json's resize) in plain JavaScript, on 8-bit pixels",
  '// (height x width x channels): each axis scaled by its own factor (centre-crop: the shorter side\'s on both).',
  '// libvips shrinks first, Lanczos-3, vertical before horizontal, each pass rounded to 8 bits; then, when an axis',
  '// is enlarged, it interpolates bicubically over both axes, horizontal then vertical, an axis not enlarged taken',
  '// again at scale 1 half a pixel earlier; only the centre crop is computed. Expect 0-3 of 255 off in some pixels;',
  '// more (up to ~20) for a JPEG over 3x the input size, which libvips decodes at 1/2, 1/4 or 1/8 (shrink-on-load).',
  'function resizeLikeSharp(pixels, width, height, channels, outWidth, outHeight, cover) {',
  '  let image = { data: pixels, width, height };',
  '  let sx = width / outWidth, sy = height / outHeight;',
  '  if (cover) sx = sy = Math.min(sx, sy);',
  '  if (sy > 1) image = resizeAxis(image, channels, true, outHeight, sy, false);',
  '  if (sx > 1) image = resizeAxis(image, channels, false, outWidth, sx, false);',
  '  if (sx < 1 || sy < 1) {',
  '    image = resizeAxis(image, channels, false, outWidth, Math.min(sx, 1), true);',
  '    image = resizeAxis(image, channels, true, outHeight, Math.min(sy, 1), true);',
  '  }',
  '  return Uint8Array.from(image.data, (v) => Math.min(255, Math.max(0, v)));',
  '}',
  '',
  '// One pass along an axis by factor s (input / output length): Lanczos-3 to shrink (rounded to 8 bits), or',
  '// bicubic (Catmull-Rom) to enlarge or at scale 1, rounded to whole numbers but not into 0..255 (libvips clips once, at the end).',
  'function resizeAxis({ data, width, height }, channels, vertical, size, s, enlarge) {',
  '  const n = vertical ? height : width, full = Math.round(n / s), crop = Math.floor((full - size + 1) / 2);',
  '  const support = enlarge ? 2 : 3 * s;',
  '  const kernel = (t) => {',
  '    if (!enlarge) { // Lanczos-3, stretched by s',
  '      const x = Math.abs(t / s);',
  '      return x < 1e-9 ? 1 : x >= 3 ? 0 : (3 * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / 3)) / (Math.PI * Math.PI * x * x);',
  '    }',
  '    const x = Math.abs(t); // Catmull-Rom',
  '    return x < 1 ? (1.5 * x - 2.5) * x * x + 1 : x < 2 ? ((-0.5 * x + 2.5) * x - 4) * x + 2 : 0;',
  '  };',
  '  const [w, h] = vertical ? [width, size] : [size, height], out = enlarge ? new Float64Array(w * h * channels) : new Uint8Array(w * h * channels);',
  '  for (let j = 0; j < size; j++) {',
  `    // The sample position in input pixels: libvips centres a shrink's samples, an enlargement's sit half an output pixel earlier.`,
  '    const centre = (crop + j + 0.5) * s - 0.5 - (enlarge ? s / 2 : (full * s - n) / 2);',
  '    const taps = [];',
  '    let total = 0;',
  '    for (let i = Math.ceil(centre - support); i <= Math.floor(centre + support); i++) {',
  '      if (!enlarge && (i < 0 || i >= n)) continue; // a shrink weighs the pixels inside; an enlargement repeats the edge',
  '      const weight = kernel(i - centre);',
  '      taps.push([Math.min(n - 1, Math.max(0, i)), weight]);',
  '      total += weight;',
  '    }',
  '    const across = vertical ? width : height;',
  '    for (let k = 0; k < across; k++) for (let c = 0; c < channels; c++) {',
  '      let sum = 0;',
  '      for (const [i, weight] of taps) sum += weight * data[((vertical ? i * width + k : k * width + i) * channels) + c];',
  '      out[((vertical ? j * w + k : k * w + j) * channels) + c] = enlarge ? Math.round(sum / total) : Math.min(255, Math.max(0, Math.round(sum / total)));',
  '    }',
  '  }',
  '  return { data: out, width: w, height: h };',
  '}',
].join('\n');

/** The sharp pipeline that prepares an image exactly as ADMA Studio does (Node snippets; NODE_EIGHT_BIT first). */
function sharpPipeline(d: ModelDescriptor): string {
  const { height, width, channels } = d.input;
  return (
    `const { data } = await (await eightBit(process.argv[2]))\n` +
    `  .flatten({ background: '#ffffff' })\n  .toColourspace('${channels === 1 ? 'b-w' : 'srgb'}')\n` +
    `  .resize(${width}, ${height}, { fit: '${d.resize === 'squash' ? 'fill' : 'cover'}', position: 'centre' })\n` +
    `  .raw({ depth: 'uchar' })\n  .toBuffer({ resolveWithObject: true });`
  );
}

/** Code that loads the export and predicts one image, for each runtime (tested by running the Node ones). */
export function loadingSnippets(d: ModelDescriptor, onnx: OnnxExport): { nodeTfjs: string; browserTfjs: string; nodeOnnx: string | null; pythonOnnx: string | null } {
  const { height, width, channels } = d.input;
  const { scale, offset } = d.normalization;
  const printout = 'console.log(JSON.stringify(Object.fromEntries(labels.map((label, i) => [label, probabilities[i]]))));';
  const nodeTfjs = [
    "// predict-tfjs.mjs: node predict-tfjs.mjs photo.jpg (run in this folder; npm install @tensorflow/tfjs sharp).",
    "// Plain @tensorflow/tfjs cannot load file:// URLs in Node: read the files and load them from memory.",
    "import { readFile } from 'node:fs/promises';",
    "import * as tf from '@tensorflow/tfjs';",
    "import sharp from 'sharp';",
    '',
    NODE_EIGHT_BIT,
    '',
    "const json = JSON.parse(await readFile('model.json', 'utf8'));",
    'const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);',
    'const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((path) => readFile(path)));',
    'const weightData = new Uint8Array(Buffer.concat(shards)).buffer;',
    'const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));',
    "const labels = JSON.parse(await readFile('labels.json', 'utf8'));",
    '',
    sharpPipeline(d),
    `const input = tf.tensor4d(Float32Array.from(data, (v) => v * ${scale} + ${offset}), [1, ${height}, ${width}, ${channels}]);`,
    'const probabilities = await model.predict(input).data();',
    printout,
  ].join('\n');
  const browserTfjs = [
    '// In a web page (bundled, or tfjs from a <script> tag): serve this folder over http(s).',
    "import * as tf from '@tensorflow/tfjs';",
    '',
    "const model = await tf.loadLayersModel('model.json'); // URL of this folder's model.json; the shards are fetched beside it",
    "const labels = await (await fetch('labels.json')).json();",
    '',
    '/** image: a loaded <img>, <canvas> or ImageBitmap (browsers apply the EXIF orientation). */',
    '// A browser draws a 16-bit PNG at 8 bits by a fixed scale (12-bit data almost black): give such an image as a',
    "// canvas of its values stretched as preprocessing.json's highBitDepth says, or predict it with the Node snippet.",
    'function predict(image) {',
    '  const probabilities = tf.tidy(() => {',
    // In RGB, also for a 1-channel model: the app resizes in RGB and makes it grey afterwards (fromPixels(image, 1) keeps only red).
    '    const pixels = tf.browser.fromPixels(image, 3);',
    '    const [h, w] = pixels.shape;',
    `    const resized = resizeLikeSharp(pixels.dataSync(), w, h, 3, ${width}, ${height}, ${d.resize === 'center-crop'});`,
    ...(channels === 1 ? ['    const input = greyLikeSharp(resized); // 1-channel model: grey after the resize, as libvips makes it'] : ['    const input = resized;']),
    `    return model.predict(tf.tensor4d(Float32Array.from(input, (v) => v * ${scale} + ${offset}), [1, ${height}, ${width}, ${channels}])).dataSync();`,
    '  });',
    '  return Object.fromEntries(labels.map((label, i) => [label, probabilities[i]]));',
    '}',
    '',
    BROWSER_RESIZE,
    ...(channels === 1 ? ['', BROWSER_GREY] : []),
  ].join('\n');
  if (!onnx.file) return { nodeTfjs, browserTfjs, nodeOnnx: null, pythonOnnx: null };
  return { nodeTfjs, browserTfjs, ...onnxSnippets(d, onnx.file) };
}

/** What every card's "Loading it" says its snippets do. */
export const LOADING_INTRO =
  'Each snippet prepares the image as ADMA Studio does (`preprocessing.json`): EXIF orientation, a 16-bit or float image stretched to 8 bits by its own levels, transparency onto white, resize, then the model.';

/**
 * Code that predicts one image with a `model.onnx` that takes the 0..255 pixels [batch, height,
 * width, channels] (NHWC) and returns the probabilities: the TF.js export's ONNX copy and the
 * classifier composed on an ONNX model folder (onnx-folder-export.ts) both do, so both cards
 * show this code, which prepares the image as ADMA Studio does for `d` (tested by running it:
 * onnx-export.test.ts the Node one, onnx-folder-snippet.test.ts the Python one).
 */
export function onnxSnippets(d: ModelDescriptor, onnxFile: string): { nodeOnnx: string; pythonOnnx: string } {
  const { height, width, channels } = d.input;
  const printout = 'console.log(JSON.stringify(Object.fromEntries(labels.map((label, i) => [label, probabilities[i]]))));';
  const nodeOnnx = [
    '// predict-onnx.mjs: node predict-onnx.mjs photo.jpg (run in this folder; npm install onnxruntime-node sharp;',
    "// in a browser, onnxruntime-web has the same API). The graph takes 0..255 pixels: no normalisation here.",
    "import { readFile } from 'node:fs/promises';",
    "import * as ort from 'onnxruntime-node';",
    "import sharp from 'sharp';",
    '',
    NODE_EIGHT_BIT,
    '',
    `const session = await ort.InferenceSession.create('${onnxFile}');`,
    "const labels = JSON.parse(await readFile('labels.json', 'utf8'));",
    sharpPipeline(d),
    `const ${ONNX_INPUT} = new ort.Tensor('float32', Float32Array.from(data), [1, ${height}, ${width}, ${channels}]);`,
    `const probabilities = (await session.run({ ${ONNX_INPUT} })).${ONNX_OUTPUT}.data;`,
    printout,
  ].join('\n');
  const pythonOnnx = [
    '# pip install onnxruntime numpy pillow; run in this folder: python predict.py photo.jpg',
    'import io, json, sys',
    'import numpy as np',
    'import onnxruntime as ort',
    'from PIL import Image, ImageCms, ImageOps',
    '',
    PYTHON_EIGHT_BIT,
    '',
    '',
    PYTHON_RESIZE,
    ...(channels === 1 ? ['', PYTHON_GREY] : []),
    '',
    `session = ort.InferenceSession("${onnxFile}")`,
    'labels = json.load(open("labels.json"))',
    `image = shrink_on_load(Image.open(sys.argv[1]), ${width}, ${height})  # a large JPEG decoded smaller, as libvips does`,
    'image = eight_bit(image)  # EXIF-oriented; first frame of animations; 16-bit stretched',
    'image = to_srgb(image)  # an embedded colour profile applied',
    'image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))  # transparency onto white',
    'image = image.convert("RGB")',
    `image = resize_like_sharp(image, ${width}, ${height}, cover=${d.resize === 'center-crop' ? 'True' : 'False'})  # ${d.resize === 'center-crop' ? 'scale the shorter side, crop the centre' : 'squash to the input size'}`,
    ...(channels === 1 ? ['image = grey_like_sharp(image)  # 1-channel model: grey after the resize, as libvips makes it'] : []),
    `pixels = np.asarray(image, dtype=np.float32).reshape(1, ${height}, ${width}, ${channels})  # 0..255, NHWC`,
    `probabilities = session.run(["${ONNX_OUTPUT}"], {"${ONNX_INPUT}": pixels})[0][0]`,
    'print(dict(zip(labels, probabilities.tolist())))',
  ].join('\n');
  return { nodeOnnx, pythonOnnx };
}

/**
 * The input normalisation as a reader writes it: `pixel / 127.5 - 1` where the scale is the
 * inverse of a short number (MobileNet's 0.00784313725490196), `pixel * 0.5 + 0.1` otherwise;
 * no `+ 0`, no `+ -1`. The card printed `pixel * 0.00784313725490196 + -1`.
 */
export function normalisationFormula({ scale, offset }: { scale: number; offset: number }): string {
  const inverse = 1 / scale;
  const short = Number(inverse.toFixed(3));
  const scaled = scale !== 1 && Math.abs(inverse - short) < 1e-9 * Math.abs(inverse) ? `pixel / ${short}` : scale === 1 ? 'pixel' : `pixel * ${scale}`;
  return offset === 0 ? scaled : `${scaled} ${offset < 0 ? '-' : '+'} ${Math.abs(offset)}`;
}

export function renderModelCard(facts: ModelCardFacts): string {
  const { descriptor, mode } = facts;
  const total = facts.labelCounts.reduce((a, b) => a + b, 0);
  const trunkEnd = mode === 'deep' ? descriptor.cutLayer : descriptor.layerB;
  const lines = [
    `# Image classifier adapted from ${descriptor.name}`,
    '',
    `Exported by ADMA Studio on ${facts.date.toISOString()}.`,
    '',
    ...intendedUseSection(),
    '## Model',
    '',
    `- Source model: ${descriptor.name} (id \`${descriptor.id}\`), ${descriptor.sourceLabels.length} source classes.`,
    `- Training mode: **${mode}** — ${
      mode === 'deep'
        ? `the source model up to \`${descriptor.cutLayer}\` is frozen; its top block (a 1x1 convolution, batch norm folded in) and a new softmax layer were fine-tuned.`
        : `the source model up to \`${descriptor.layerB}\` is frozen; a new softmax layer on its pooled features was trained.`
    }`,
    `- Graph: standard TF.js Layers model (\`model.json\` + weight shards), frozen trunk ending at \`${trunkEnd}\`, output: softmax over ${facts.classes.length} classes (\`labels.json\`).`,
    `- Input: ${descriptor.input.height}x${descriptor.input.width}x${descriptor.input.channels} float32, normalised as \`${normalisationFormula(descriptor.normalization)}\` (not in the graph; exact values in \`preprocessing.json\`).`,
    `- 16-bit images: ${HIGH_BIT_DEPTH_RULE}`,
    facts.onnx.file
      ? `- ONNX: \`${facts.onnx.file}\`, the same classifier for ONNX Runtime (opset 13); it takes the 0..255 pixel values \`${ONNX_INPUT}\` [batch, ${descriptor.input.height}, ${descriptor.input.width}, ${descriptor.input.channels}] (NHWC, normalisation inside the graph) and returns \`${ONNX_OUTPUT}\`.`
      : `- ONNX: not exported: ${facts.onnx.reason}`,
    // The runtimes, as the app reports them ("ONNX Runtime … for features and predictions; WebAssembly … for training"): "Trained on" read oddly before "for features".
    `- Computed with: ${facts.backend}.`,
    '',
    '## Training data',
    '',
    row(['class', 'labelled images']),
    row(['---', '---:']),
    ...facts.classes.map((name, i) => row([name, facts.labelCounts[i] ?? 0])),
    row(['**total**', `**${total}**`]),
    '',
  ];
  const metrics = Object.entries(facts.metrics);
  lines.push('## Metrics', '');
  if (metrics.length === 0) lines.push('No held-out evaluation was run; the accuracy on new images is unknown.', '');
  else lines.push(row(['metric', 'value']), row(['---', '---:']), ...metrics.map(([k, v]) => row([k, typeof v === 'number' ? cardNumber(v) : v])), '');
  lines.push(...classEvaluationSection(facts.evaluation));
  const training = Object.entries(facts.training);
  if (training.length > 0) lines.push('## Training details', '', ...training.map(([k, v]) => `- ${k}: ${typeof v === 'number' ? cardNumber(v) : v}`), '');
  const snippets = loadingSnippets(descriptor, facts.onnx);
  const fence = (language: string, code: string): string[] => [`\`\`\`${language}`, code, '```', ''];
  lines.push('## Loading it', '', LOADING_INTRO, '');
  lines.push('### Node.js, TF.js', '', ...fence('js', snippets.nodeTfjs));
  lines.push('### Browser, TF.js', '', ...fence('js', snippets.browserTfjs));
  if (snippets.nodeOnnx && snippets.pythonOnnx) {
    lines.push('### JavaScript, ONNX Runtime', '', ...fence('js', snippets.nodeOnnx));
    lines.push('### Python, ONNX Runtime', '', ...fence('python', snippets.pythonOnnx));
  }
  lines.push(
    '## Limitations',
    '',
    '- Trained only on the labelled images above: expect lower accuracy on images unlike them (other cameras, lighting, backgrounds).',
    '- Predictions are probabilities over these classes only; the model cannot say "none of these".',
    '',
  );
  return lines.join('\n');
}
