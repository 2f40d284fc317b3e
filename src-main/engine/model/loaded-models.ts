/**
 * The models the engine worker has loaded, kept per source for the life of the worker, and
 * checked against their files before every use: a model folder's files can be replaced or
 * edited while the host runs (the expert copies another model over it, re-copies the same
 * files, edits adma-model.json, unplugs the disk). Each model folder is stamped when it is
 * loaded (each file it was read from: size, modification and change times, inode; and which
 * `.onnx` files the folder holds, which decide how it is read); a use that finds another stamp
 * loads the folder again. When that is the same model (the same descriptor and the same files'
 * fingerprint: re-copied identical files, a touched file) the model loaded before is kept, so
 * what holds it (the pool, its ONNX Runtime session) goes on unchanged; otherwise the new one
 * is kept for the source, and what was computed on the old one is refused (current), never
 * computed on silently. Cost per use of an unchanged folder: one readdir and one stat per file
 * (model.json, each weight shard, adma-model.json, labels.json; an .onnx file).
 *
 * Models that are not folders are not stamped. A download lives in a folder of the user's (the
 * model cache), where its files can change while the app runs, but the copy loaded was checked
 * against the hashes recorded at its download (loadKnownModel), so what is computed with it is
 * that model whatever happens to the files meanwhile (a stamp would only refuse a model held
 * as it should be); a changed copy is refused at its next load. The starter ships with the app.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../src-shared/app-error';
import type { LoadedModel } from './load-model';
import { DESCRIPTOR_FILE, LABELS_FILE } from './load-model';
import { weightsFingerprint, MODEL_JSON } from './model-folder-io';
import type { ModelSource } from './model-source';

/** A file's times may be this coarse (FAT keeps modification times to 2 s). */
const TIME_GRAIN_MS = 2000;

/** The stamp of files written while they were being loaded: never equal to a stamp taken after (the next use loads again). */
export const UNSETTLED = 'unsettled';

/** The files of `loaded`'s folder its load read or looked for, relative to it. */
export function modelFileNames(loaded: LoadedModel): string[] {
  const names = new Set([...Object.keys(loaded.fileHashes), MODEL_JSON, DESCRIPTOR_FILE, LABELS_FILE]);
  if (loaded.descriptor.centresFile !== undefined) names.add(loaded.descriptor.centresFile);
  return [...names].sort();
}

/**
 * What identifies the files `names` in `dir` as they are now, without reading them; `loadedFrom`:
 * when the load that read them began, so that a file written during the load (or within the
 * time grain before it) gives UNSETTLED, as the load may have read part of it, or the file before.
 */
export async function filesStamp(dir: string, names: readonly string[], loadedFrom?: number): Promise<string> {
  const entries = await readdir(dir).catch(() => null);
  if (entries === null) return 'no folder';
  const parts = [`onnx files: ${entries.filter((name) => name.toLowerCase().endsWith('.onnx')).sort().join(' / ')}`];
  const infos = await Promise.all(names.map((name) => stat(join(dir, name)).catch(() => null)));
  const now = Date.now();
  for (const [k, name] of names.entries()) {
    const info = infos[k];
    if (!info) {
      parts.push(`${name}: none`);
      continue;
    }
    // Written then: by its modification time (a write sets it; the change time moves with a chmod
    // or a touch too). A clock far ahead (a network share's) is not a write during the load: it
    // would load again at every use.
    const written = info.mtimeMs;
    if (loadedFrom !== undefined && written >= loadedFrom - TIME_GRAIN_MS && written <= now + TIME_GRAIN_MS) return UNSETTLED;
    parts.push(`${name}: ${info.size} bytes, modified ${info.mtimeMs}, changed ${info.ctimeMs}, inode ${info.ino}`);
  }
  return parts.join('\n');
}

/** Whether two loads are the same model: the same descriptor (id, layers, input, normalisation, labels) and the same files. */
export function sameModel(a: LoadedModel, b: LoadedModel): boolean {
  return JSON.stringify(a.descriptor) === JSON.stringify(b.descriptor) && weightsFingerprint(a) === weightsFingerprint(b) && a.dir === b.dir;
}

/** The refusal of a job on a model folder that cannot be used as the project knows it (the host then checks the folder: EngineStatus.modelProblem). */
export function modelUnavailable(message: string): AppError {
  return new AppError('MODEL_UNAVAILABLE', message);
}

interface Kept {
  loaded: LoadedModel;
  /** null: not a model folder (not checked). */
  stamp: string | null;
}

export class LoadedModels {
  private readonly kept = new Map<string, Promise<Kept>>();
  /** The source each model folder was loaded from (current). */
  private readonly sources = new WeakMap<LoadedModel, ModelSource>();

  constructor(private readonly load: (source: ModelSource) => Promise<LoadedModel>) {}

  /**
   * The model at `source` as its files are now: the one loaded before while they are unchanged
   * (or changed into the same model), else loaded again. At most one load per call: files still
   * being written are loaded as they are, and loaded again at the next use (UNSETTLED).
   */
  async get(source: ModelSource): Promise<LoadedModel> {
    const key = JSON.stringify(source);
    const pending = this.kept.get(key);
    if (!pending) return (await this.begin(key, source, null)).loaded;
    const kept = await pending;
    if (kept.stamp === null || (await filesStamp(kept.loaded.dir, modelFileNames(kept.loaded))) === kept.stamp) return kept.loaded;
    // Changed: loaded again once, whoever noticed first (a later caller waits for that load).
    const now = this.kept.get(key);
    return (await (now !== undefined && now !== pending ? now : this.begin(key, source, kept.loaded))).loaded;
  }

  /**
   * Refused (MODEL_UNAVAILABLE) when the files `loaded` was read from hold something else now,
   * or cannot be read: what was computed on it (a pool's features) is not to be computed on
   * further. Nothing is refused for a model that is not a folder, nor for the same model again.
   */
  async requireCurrent(loaded: LoadedModel): Promise<void> {
    const source = this.sources.get(loaded);
    if (source === undefined) return;
    let now: LoadedModel;
    try {
      now = await this.get(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw modelUnavailable(`${loaded.dir} no longer holds ${loaded.descriptor.name} as it was when its features were loaded: ${reason} Nothing was computed.`);
    }
    if (sameModel(now, loaded)) return;
    const what = now.descriptor.id === loaded.descriptor.id ? `its files changed (${now.descriptor.name}, other weights or settings)` : `it holds another model now (${now.descriptor.name})`;
    throw modelUnavailable(`The model folder ${loaded.dir} is not ${loaded.descriptor.name} as it was when its features were loaded: ${what}. Nothing was computed with it.`);
  }

  /** Every model loaded, disposed and forgotten (the backend changed: weights live on the old one). */
  disposeAll(): void {
    for (const pending of this.kept.values()) pending.then((kept) => kept.loaded.dispose()).catch(() => undefined);
    this.kept.clear();
  }

  private begin(key: string, source: ModelSource, before: LoadedModel | null): Promise<Kept> {
    const startedAt = Date.now();
    const pending = this.load(source).then(async (loaded): Promise<Kept> => {
      const stamp = source.kind === 'folder' ? await filesStamp(loaded.dir, modelFileNames(loaded), startedAt) : null;
      // The same model again: the one loaded before stays (its holders go on); the copy is freed.
      if (before !== null && sameModel(before, loaded)) {
        loaded.dispose();
        return { loaded: before, stamp };
      }
      if (source.kind === 'folder') this.sources.set(loaded, source);
      // A model it replaces is not disposed: a pool or a running job may hold it (they are refused by requireCurrent).
      return { loaded, stamp };
    });
    this.kept.set(key, pending);
    pending.catch(() => {
      if (this.kept.get(key) === pending) this.kept.delete(key);
    });
    return pending;
  }
}
