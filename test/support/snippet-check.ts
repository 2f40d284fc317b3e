/**
 * Tools to hold the model card's snippets against the app's own image preparation
 * (decode-image.ts, sharp): the Python that can run them, the browser snippet's functions as
 * plain JavaScript, the Python snippet's 224 x 224 inputs of files, and how far two inputs are.
 * Used by the snippet tests and bench/snippet-resize.bench.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BROWSER_GREY, BROWSER_RESIZE, PYTHON_GREY, PYTHON_RESIZE } from '../../src-main/engine/export/model-card';

/** The first Python that imports numpy and Pillow (Debian's first: pyenv's may lack Pillow), or null. */
export function pythonWithPillow(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import numpy, PIL'], { stdio: 'ignore' });
      return python;
    } catch {
      // not there, or without numpy or Pillow
    }
  }
  return null;
}

/** The largest and the mean absolute difference of two arrays of bytes of one length. */
export function byteDifference(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`the inputs differ in length: ${a.length} and ${b.length} bytes`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

export type SnippetResize = (pixels: Uint8Array, width: number, height: number, channels: number, outWidth: number, outHeight: number, cover: boolean) => Uint8Array;

/** The browser snippet's resizeLikeSharp and greyLikeSharp, compiled from the card's own text. */
export function browserSnippet(): { resizeLikeSharp: SnippetResize; greyLikeSharp: (rgb: Uint8Array) => Uint8Array } {
  return new Function(`${BROWSER_RESIZE}\n${BROWSER_GREY}\nreturn { resizeLikeSharp, greyLikeSharp };`)() as ReturnType<typeof browserSnippet>;
}

/**
 * The card's Python input of each of `files`, 224 x 224, keyed "<file> <squash|center-crop> <3|1>":
 * as the ONNX snippet prepares it (shrink-on-load, EXIF orientation, colour profile,
 * resize_like_sharp, then grey_like_sharp for a 1-channel model). The script is written into `dir`.
 */
export function pythonSnippetInputs(python: string, files: readonly string[], dir: string): Record<string, Buffer> {
  const script = path.join(dir, 'snippet-inputs.py');
  fs.writeFileSync(
    script,
    [
      'import base64, io, json, sys',
      'import numpy as np',
      'from PIL import Image, ImageCms, ImageOps',
      '',
      PYTHON_RESIZE,
      '',
      PYTHON_GREY,
      '',
      'out = {}',
      'for file in sys.argv[1:]:',
      '    image = to_srgb(ImageOps.exif_transpose(shrink_on_load(Image.open(file), 224, 224))).convert("RGB")',
      '    for resize in ("squash", "center-crop"):',
      '        rgb = resize_like_sharp(image, 224, 224, cover=resize == "center-crop")',
      '        out[f"{file} {resize} 3"] = base64.b64encode(rgb.tobytes()).decode()',
      '        out[f"{file} {resize} 1"] = base64.b64encode(grey_like_sharp(rgb).tobytes()).decode()',
      'print(json.dumps(out))',
    ].join('\n'),
  );
  const printed = JSON.parse(execFileSync(python, [script, ...files], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 })) as Record<string, string>;
  return Object.fromEntries(Object.entries(printed).map(([key, value]) => [key, Buffer.from(value, 'base64')]));
}
