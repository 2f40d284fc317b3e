/**
 * Loads ONNX Runtime (onnxruntime-node: CPU binaries shipped inside the npm package) on
 * first use and creates sessions with the configured number of intra-op threads. Loading is
 * lazy, so commands that never infer (help, argument errors) never pay for the native
 * library; a failure to load is remembered with its reason and the engine falls back to
 * TF.js.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;

const requireNative = createRequire(import.meta.url);
let loaded: { ort: OrtModule } | { error: string } | null = null;

/** onnxruntime-node, or the reason it cannot run on this machine. */
export function loadOnnxRuntime(): { ort: OrtModule } | { error: string } {
  if (!loaded) {
    try {
      const ort = requireNative('onnxruntime-node') as OrtModule;
      loaded = { ort };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      loaded = { error: text.split('\n')[0] ?? text };
    }
  }
  return loaded;
}

/** Version of the loaded runtime (from its package), for labels. */
export function onnxRuntimeVersion(): string {
  try {
    return (requireNative('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown version';
  }
}

/** What runs inference, e.g. "ONNX Runtime 1.30.0 (2 threads)". */
export function onnxRuntimeLabel(threads: number): string {
  return `ONNX Runtime ${onnxRuntimeVersion()} (${threads} thread${threads === 1 ? '' : 's'})`;
}

/** Intra-op threads: ADMA_THREADS when set to a positive integer, else every core. */
export function defaultThreads(): number {
  const fromEnv = Number(process.env.ADMA_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return availableParallelism();
}

export interface SessionTuning {
  /**
   * Let idle intra-op threads busy-wait for the next operator (ONNX Runtime's default). Off
   * here: feature extraction decodes JPEGs with sharp on the same cores while ONNX Runtime
   * runs, and spinning threads burn the CPU time the decoder needs (measured in
   * bench/README.md, "Decoding and inference on two cores").
   */
  spinning?: boolean;
}

export async function createSession(ort: OrtModule, bytes: Uint8Array, threads: number, tuning: SessionTuning = {}): Promise<Ort.InferenceSession> {
  const spin = tuning.spinning === true ? '1' : '0';
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  });
}
