/** `adma predict <folder> [--out csv]`: probabilities for every extracted image. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { AppError } from '../../src-shared/app-error';
import { headDir, openWorkspaceFeatures, readWorkspace } from './cli-workspace';
import { csvField } from '../project/csv-field';
import type { ProgressLine } from './progress-line';
import { startBackend } from './start-backend';

export interface PredictArgs {
  folder: string;
  out: string | undefined;
  backend: string | undefined;
}

/** Images whose features are read and predicted at a time (bounds memory in deep mode). */
const CHUNK = 1024;

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function runPredict(args: PredictArgs, out: ProgressLine): Promise<void> {
  const folder = resolve(args.folder);
  const workspace = await readWorkspace(folder);
  await startBackend(args.backend, out);
  const { loadHead } = await import('../engine/train/head-file');
  const { head, facts } = await loadHead(headDir(folder));
  if (facts.modelId !== workspace.modelId) {
    throw new AppError('CONFLICT', `The trained model reads features of ${facts.modelId} but ${folder} was last extracted with ${workspace.modelId}: train again.`);
  }
  const { predictPool } = await import('../engine/onnx/head-graph');
  const store = await openWorkspaceFeatures(folder, workspace);
  let file: WriteStream | null = null;
  const target: NodeJS.WritableStream = args.out ? (file = createWriteStream(resolve(args.out))) : process.stdout;
  const started = performance.now();
  try {
    await write(target, `${['path', 'predicted', 'confidence', ...head.classes].map(csvField).join(',')}\n`);
    const images = workspace.images;
    for (let from = 0; from < images.length; from += CHUNK) {
      const chunk = images.slice(from, from + CHUNK);
      const hashes = chunk.map((image) => image.hash);
      const features = head.mode === 'deep' ? store.loadCut(hashes).data : store.load(hashes).b;
      const probabilities = await predictPool(head, features);
      const classCount = head.classes.length;
      let text = '';
      chunk.forEach((image, i) => {
        const row = probabilities.subarray(i * classCount, (i + 1) * classCount);
        let best = 0;
        for (let c = 1; c < classCount; c++) if ((row[c] as number) > (row[best] as number)) best = c;
        text += `${[csvField(image.path), csvField(head.classes[best] as string), (row[best] as number).toFixed(6), ...Array.from(row, (p) => p.toFixed(6))].join(',')}\n`;
      });
      await write(target, text);
      out.update(`predicting: ${Math.min(images.length, from + CHUNK)}/${images.length} images`);
    }
    out.log(`predicted ${images.length} images with the ${head.mode} head (${head.classes.length} classes) in ${((performance.now() - started) / 1000).toFixed(1)} s${args.out ? ` → ${resolve(args.out)}` : ''}`);
  } finally {
    store.close();
    if (file) {
      const closing = once(file, 'close');
      file.end();
      await closing;
    }
  }
}
