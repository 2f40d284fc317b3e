/**
 * Chooses the engine's runtimes. Feature extraction and pool prediction run on ONNX Runtime
 * (onnxruntime-node, multi-threaded native code shipped inside the npm package) when it
 * loads; training and everything else runs on the fastest TensorFlow.js backend this
 * machine has: tfjs-node (native libtensorflow, an optional dependency) where it installed, then
 * WebAssembly, then the pure-JS cpu backend. Call `initBackend` once per process (or
 * worker) before any tensor op.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { defaultThreads, loadOnnxRuntime, onnxRuntimeLabel, type OrtModule } from './onnx/onnx-runtime';
import { BACKEND_CHOICES, type BackendChoice, type BackendName } from './backend-choice';

export { BACKEND_CHOICES, type BackendChoice, type BackendName };

/** Why the optional tfjs-node is missing, said once at install and in the backend's fallbacks. */
export const TFJS_NODE_DROPPED =
  'tfjs-node (an optional dependency) was dropped at install: it downloads libtensorflow at install time (impossible offline, and without prebuilt binaries for some Node/Windows combinations); ONNX Runtime, shipped inside its npm package, runs the models natively instead and training runs on WebAssembly';

export interface BackendInfo {
  name: BackendName;
  /** Human-readable, shown in the UI and printed by every command. */
  label: string;
  /** Whether spatial convolutions have gradient kernels (false on wasm). */
  convGradients: boolean;
  /** Why faster backends were not used, one line each. */
  fallbacks: string[];
  /** What runs feature extraction and pool prediction. */
  inference: InferenceRuntime;
  /** Why it runs slower than it could, in words for the expert; null at full speed. */
  slowness: string | null;
}

export interface InferenceRuntime {
  name: 'onnxruntime' | BackendName;
  label: string;
  /** ONNX Runtime's intra-op threads (null on TF.js). */
  threads: number | null;
}

const requireOptional = createRequire(import.meta.url);
let current: BackendInfo | null = null;
let ortModule: OrtModule | null = null;
/** What the active backend was started for ('onnxruntime' when no TF.js backend was named). */
let currentWanted: BackendChoice | undefined;

const LABELS: Record<BackendName, string> = {
  tensorflow: 'tfjs-node (native TensorFlow)',
  wasm: 'WebAssembly (tfjs-backend-wasm)',
  cpu: 'pure JavaScript (tfjs cpu backend, slow)',
};

function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/**
 * Initialise a backend. `prefer` forces one (for benchmarks and tests); otherwise the
 * `ADMA_BACKEND` environment variable, otherwise the best available.
 */
let starting: { wanted: BackendChoice | undefined; promise: Promise<BackendInfo> } | null = null;

export function initBackend(prefer?: BackendChoice): Promise<BackendInfo> {
  // An empty ADMA_BACKEND means unset.
  const wanted = prefer ?? ((process.env.ADMA_BACKEND || undefined) as BackendChoice | undefined);
  if (current && (!wanted || wanted === currentWanted)) return Promise.resolve(current);
  // Concurrent callers share one start: two racing setBackend() calls would leave either.
  if (starting && (!wanted || wanted === starting.wanted)) return starting.promise;
  const promise = startBackend(wanted).finally(() => {
    if (starting?.promise === promise) starting = null;
  });
  starting = { wanted, promise };
  return promise;
}

/**
 * `wanted` undefined or 'onnxruntime': ONNX Runtime for inference (when it loads) and the
 * best TF.js backend for training; a TF.js backend name: that backend for everything.
 */
async function startBackend(wanted: BackendChoice | undefined): Promise<BackendInfo> {
  if (wanted !== undefined && !BACKEND_CHOICES.includes(wanted)) throw new Error(`Unknown backend "${wanted}"; choose one of ${BACKEND_CHOICES.join(', ')}.`);
  const tfOnly = wanted !== undefined && wanted !== 'onnxruntime';
  const order: BackendName[] = tfOnly ? [wanted] : ['tensorflow', 'wasm', 'cpu'];
  const fallbacks: string[] = [];
  let inference: InferenceRuntime | null = null;
  ortModule = null;
  if (!tfOnly) {
    const ort = loadOnnxRuntime();
    if ('ort' in ort) {
      ortModule = ort.ort;
      const threads = defaultThreads();
      inference = { name: 'onnxruntime', label: onnxRuntimeLabel(threads), threads };
    } else {
      fallbacks.push(`ONNX Runtime unavailable: ${ort.error}`);
    }
  }
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // Registers the 'tensorflow' backend as a side effect; absent unless installed by hand.
        try {
          requireOptional('@tensorflow/tfjs-node');
        } catch (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
          throw new Error(missing ? TFJS_NODE_DROPPED : describeFailure(error), { cause: error });
        }
      } else if (name === 'wasm') {
        await import('@tensorflow/tfjs-backend-wasm');
      }
      if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialise`);
      await tf.ready();
      inference ??= { name, label: LABELS[name], threads: null };
      const label = inference.name === name ? LABELS[name] : `${inference.label} for features and predictions; ${LABELS[name]} for training`;
      current = { name, label, convGradients: name !== 'wasm', fallbacks, inference, slowness: backendSlowness({ name, inference }) };
      currentWanted = tfOnly ? wanted : 'onnxruntime';
      return current;
    } catch (error) {
      const reason = describeFailure(error);
      fallbacks.push(reason === TFJS_NODE_DROPPED ? reason : `${LABELS[name]} unavailable: ${reason}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start:\n${fallbacks.join('\n')}`);
}

/**
 * Why the engine runs slower than it could, in words for the expert; null at full speed
 * (ONNX Runtime for features and predictions; WebAssembly or native TensorFlow for training).
 */
export function backendSlowness(info: Pick<BackendInfo, 'name' | 'inference'>): string | null {
  const reasons: string[] = [];
  if (info.inference.name !== 'onnxruntime') reasons.push('features and predictions are computed without ONNX Runtime, several times slower');
  if (info.name === 'cpu') reasons.push('training runs in plain JavaScript, many times slower');
  return reasons.length === 0 ? null : `Slow mode: ${reasons.join('; ')}. The details say why.`;
}

export function activeBackend(): BackendInfo | null {
  return current;
}

/** The loaded ONNX Runtime when the active backend infers with it, else null. */
export function activeOnnxRuntime(): OrtModule | null {
  return current?.inference.name === 'onnxruntime' ? ortModule : null;
}
