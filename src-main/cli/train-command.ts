/** `adma train <folder> --labels <csv> [--mode light|deep]`: one round of fine-tuning. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { classNameKey } from '../../src-shared/class-name';
import { trainingCountName } from '../engine/export/training-details';
import type { HeadRecord, HeadRecordFacts } from '../engine/train/head-file';
import type { TrainingMode } from '../engine/train/head-weights';
import type { HeadInputs, ViewRows } from '../engine/loop/train-on-pool';
import { headDir, headOnFeatures, openWorkspaceFeatures, readWorkspace, writeWorkspace } from './cli-workspace';
import { isEvaluationSplit } from '../adaptation/label-formats';
import { parseLabelsCsv, type LabelLine } from '../project/labels-csv';
import { accuracyWords, wilsonInterval } from '../../src-shared/wilson-interval';
import { argmaxAt } from '../engine/quality/suspect-labels';
import { loadModelFromSpec } from './model-spec';
import type { ProgressLine } from './progress-line';
import { startBackend } from './start-backend';
import { UsageError } from './usage-error';

export interface TrainArgs {
  folder: string;
  labels: string | undefined;
  mode: string | undefined;
  seed: number | undefined;
  epochs: number | undefined;
  fresh: boolean;
  /** Light mode: learn every label in its symmetry views too (LoopSettings.symmetries). */
  symmetries?: boolean;
  backend: string | undefined;
  signal: AbortSignal;
}

/** A labels file's path (absolute, or relative to the folder) as the workspace names images: relative, with '/'. */
function relativeLabelPath(folder: string, labelPath: string): string {
  return (isAbsolute(labelPath) ? relative(folder, labelPath) : relative(folder, resolve(folder, labelPath))).split(sep).join('/');
}

/**
 * The classes a training on `file` learns, in the app's order for the same file: a project keeps
 * its classes in their list order, an import creates the classes the file names that it lacks
 * after them, in the order the file first names each (any row of an image it has, an evaluation
 * row too; one class per name whatever its case, spelled as first written: labels-import.ts), and
 * the model learns those with a training label in that order (ActiveLoop.classesOf). A row whose
 * image the project does not have (gone, never there, unreadable) is reported by the import and
 * creates no class, so here a row whose image is not among the workspace's (`inWorkspace`) names
 * none either. The previous round's classes (`previous`, empty for a cold start) stand for the
 * project's; `trained`: the class of each training label. Before, the order was where the
 * training rows first named each class, so an app's labels.csv whose first row is an evaluation
 * image gave another order than the app's, and "Blast" and "blast" were two classes.
 */
export function trainingClasses(
  file: readonly Pick<LabelLine, 'path' | 'className'>[],
  trained: readonly string[],
  previous: readonly string[],
  inWorkspace: (line: Pick<LabelLine, 'path'>) => boolean,
): string[] {
  const named = new Map<string, string>();
  for (const name of [...previous, ...file.filter(inWorkspace).map((line) => line.className)]) if (!named.has(classNameKey(name))) named.set(classNameKey(name), name);
  const learned = new Set(trained.map(classNameKey));
  return [...named].filter(([key]) => learned.has(key)).map(([, name]) => name);
}

function parseMode(value: string | undefined): TrainingMode {
  if (value === undefined || value === 'light' || value === 'deep') return value ?? 'light';
  throw new UsageError(`--mode ${value}: choose light or deep.`, 'train');
}

export async function runTrain(args: TrainArgs, out: ProgressLine): Promise<void> {
  if (!args.labels) throw new UsageError('--labels <csv> is required: one "path,class" line per labelled image.', 'train');
  const mode = parseMode(args.mode);
  const folder = resolve(args.folder);
  const workspace = await readWorkspace(folder);
  const labelsPath = resolve(args.labels);
  if (!existsSync(labelsPath)) throw new AppError('NOT_FOUND', `The labels file ${labelsPath} does not exist.`);
  const all = parseLabelsCsv(await readFile(labelsPath, 'utf8'), labelsPath);
  // An exported labels.csv names its evaluation images (split evaluation, test, val…): they
  // measure the model, so training on them would make that measure a lie. Left out, and said.
  const lines = all.filter((line) => !isEvaluationSplit(line.split));
  const heldOut = all.length - lines.length;
  if (heldOut > 0) out.log(`${heldOut} evaluation label${heldOut === 1 ? '' : 's'} left out (their split column says ${all.find((l) => isEvaluationSplit(l.split))?.split}): they measure the model, not train it`);
  if (args.symmetries && mode !== 'light') throw new UsageError('--symmetries needs --mode light: deep fine-tuning learns the images as they are.', 'train');
  if (mode === 'deep' && !workspace.deep) {
    throw new AppError('NOT_FOUND', `Deep mode needs the cut-layer activations: run 'adma extract ${args.folder} --deep' first.`);
  }

  const hashByPath = new Map(workspace.images.map((image) => [image.path, image.hash]));
  const skippedWhy = new Map((workspace.skipped ?? []).map((file) => [file.path, file.reason]));
  const unknown: string[] = [];
  const unreadable: string[] = [];
  const hashes: string[] = [];
  const names: string[] = [];
  const seen = new Map<string, string>();
  for (const line of lines) {
    const rel = relativeLabelPath(folder, line.path);
    const hash = hashByPath.get(rel);
    if (!hash) {
      const why = skippedWhy.get(rel);
      if (why !== undefined) unreadable.push(`line ${line.line}: ${line.path}: ${why}`);
      else unknown.push(`line ${line.line}: ${line.path}`);
      continue;
    }
    const earlier = seen.get(rel);
    if (earlier !== undefined && classNameKey(earlier) !== classNameKey(line.className)) throw new AppError('BAD_ARGUMENT', `${labelsPath} line ${line.line}: ${line.path} is labelled both "${earlier}" and "${line.className}".`);
    if (earlier !== undefined) continue;
    seen.set(rel, line.className);
    hashes.push(hash);
    names.push(line.className);
  }
  // Both kinds said at once: the expert mends the labels in one go.
  if (unreadable.length || unknown.length) {
    const list = (lines: string[]): string => `\n  ${lines.slice(0, 5).join('\n  ')}${lines.length > 5 ? `\n  and ${lines.length - 5} more` : ''}`;
    const parts = [
      ...(unreadable.length
        ? [`${unreadable.length} labelled image${unreadable.length > 1 ? 's were' : ' was'} left out by 'adma extract' (no features): mend or remove ${unreadable.length > 1 ? 'them' : 'it'}, then train again:${list(unreadable)}`]
        : []),
      ...(unknown.length ? [`${unknown.length} labelled image${unknown.length > 1 ? 's are' : ' is'} not among the extracted images of ${folder} (run 'adma extract' after adding images):${list(unknown)}`] : []),
    ];
    throw new AppError(unknown.length ? 'NOT_FOUND' : 'UNREADABLE', parts.join('\n'));
  }

  const backend = await startBackend(args.backend, out);
  const { loadHead, saveHead } = await import('../engine/train/head-file');
  let previous: HeadRecord | null = null;
  if (!args.fresh && existsSync(headDir(folder))) {
    const record = await loadHead(headDir(folder)).catch(() => null);
    // Warm-started only from a head of the features' model: not from one of another id, nor of
    // other weights under the same id (a model folder with its own adma-model.json keeps its id),
    // whose features it learned are not these.
    const match = record ? headOnFeatures(record.facts, workspace) : null;
    if (record && (match === 'same' || match === 'adopt')) previous = record;
    else if (match === 'other weights') out.log(`the previous round was trained on other weights of ${workspace.modelId} than the features extracted now: not started from it`);
  }
  const classes = trainingClasses(all, names, previous?.head.classes ?? [], (line) => hashByPath.has(relativeLabelPath(folder, line.path)));
  if (classes.length < 2) throw new AppError('BAD_ARGUMENT', `Training needs labels of at least two classes; ${labelsPath} only has "${classes[0] ?? ''}".`);
  const indexOf = new Map(classes.map((name, c) => [classNameKey(name), c]));
  const labels = names.map((name) => indexOf.get(classNameKey(name)) as number);
  const labelCounts = classes.map((_, c) => labels.filter((l) => l === c).length);
  out.log(`${hashes.length} labels: ${classes.map((c, i) => `${c} ${labelCounts[i]}`).join(', ')}`);
  out.log(previous ? `warm start from the previous round (${previous.head.mode}, ${previous.head.classes.length} classes)` : 'cold start');

  const { trainOnPool } = await import('../engine/loop/train-on-pool');
  const store = await openWorkspaceFeatures(folder, workspace);
  // What the head learns from: recorded with it, so that rows computed again later are noticed (refuseOutdatedHead).
  const redecodes = store.redecodes;
  // Light: the whole pool's layer-B rows (the head standardises with the pool's statistics,
  // as in the app); deep: the labelled images' cut activations.
  let inputs: HeadInputs;
  let rows: number[];
  try {
    if (mode === 'deep') {
      const cut = store.loadCut(hashes);
      inputs = { data: cut.data, rowShape: [...cut.shape] };
      rows = hashes.map((_, i) => i);
    } else {
      const poolHashes = [...new Set([...workspace.images.map((image) => image.hash), ...hashes])];
      const matrices = store.load(poolHashes);
      inputs = { data: matrices.b, rowShape: [matrices.dB] };
      const rowOf = new Map(poolHashes.map((hash, i) => [hash, i]));
      rows = hashes.map((hash) => rowOf.get(hash) as number);
    }
  } finally {
    store.close();
  }
  let topBlock;
  if (mode === 'deep' && previous?.head.mode !== 'deep') {
    const loaded = await loadModelFromSpec(workspace.model, (line) => out.update(line));
    try {
      const { readTopBlock } = await import('../engine/train/top-block');
      const { layersModelOf } = await import('../engine/model/load-model');
      topBlock = readTopBlock(layersModelOf(loaded, 'Deep training'), loaded.descriptor.cutLayer, loaded.descriptor.layerB);
    } finally {
      loaded.dispose();
    }
  }
  if (args.symmetries) inputs = { ...inputs, views: await labeledViews(workspace, folder, hashes, rows, out) };
  const seed = args.seed ?? 0;
  const result = await trainOnPool(inputs, {
    mode,
    classes,
    rows,
    labels,
    seed,
    signal: args.signal,
    ...(topBlock ? { topBlock } : {}),
    ...(previous ? { previous: previous.head } : {}),
    ...(args.epochs !== undefined ? { fineTune: { maxEpochs: args.epochs, minSteps: 0 } } : {}),
    onEpoch: (e) => out.update(`training (${mode}): ${mode === 'light' ? 'iteration' : 'epoch'} ${e.epoch}/${e.maxEpochs}, loss ${e.loss.toFixed(4)}`),
  });
  const evaluation = await scoreHeldOut(result.head, workspace, folder, hashByPath, all.filter((line) => isEvaluationSplit(line.split)), out);
  await saveHead(headDir(folder), {
    head: result.head,
    facts: {
      modelId: workspace.modelId,
      // The weights the features it learned from were computed with (unknown in a workspace from before layouts were kept).
      ...(workspace.layout ? { modelFingerprint: workspace.layout.weights } : {}),
      labelCounts,
      trainedAt: new Date().toISOString(),
      backend: backend.label,
      seed,
      epochs: result.epochs,
      loss: result.loss,
      trainAccuracy: result.trainAccuracy,
      ...(evaluation ? { evaluation } : {}),
    },
  });
  await writeWorkspace(folder, { ...workspace, headRedecodes: redecodes });
  out.log(`trained ${mode} head: ${result.epochs} ${trainingCountName(mode)}, loss ${result.loss.toFixed(4)}, training accuracy ${(100 * result.trainAccuracy).toFixed(1)}% (${(result.millis / 1000).toFixed(1)} s)`);
}

/**
 * The trained head's accuracy on the labels the CSV's split column holds out (an exported
 * labels.csv's evaluation images): said, and kept with the head for `adma export`'s card. They
 * were left out of training and measured nothing before. A held-out label of a class the head
 * has no training label of, or of an image with no features, is left out and counted.
 */
async function scoreHeldOut(
  head: HeadRecord['head'],
  workspace: Awaited<ReturnType<typeof readWorkspace>>,
  folder: string,
  hashByPath: ReadonlyMap<string, string>,
  heldOut: readonly LabelLine[],
  out: ProgressLine,
): Promise<HeadRecordFacts['evaluation'] | null> {
  if (heldOut.length === 0) return null;
  const scored: { hash: string; classIndex: number }[] = [];
  let unknownClass = 0;
  let noFeatures = 0;
  for (const line of heldOut) {
    const hash = hashByPath.get(relativeLabelPath(folder, line.path));
    const classIndex = head.classes.findIndex((name) => classNameKey(name) === classNameKey(line.className));
    if (!hash) noFeatures++;
    else if (classIndex < 0) unknownClass++;
    else scored.push({ hash, classIndex });
  }
  const leftOut = [
    ...(noFeatures > 0 ? [`${noFeatures} without features (not extracted, or unreadable)`] : []),
    ...(unknownClass > 0 ? [`${unknownClass} of a class with no training label`] : []),
  ];
  if (scored.length === 0) {
    out.log(`no evaluation accuracy: every held-out label was left out (${leftOut.join('; ')})`);
    return null;
  }
  const { predictPool } = await import('../engine/onnx/head-graph');
  const store = await openWorkspaceFeatures(folder, workspace);
  let probabilities: Float32Array;
  try {
    const hashes = scored.map((s) => s.hash);
    probabilities = await predictPool(head, head.mode === 'deep' ? store.loadCut(hashes).data : store.load(hashes).b);
  } finally {
    store.close();
  }
  const classCount = head.classes.length;
  let correct = 0;
  scored.forEach(({ classIndex }, i) => {
    if (argmaxAt(probabilities, i, classCount) === classIndex) correct++;
  });
  const { low, high } = wilsonInterval(correct, scored.length);
  const { percent, interval } = accuracyWords(correct / scored.length, low, high);
  out.log(
    `evaluation accuracy ${percent} (${interval}) on ${scored.length} held-out label${scored.length === 1 ? '' : 's'}${leftOut.length > 0 ? `; left out: ${leftOut.join('; ')}` : ''}`,
  );
  return { correct, evaluated: scored.length, leftOut: noFeatures + unknownClass };
}

/**
 * The symmetry views of the labeled images (`hashes`, pool rows `rows`): read from the folder's
 * feature cache, the missing ones extracted first with the workspace's model.
 */
async function labeledViews(workspace: Awaited<ReturnType<typeof readWorkspace>>, folder: string, hashes: string[], rows: number[], out: ProgressLine): Promise<ViewRows> {
  const { FeatureStore, featureCacheDir, featureLayoutOf } = await import('../engine/features/feature-store');
  const { extractViewFeatures } = await import('../engine/features/extract-features');
  const { featureRuntimeFor } = await import('../engine/onnx/feature-runtime');
  const loaded = await loadModelFromSpec(workspace.model, (line) => out.update(line));
  try {
    const runtime = await featureRuntimeFor(loaded, featureCacheDir(folder));
    const store = FeatureStore.openFor(folder, featureLayoutOf(loaded));
    if (store.notice) out.log(store.notice);
    try {
      const pathOf = new Map(workspace.images.map((image) => [image.hash, join(folder, ...image.path.split('/'))]));
      out.update(`turned and mirrored views of ${hashes.length} labelled images`);
      const extracted = await extractViewFeatures(loaded, store, hashes.map((hash) => ({ hash, path: pathOf.get(hash) as string })), { root: folder, ...(runtime.runner ? { runner: runtime.runner } : {}) });
      if (extracted.failures.length > 0) throw new AppError('IMAGE_INVALID', `${extracted.failures.length} labelled images cannot be read to turn them (first: ${extracted.failures[0]?.path}: ${extracted.failures[0]?.error.message}).`);
      out.log(`views: ${extracted.computed} images turned and mirrored now, ${hashes.length - extracted.computed} cached`);
      const data = store.loadViews(hashes, extracted.views);
      const length = data.length / hashes.length;
      const rowOf = new Map(rows.map((row, k) => [row, k]));
      return { perRow: extracted.views.length, of: (row) => (rowOf.has(row) ? data.subarray((rowOf.get(row) as number) * length, ((rowOf.get(row) as number) + 1) * length) : undefined) };
    } finally {
      store.close();
    }
  } finally {
    loaded.dispose();
  }
}
