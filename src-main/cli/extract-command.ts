/** `adma extract <folder> --model <dir|url|starter>`: cache features for every image. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { readFileInside, shortReason } from '../media/path-containment';
import { headDir, headOnFeatures, headOutdated, modelPlace, readWorkspaceIfPresent, writeWorkspace, type ModelSpec, type Workspace, type WorkspaceImage } from './cli-workspace';
import { loadModelFromSpec, resolveModelSpec } from './model-spec';
import type { ProgressLine } from './progress-line';
import { startBackend } from './start-backend';
import { UsageError } from './usage-error';

export interface ExtractArgs {
  folder: string;
  model: string | undefined;
  layers: string | undefined;
  preprocessing: string | undefined;
  deep: boolean;
  batchSize: number | undefined;
  backend: string | undefined;
  signal: AbortSignal;
}

export async function runExtract(args: ExtractArgs, out: ProgressLine): Promise<void> {
  const folder = resolve(args.folder);
  const previous = await readWorkspaceIfPresent(folder);
  if (args.model === undefined && (args.layers !== undefined || args.preprocessing !== undefined)) {
    throw new UsageError('--layers and --preprocessing describe the --model given with them; give --model too.', 'extract');
  }
  if (args.model === undefined && !previous) throw new UsageError(`--model is required the first time: a folder with model.json or one .onnx file, a model.json URL, or 'starter'.`, 'extract');
  await startBackend(args.backend, out);
  const spec = args.model !== undefined ? await resolveModelSpec({ model: args.model, layers: args.layers, preprocessing: args.preprocessing }, 'extract', (line) => out.log(line)) : (previous?.model as ModelSpec);

  const { probeImageBytes, UnreadableImage, walkImageFiles } = await import('../project/image-files');
  const skipped: { relPath: string; reason: string }[] = [];
  const images: (WorkspaceImage & { absPath: string })[] = [];
  for await (const file of walkImageFiles(folder, skipped)) {
    try {
      // Read only inside the folder, as its extraction reads it (a file swapped for a link out
      // since the walk is refused), and judged as the app's scan judges it: an empty, truncated
      // or not-an-image file is skipped here with the scan's words, not counted among the images
      // found and failed later with the decoder's ("Input Buffer is empty").
      const probe = await probeImageBytes(await readFileInside(folder, file.absPath));
      images.push({ path: file.relPath, absPath: file.absPath, hash: probe.hash });
    } catch (error) {
      if (error instanceof UnreadableImage) skipped.push({ relPath: file.relPath, reason: error.message });
      else if (error instanceof AppError) skipped.push({ relPath: file.relPath, reason: shortReason(error) }); // the file is named once, by the line that says it
      else throw error;
    }
    out.update(`scanning: ${images.length} image${images.length === 1 ? '' : 's'}`);
  }
  for (const entry of skipped) out.log(`skipped ${entry.relPath}: ${entry.reason}`);
  if (images.length === 0) throw new AppError('NOT_FOUND', `No images (jpg, png, webp, gif, tiff) found under ${folder}.`);
  out.log(`found ${images.length} image${images.length === 1 ? '' : 's'}${skipped.length > 0 ? ` (${skipped.length} skipped)` : ''}`);

  const loaded = await loadModelFromSpec(spec, (line) => out.update(line));
  try {
    out.log(`model: ${loaded.descriptor.name} (${loaded.descriptor.id})`);
    const { FeatureStore, featureCacheDir, featureLayoutOf } = await import('../engine/features/feature-store');
    const { extractFeatures } = await import('../engine/features/extract-features');
    const { featureRuntimeFor } = await import('../engine/onnx/feature-runtime');
    const modelId = loaded.descriptor.id;
    const runtime = await featureRuntimeFor(loaded, featureCacheDir(folder));
    out.log(`features computed by ${runtime.label}${runtime.fallback ? ` (${runtime.fallback})` : ''}`);
    // This layout's cache: the app's when it reads the model the same way, else one of its own
    // beside the app's, which it leaves as it is.
    const layout = featureLayoutOf(loaded);
    const store = FeatureStore.openFor(folder, layout);
    if (store.notice) out.log(store.notice);
    try {
      const result = await extractFeatures(
        loaded,
        store,
        images.map(({ hash, absPath }) => ({ hash, path: absPath })),
        {
          deep: args.deep,
          signal: args.signal,
          root: folder, // the files found in it are read only inside it
          ...(runtime.runner ? { runner: runtime.runner } : {}),
          ...(args.batchSize ? { batchSize: args.batchSize } : {}),
          // Nothing to compute (everything cached) is said once at the end, not as "0/0".
          onProgress: (p) => {
            if (p.total > 0) out.update(`extracting: ${p.done}/${p.total} images${p.rate > 0 ? `, ${p.rate.toFixed(1)}/s` : ''}${p.etaSeconds !== null ? `, ${Math.ceil(p.etaSeconds)} s left` : ''}${p.failed ? `, ${p.failed} failed` : ''}`);
          },
        },
      );
      const failed = new Map(result.failures.map((f) => [f.hash, f.why]));
      for (const failure of result.failures) out.log(`failed ${failure.path}: ${failure.why}`);
      if (result.cancelled) throw new AppError('CANCELLED', `Extraction interrupted after ${result.computed} images; everything computed is kept, run the command again to continue.`);
      const kept = images.filter((image) => !failed.has(image.hash));
      // Cut activations cached by an earlier `--deep` run still count.
      const deep = kept.length > 0 && store.missing(kept.map((image) => image.hash), { grid: false, cut: true }).length === 0;
      const workspace: Workspace = {
        formatVersion: 1,
        model: spec,
        modelId,
        layout,
        deep,
        images: kept.map(({ path, hash }) => ({ path, hash })),
        skipped: [
          ...skipped.map(({ relPath, reason }) => ({ path: relPath, reason })),
          ...images.flatMap(({ path, hash }) => {
            const reason = failed.get(hash);
            return reason === undefined ? [] : [{ path, reason }];
          }),
        ],
        extractedAt: new Date().toISOString(),
        // The trained head's record is kept: the cache's count moves on when it forgets rows the head may have learned from (refuseOutdatedHead).
        ...(previous?.headRedecodes !== undefined ? { headRedecodes: previous.headRedecodes } : {}),
      };
      await writeWorkspace(folder, workspace);
      if (result.redecoded > 0) {
        out.log(`${result.redecoded} image${result.redecoded === 1 ? '' : 's'} deeper than 8 bits had features from an earlier version's reading of ${result.redecoded === 1 ? 'it' : 'them'}: computed again`);
      }
      const { HEAD_JSON, loadHead } = await import('../engine/train/head-file');
      if (existsSync(join(headDir(folder), HEAD_JSON))) {
        // A head that cannot be read is said by the commands that use it.
        const head = await loadHead(headDir(folder)).catch(() => null);
        if (head && headOnFeatures(head.facts, workspace) === 'other weights') {
          out.log(`the trained model learned from features of other weights of ${modelId} than ${modelPlace({ model: spec }, loaded)} holds now: train it again ('adma train') before predict or export`);
        } else if (headOutdated(previous ?? {}, store)) {
          out.log("the trained model learned from features made before images deeper than 8 bits were read as this version reads them: train it again ('adma train') before predict or export");
        }
      }
      // The engine counts distinct contents; byte-identical copies share one feature row, said
      // apart so that the numbers add up to the files found (walkthrough 7: 9 copies unaccounted).
      const copies = images.length - result.requested;
      out.log(
        `extracted ${result.computed} images, ${result.reused} already cached, ${result.failures.length} failed${copies > 0 ? `, ${copies} byte-identical ${copies === 1 ? "copy sharing its original's" : "copies sharing their originals'"} features` : ''} (${result.seconds.toFixed(1)} s)${deep ? '; cut-layer activations cached for deep training' : ''}`,
      );
    } finally {
      store.close();
    }
  } finally {
    loaded.dispose();
  }
}
