/**
 * What the `adma` commands remember about a folder between runs, in
 * `<folder>/.adma/cli/workspace.json`: which pre-trained model its features come from and
 * the images extracted (relative path → content hash). The trained head lives beside it in
 * `<folder>/.adma/cli/head/`; the features in the engine's cache `<folder>/.adma/features/`, in
 * the file of the layout extracted (feature-store.ts), which the app shares when it reads the
 * model the same way.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { makePrivateFolder, privateFolder, refuseLinks } from '../core/private-folder';
import type { LayerNames, OnnxPreprocessing } from '../../src-shared/contract';
import type { FeatureLayout, FeatureStore } from '../engine/features/feature-store';
import type { LoadedModel } from '../engine/model/load-model';
import { weightsFingerprint } from '../engine/model/model-folder-io';
import { matchRecorded, type LoadedIdentity, type RecordedIdentity, type RecordedMatch } from '../engine/model/recorded-model';
import type { HeadRecordFacts } from '../engine/train/head-file';

export interface ModelSpec {
  kind: 'dir' | 'url' | 'starter';
  /** Absolute folder, URL, or 'starter'. */
  location: string;
  /** The four layers (node outputs of an ONNX model), when named with --layers or proposed for an ONNX folder. */
  layers?: LayerNames;
  /** How an ONNX model folder's pixels are fed (the graph's defaults overridden by --preprocessing). */
  onnx?: OnnxPreprocessing;
}

export interface WorkspaceImage {
  /** Relative to the folder, '/' separated. */
  path: string;
  hash: string;
}

export interface Workspace {
  formatVersion: 1;
  model: ModelSpec;
  modelId: string;
  /**
   * The layout of the features extracted: which of the folder's caches `train` and `predict`
   * read. Absent in a workspace written before layouts were kept apart (the model's one file).
   */
  layout?: FeatureLayout;
  /** Whether the cut-layer activations were extracted too. */
  deep: boolean;
  images: WorkspaceImage[];
  /**
   * The files the extraction left out, with why (unreadable, or failed in the model): `train`
   * names the reason for a labelled one rather than asking to extract it again. Absent in a
   * workspace written before it was kept.
   */
  skipped?: { path: string; reason: string }[];
  extractedAt: string;
  /**
   * The feature cache's redecodes (FeatureStore) when `adma train` last saved the head: a cache
   * that has computed rows again since for a changed decode of deep images (its count is other
   * now) holds features unlike those the head learned from, so `predict` and `export` refuse the
   * head until it is trained again (refuseOutdatedHead). Absent: 0 (no head yet, or one trained
   * before it was kept, before any row was counted).
   */
  headRedecodes?: number;
}

/**
 * `<folder>/.adma/cli`; refused when `.adma` is or holds a symbolic link, as the app refuses it,
 * or when `cli` is or holds one (privateFolder: its files are written through `.tmp` files).
 */
export function cliDir(folder: string): string {
  const adminDir = join(resolve(folder), '.adma');
  refuseLinks(adminDir);
  return privateFolder(adminDir, 'cli');
}

/** `<folder>/.adma/cli/head`, refused as cliDir is. */
export function headDir(folder: string): string {
  return privateFolder(cliDir(folder), 'head');
}

function workspaceFile(folder: string): string {
  return join(cliDir(folder), 'workspace.json');
}

export async function readWorkspace(folder: string): Promise<Workspace> {
  const file = workspaceFile(folder);
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `Nothing has been extracted in ${resolve(folder)} yet: run 'adma extract ${folder} --model <dir|url|starter>' first.`);
  try {
    const workspace = JSON.parse(await readFile(file, 'utf8')) as Workspace;
    if (workspace.formatVersion !== 1 || !Array.isArray(workspace.images)) throw new Error('unknown format');
    return workspace;
  } catch (error) {
    throw new AppError('UNREADABLE', `${file} is damaged (${(error as Error).message}); run 'adma extract' again to rebuild it.`);
  }
}

export async function readWorkspaceIfPresent(folder: string): Promise<Workspace | null> {
  return existsSync(workspaceFile(folder)) ? readWorkspace(folder) : null;
}

export async function writeWorkspace(folder: string, workspace: Workspace): Promise<void> {
  const file = workspaceFile(folder);
  makePrivateFolder(cliDir(folder)); // `.adma` too when this makes it: owner-only
  await writeFile(`${file}.tmp`, `${JSON.stringify(workspace, null, 1)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * The folder's feature cache the workspace's features were extracted into, for reading. Refused
 * while the cache is marked with an older decode of deep images (FeatureStore.deepDecode): rows of
 * its 16-bit, float or 32-bit images may have been made from other pixels than the app and an
 * export feed the model, and only an extraction finds and computes them again.
 */
export async function openWorkspaceFeatures(folder: string, workspace: Workspace): Promise<FeatureStore> {
  const { FeatureStore, legacyFeatureStorePath } = await import('../engine/features/feature-store');
  const { DEEP_DECODE } = await import('../media/high-bit-depth');
  const store = workspace.layout ? FeatureStore.openExistingFor(folder, workspace.layout) : FeatureStore.openExisting(legacyFeatureStorePath(folder, workspace.modelId));
  if (store.deepDecode < DEEP_DECODE) {
    store.close();
    throw new AppError(
      'CONFLICT',
      `The features of ${folder} were extracted by an earlier version, which read images deeper than 8 bits (16-bit, float or 32-bit PNG and TIFF) otherwise than this one: run 'adma extract ${folder}' once first (it computes only those images again), then train again.`,
    );
  }
  return store;
}

/** Whether the head `workspace` records was trained on rows that `store` has computed again since (Workspace.headRedecodes). */
export function headOutdated(workspace: Pick<Workspace, 'headRedecodes'>, store: Pick<FeatureStore, 'redecodes'>): boolean {
  return store.redecodes !== (workspace.headRedecodes ?? 0);
}

/**
 * Refuse (CONFLICT, with what to do) a head trained on rows that the feature cache `store` has
 * computed again since, for a changed decode of deep images (Workspace.headRedecodes): its
 * predictions, and the score it keeps, are of features the folder no longer has.
 */
export function refuseOutdatedHead(folder: string, workspace: Workspace, store: Pick<FeatureStore, 'redecodes'>): void {
  if (!headOutdated(workspace, store)) return;
  throw new AppError(
    'CONFLICT',
    `The trained model learned from features that 'adma extract' has computed again since, from images deeper than 8 bits now read as this version reads them (as the app and an export feed them to the model): train again ('adma train ${folder} --labels <csv>') before predicting or exporting.`,
  );
}

/** The model a head was trained for, as its facts record it (no fingerprint: saved before it was kept, any weights of the id). */
function headModel(facts: Pick<HeadRecordFacts, 'modelId' | 'modelFingerprint'>): RecordedIdentity {
  return { modelId: facts.modelId, fingerprint: facts.modelFingerprint ?? null };
}

/**
 * How the model a head was trained for compares with the one the workspace's features were
 * computed with (its layout): matchRecorded. A workspace from before layouts were kept does not
 * know its weights: only the ids are compared then, as for a head saved without its fingerprint.
 */
export function headOnFeatures(facts: Pick<HeadRecordFacts, 'modelId' | 'modelFingerprint'>, workspace: Pick<Workspace, 'layout' | 'modelId'>): RecordedMatch {
  const { layout } = workspace;
  if (layout) return matchRecorded(headModel(facts), { id: layout.modelId, fingerprint: layout.weights });
  return matchRecorded({ ...headModel(facts), fingerprint: null }, { id: workspace.modelId, fingerprint: '' });
}

/** The model `loaded` is: its id and its files' fingerprint, as the app compares a recorded model with the one found. */
function loadedModel(loaded: Pick<LoadedModel, 'descriptor' | 'fileHashes'>): LoadedIdentity {
  return { id: loaded.descriptor.id, fingerprint: weightsFingerprint(loaded) };
}

/** Where a workspace's model is, in words: its folder, or what `loaded` was read from for the starter model and a URL's download. */
export function modelPlace(workspace: Pick<Workspace, 'model'>, loaded: Pick<LoadedModel, 'dir'>): string {
  return workspace.model.kind === 'dir' ? workspace.model.location : loaded.dir;
}

/**
 * Refuse (CONFLICT, with what to do) a head `facts` records as trained for another model than
 * `loaded`, the workspace's model as it is now: another id, or the same id over other weights (a
 * model folder with its own adma-model.json keeps its id when its weight files change), whose
 * layers the head's weights do not fit. A head recorded without the weights' fingerprint is
 * taken for any weights of its id, as before (matchRecorded's 'adopt').
 */
export function refuseOtherModel(folder: string, workspace: Pick<Workspace, 'model'>, facts: Pick<HeadRecordFacts, 'modelId' | 'modelFingerprint'>, loaded: Pick<LoadedModel, 'descriptor' | 'fileHashes' | 'dir'>): void {
  switch (matchRecorded(headModel(facts), loadedModel(loaded))) {
    case 'other model':
      throw new AppError('CONFLICT', `The model at ${workspace.model.location} is now ${loaded.descriptor.id}, not ${facts.modelId} the classifier was trained on: extract and train again.`);
    case 'other weights':
      throw new AppError(
        'CONFLICT',
        `The weights in ${modelPlace(workspace, loaded)} are not the ones this head was trained on (the files still say ${facts.modelId}): run 'adma extract ${folder}' and 'adma train ${folder} --labels <csv>' again, or put those files back.`,
      );
    case 'same':
    case 'adopt':
      return;
  }
}

/**
 * Refuse (CONFLICT) a head trained on features of other weights of its model than the features
 * the workspace holds now (extracted since with other files under the same id): its predictions
 * would be of features it never learned. Unknown on either side (a head or a workspace from
 * before the fingerprint was kept): no comparison.
 */
export function refuseOtherFeatures(folder: string, workspace: Pick<Workspace, 'layout' | 'modelId'>, facts: Pick<HeadRecordFacts, 'modelId' | 'modelFingerprint'>): void {
  if (headOnFeatures(facts, workspace) !== 'other weights') return;
  throw new AppError(
    'CONFLICT',
    `The features of ${folder} were extracted with other weights of ${facts.modelId} than this head was trained on: run 'adma train ${folder} --labels <csv>' again, or put the files it was trained with back and run 'adma extract ${folder}'.`,
  );
}
