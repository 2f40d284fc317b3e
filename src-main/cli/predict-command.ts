/** `adma predict <folder> [--out csv]`: probabilities for every extracted image. */
import { open, rename, rm } from 'node:fs/promises';
import type { WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { AppError } from '../../src-shared/app-error';
import { sortNaturallyBy } from '../../src-shared/natural-name';
import { codeOf, storageError } from '../core/storage-errors';
import { headDir, openWorkspaceFeatures, readWorkspace, refuseOtherFeatures, refuseOtherModel, refuseOutdatedHead } from './cli-workspace';
import { loadModelFromSpec } from './model-spec';
import { csvField } from '../project/csv-field';
import { argmaxAt } from '../engine/quality/suspect-labels';
import type { ProgressLine } from './progress-line';
import { startBackend } from './start-backend';

export interface PredictArgs {
  folder: string;
  out: string | undefined;
  backend: string | undefined;
}

/** Images whose features are read and predicted at a time (bounds memory in deep mode). */
const CHUNK = 1024;

export async function runPredict(args: PredictArgs, out: ProgressLine): Promise<void> {
  const folder = resolve(args.folder);
  const workspace = await readWorkspace(folder);
  await startBackend(args.backend, out);
  const { loadHead } = await import('../engine/train/head-file');
  const { head, facts } = await loadHead(headDir(folder));
  if (facts.modelId !== workspace.modelId) {
    throw new AppError('CONFLICT', `The trained model reads features of ${facts.modelId} but ${folder} was last extracted with ${workspace.modelId}: train again.`);
  }
  // A head recorded with the weights it was trained for is used only while the model's folder
  // holds them: other weight files under the same id (a folder with its own adma-model.json keeps
  // it) are refused, as `export` refuses to put the head on them. One saved before the weights
  // were recorded is used as before, without loading the model.
  if (facts.modelFingerprint !== undefined) {
    const loaded = await loadModelFromSpec(workspace.model, (line) => out.update(line));
    try {
      refuseOtherModel(folder, workspace, facts, loaded);
    } finally {
      loaded.dispose();
    }
  }
  // The features read: those of the weights it learned from.
  refuseOtherFeatures(folder, workspace, facts);
  const { predictPool } = await import('../engine/onnx/head-graph');
  const store = await openWorkspaceFeatures(folder, workspace);
  try {
    refuseOutdatedHead(folder, workspace, store);
  } catch (error) {
    store.close();
    throw error;
  }
  // The rows go to `<out>.partial`, opened before any work, and take the name asked for only once
  // all are written: a folder that does not exist or cannot be written is said at once (the
  // caller's error words it), a write error later (a full disk) fails the command instead of going
  // unheard on the stream, and a failed run leaves a file of that name from before as it was.
  const outFile = args.out ? resolve(args.out) : null;
  const partial = outFile ? `${outFile}.partial` : null;
  let file: WriteStream | null;
  /** The run's first error, the stream's (a write) or the work's: the rows written are then removed. */
  let failure: Error | null = null;
  try {
    file = partial ? (await open(partial, 'w')).createWriteStream() : null;
  } catch (error) {
    store.close();
    const code = codeOf(error);
    if (outFile && (code === 'ENOENT' || code === 'ENOTDIR')) throw new AppError('NOT_A_FOLDER', `Cannot write ${outFile}: the folder ${dirname(outFile)} does not exist.`);
    throw storageError(error, 'The predictions', 'write') ?? error;
  }
  file?.on('error', (error) => (failure ??= error));
  const target: NodeJS.WritableStream = file ?? process.stdout;
  const write = async (text: string): Promise<void> => {
    if (failure) throw failure;
    if (!target.write(text)) await once(target, 'drain');
    if (failure) throw failure;
  };
  const started = performance.now();
  const count = workspace.images.length;
  try {
    await write(`${['path', 'predicted', 'confidence', ...head.classes].map(csvField).join(',')}\n`);
    // In natural name order (img-2 before img-10), as the app's labels.csv lists images; the
    // workspace keeps the scan's order (byte order), which the other commands' rounds depend on.
    const images = sortNaturallyBy(workspace.images, (image) => image.path);
    for (let from = 0; from < images.length; from += CHUNK) {
      const chunk = images.slice(from, from + CHUNK);
      const hashes = chunk.map((image) => image.hash);
      const features = head.mode === 'deep' ? store.loadCut(hashes).data : store.load(hashes).b;
      const probabilities = await predictPool(head, features);
      const classCount = head.classes.length;
      let text = '';
      chunk.forEach((image, i) => {
        const row = probabilities.subarray(i * classCount, (i + 1) * classCount);
        const best = argmaxAt(row, 0, classCount);
        text += `${[csvField(image.path), csvField(head.classes[best] as string), (row[best] as number).toFixed(6), ...Array.from(row, (p) => p.toFixed(6))].join(',')}\n`;
      });
      await write(text);
      out.update(`predicting: ${Math.min(images.length, from + CHUNK)}/${images.length} images`);
    }
  } catch (error) {
    failure ??= error as Error;
  } finally {
    store.close();
    if (file && !file.closed) {
      const closing = once(file, 'close');
      file.end();
      await closing.catch(() => undefined); // its error, if any, is in failure
    }
  }
  if (partial && outFile) {
    if (failure) await rm(partial, { force: true });
    else await rename(partial, outFile);
  }
  if (failure) throw failure;
  out.log(`predicted ${count} images with the ${head.mode} head (${head.classes.length} classes) in ${((performance.now() - started) / 1000).toFixed(1)} s${outFile ? ` → ${outFile}` : ''}`);
}
