/**
 * Turns the `--model` argument into a loaded model: a folder with model.json, the URL of
 * a model.json (downloaded once into the model cache, verified when the product knows its
 * hashes), or 'starter'.
 */
import { existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { AppError } from '../../src-shared/app-error';
import type { TfLoadedModel } from '../engine/model/load-model';
import type { ModelSpec } from './cli-workspace';
import { UsageError } from './usage-error';

export function parseModelSpec(value: string): ModelSpec {
  if (value === 'starter') return { kind: 'starter', location: 'starter' };
  if (/^https?:\/\//i.test(value)) {
    if (!/\/model\.json(\?.*)?$/.test(value)) throw new UsageError(`--model ${value}: a model URL must point at the model.json of a TF.js Layers model.`);
    return { kind: 'url', location: value };
  }
  const dir = resolve(value);
  if (!existsSync(dir)) throw new UsageError(`--model ${value}: no such folder. Give a folder containing model.json, a model.json URL, or 'starter'.`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--model ${value} is a file; give the folder that contains model.json.`);
  return { kind: 'dir', location: dir };
}

export async function loadModelFromSpec(spec: ModelSpec, onStatus: (line: string) => void): Promise<TfLoadedModel> {
  const { loadModelFolder, loadStarterModel } = await import('../engine/model/load-model');
  if (spec.kind === 'starter') return loadStarterModel();
  if (spec.kind === 'dir') {
    if (!existsSync(spec.location)) throw new AppError('NOT_FOUND', `The model folder ${spec.location} no longer exists; run 'adma extract' with --model again.`);
    return loadModelFolder(spec.location);
  }
  const { KNOWN_MODELS } = await import('../engine/model/known-models');
  const { downloadModel } = await import('../engine/model/model-download');
  const known = KNOWN_MODELS.find((m) => m.modelUrl === spec.location) ?? {
    id: `url-${createHash('sha256').update(spec.location).digest('hex').slice(0, 12)}`,
    name: spec.location,
    modelUrl: spec.location,
    sha256: null,
    approxBytes: 0,
  };
  const downloaded = await downloadModel(known, {
    onProgress: (p) => onStatus(`downloading ${p.file} (${p.filesDone}/${p.filesTotal} files, ${(p.bytesDone / 1e6).toFixed(1)} MB)`),
  });
  if (downloaded.note) onStatus(downloaded.note);
  return loadModelFolder(downloaded.dir);
}
