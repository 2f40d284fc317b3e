/**
 * Chooses the fastest TensorFlow.js backend this machine has, in the order the product
 * promises: tfjs-node (native libtensorflow) when installed, then WebAssembly, then the
 * pure-JS cpu backend. Call `initBackend` once per process (or worker) before any tensor op.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** Human-readable, shown in the UI and printed by every command. */
  label: string;
  /** Whether spatial convolutions have gradient kernels (false on wasm). */
  convGradients: boolean;
  /** Why faster backends were not used, one line each. */
  fallbacks: string[];
}

const requireOptional = createRequire(import.meta.url);
let current: BackendInfo | null = null;

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
let starting: { wanted: BackendName | undefined; promise: Promise<BackendInfo> } | null = null;

export function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  const wanted = prefer ?? (process.env.ADMA_BACKEND as BackendName | undefined);
  if (current && (!wanted || wanted === current.name)) return Promise.resolve(current);
  // Concurrent callers share one start: two racing setBackend() calls would leave either.
  if (starting && (!wanted || wanted === starting.wanted)) return starting.promise;
  const promise = startBackend(wanted).finally(() => {
    if (starting?.promise === promise) starting = null;
  });
  starting = { wanted, promise };
  return promise;
}

async function startBackend(wanted: BackendName | undefined): Promise<BackendInfo> {
  const order: BackendName[] = wanted ? [wanted] : ['tensorflow', 'wasm', 'cpu'];
  const fallbacks: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // Registers the 'tensorflow' backend as a side effect; absent where its install failed.
        requireOptional('@tensorflow/tfjs-node');
      } else if (name === 'wasm') {
        await import('@tensorflow/tfjs-backend-wasm');
      }
      if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialise`);
      await tf.ready();
      current = { name, label: LABELS[name], convGradients: name !== 'wasm', fallbacks };
      return current;
    } catch (error) {
      fallbacks.push(`${LABELS[name]} unavailable: ${describeFailure(error)}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start:\n${fallbacks.join('\n')}`);
}

export function activeBackend(): BackendInfo | null {
  return current;
}
