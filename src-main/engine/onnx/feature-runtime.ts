/**
 * Picks what runs a loaded model's feature extraction: ONNX Runtime when the active backend
 * infers with it and the model converts, else TF.js on the active backend. A model the
 * converter cannot handle is said once, with the layer that stops it, and runs on TF.js.
 * One runner per model and cache folder is kept for the life of the process (the
 * worker's, or a CLI command's).
 */
import { AppError } from '../../../src-shared/app-error';
import { activeBackend, activeOnnxRuntime } from '../backend';
import type { LoadedModel } from '../model/load-model';
import { openOnnxFeatureRunner, type OnnxFeatureRunner } from './onnx-feature-runner';
import { defaultThreads, loadOnnxRuntime, onnxRuntimeLabel } from './onnx-runtime';

export interface FeatureRuntime {
  /** Present when ONNX Runtime runs the model. */
  runner?: OnnxFeatureRunner;
  /** What runs it, e.g. "ONNX Runtime 1.30.0 (2 threads)". */
  label: string;
  /** Why ONNX Runtime does not run this model although it is loaded, else null. */
  fallback: string | null;
}

let runners = new WeakMap<LoadedModel, Map<string, Promise<FeatureRuntime>>>();
/** Every runtime opened, to release their sessions when the worker stops. */
const opened = new Set<Promise<FeatureRuntime>>();

async function open(loaded: LoadedModel, cacheDir: string): Promise<FeatureRuntime> {
  const backend = activeBackend();
  const ort = activeOnnxRuntime();
  const tfLabel = backend ? backend.label : 'TF.js';
  if (loaded.onnx) {
    // An ONNX model folder runs on ONNX Runtime whatever runs the TF.js models (it has no TF.js graph).
    const native = loadOnnxRuntime();
    if ('error' in native) return { label: tfLabel, fallback: `ONNX Runtime cannot load, and ${loaded.descriptor.name} needs it: ${native.error}` };
    const threads = backend?.inference.threads ?? defaultThreads();
    const runner = await openOnnxFeatureRunner(native.ort, loaded, cacheDir, threads);
    return { runner, label: onnxRuntimeLabel(threads), fallback: null };
  }
  if (!ort || !backend) return { label: backend?.inference.label ?? tfLabel, fallback: null };
  try {
    const runner = await openOnnxFeatureRunner(ort, loaded, cacheDir, backend.inference.threads ?? 1);
    return { runner, label: backend.inference.label, fallback: null };
  } catch (error) {
    const reason = error instanceof AppError ? error.message : `ONNX Runtime could not run the converted model: ${(error as Error).message.split('\n')[0] ?? ''}`;
    return { label: `TF.js (${backend.name})`, fallback: reason };
  }
}

/** The runtime for `loaded`, its converted graph cached in `cacheDir`. */
export function featureRuntimeFor(loaded: LoadedModel, cacheDir: string): Promise<FeatureRuntime> {
  let byDir = runners.get(loaded);
  if (!byDir) {
    byDir = new Map();
    runners.set(loaded, byDir);
  }
  let pending = byDir.get(cacheDir);
  if (!pending) {
    pending = open(loaded, cacheDir);
    byDir.set(cacheDir, pending);
    opened.add(pending);
  }
  return pending;
}

/**
 * Release the ONNX Runtime session of every runtime opened (the worker's shutdown) and forget
 * them, so a later call opens fresh sessions.
 */
export async function releaseFeatureRuntimes(): Promise<void> {
  const all = [...opened];
  opened.clear();
  runners = new WeakMap();
  for (const pending of all) {
    const runtime = await pending.catch(() => null);
    await runtime?.runner?.release().catch(() => undefined);
  }
}
