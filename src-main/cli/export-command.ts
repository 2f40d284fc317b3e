/** `adma export <folder> --out <dir>`: the adapted classifier (TF.js and ONNX; ONNX only for an ONNX model folder) into a new or empty folder, never overwriting. */
import { resolve } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { trainingDetails } from '../engine/export/training-details';
import type { HeadRecordFacts } from '../engine/train/head-file';
import { wilsonInterval } from '../../src-shared/wilson-interval';
import { headDir, openWorkspaceFeatures, readWorkspace, refuseOtherModel, refuseOutdatedHead } from './cli-workspace';
import { loadModelFromSpec } from './model-spec';
import type { ProgressLine } from './progress-line';
import { startBackend } from './start-backend';
import { UsageError } from './usage-error';

export interface ExportArgs {
  folder: string;
  out: string | undefined;
  backend: string | undefined;
}

export async function runExport(args: ExportArgs, out: ProgressLine): Promise<void> {
  if (!args.out) throw new UsageError('--out <dir> is required: the folder to write the model to.', 'export');
  const folder = resolve(args.folder);
  const outDir = resolve(args.out);
  // The app's rule: never overwrite, never inside the image folder, written aside and renamed when complete.
  const { prepareExportTarget, completeExport, abandonExport } = await import('../engine/export/export-target');
  const target = prepareExportTarget(outDir, folder);
  for (const note of target.notes) out.log(note);
  let files: string[];
  try {
    files = await exportInto(target.staging, args, folder, await readWorkspace(folder), out);
    completeExport(target);
  } catch (error) {
    abandonExport(target);
    throw error;
  }
  process.stdout.write(`${files.map((f) => resolve(outDir, f)).join('\n')}\n`);
}

/** Write the classifier into `stagingDir`; the files written, relative to it. */
async function exportInto(stagingDir: string, args: ExportArgs, folder: string, workspace: Awaited<ReturnType<typeof readWorkspace>>, out: ProgressLine): Promise<string[]> {
  const outDir = resolve(args.out as string);
  await startBackend(args.backend, out);
  const { loadHead } = await import('../engine/train/head-file');
  const { head, facts } = await loadHead(headDir(folder));
  if (facts.modelId !== workspace.modelId) {
    throw new AppError('CONFLICT', `The trained model reads features of ${facts.modelId} but ${folder} was last extracted with ${workspace.modelId}: train again.`);
  }
  const loaded = await loadModelFromSpec(workspace.model, (line) => out.update(line));
  try {
    // The model the head goes on top of: the one it was trained for (its id, and its weights when recorded).
    refuseOtherModel(folder, workspace, facts, loaded);
    // Its features as they are now (its score was measured on them): refused when they were computed again since it was trained.
    const store = await openWorkspaceFeatures(folder, workspace);
    try {
      refuseOutdatedHead(folder, workspace, store);
    } finally {
      store.close();
    }
    const { exportAdaptedModel } = await import('../engine/export/export-adapted');
    const result = await exportAdaptedModel(loaded, {
      head,
      outDir: stagingDir,
      labelCounts: facts.labelCounts,
      backend: facts.backend,
      // The score `adma train` measured on the labels its CSV held out, in the app's words; none
      // without such labels (the card then says the accuracy on new images is unknown).
      metrics: facts.evaluation ? await heldOutMetrics(facts.evaluation) : {},
      training: trainingDetails({
        mode: head.mode,
        labels: facts.labelCounts.reduce((a, b) => a + b, 0),
        trainedAt: facts.trainedAt,
        count: facts.epochs,
        loss: facts.loss,
        trainAccuracy: facts.trainAccuracy,
        seed: facts.seed,
      }),
    });
    out.log(`exported the ${head.mode} classifier (${head.classes.length} classes, ${(result.weightBytes / 1e6).toFixed(1)} MB of weights) to ${outDir}:`);
    if (!result.onnx.file) out.log(`no model.onnx: ${result.onnx.reason}`);
    if (loaded.onnx) out.log('no TF.js copy: the source model is an ONNX graph (model.onnx holds the whole classifier)');
    return result.files;
  } finally {
    loaded.dispose();
  }
}

/** The card's accuracy rows for `adma train`'s held-out score (HeadRecordFacts.evaluation), as the app's card words a version's. */
async function heldOutMetrics(evaluation: NonNullable<HeadRecordFacts['evaluation']>): Promise<Record<string, string>> {
  const { evaluationAccuracyMetrics } = await import('../adaptation/transfer');
  const { correct, evaluated, leftOut } = evaluation;
  const rows = evaluationAccuracyMetrics({ accuracy: correct / evaluated, ...wilsonInterval(correct, evaluated), evaluated }, 0);
  if (leftOut > 0) rows['held-out labels left out'] = `${leftOut} (no features, or a class with no training label): the accuracy is on the other ${evaluated}`;
  return rows;
}
