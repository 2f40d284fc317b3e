/**
 * A trained version's row and its predictions for every pool image (100,000 rows replaced at
 * 100,000 images: 1-2.5 s of SQLite on the host's main thread) are written by the version
 * writer thread (version-writer-worker.ts) when the pool is large: the same
 * `AdaptationStore.saveVersion`, one transaction, on the thread's own connection
 * (project/writer-thread.ts says why that is safe). The predictions cross as typed arrays.
 */
import type { PoolPredictions, Prediction } from '../engine/loop/loop-jobs';
import { workerEntryPath } from '../core/worker-thread';
import { WriterThread, type WriterThreadSetup } from '../project/writer-thread';
import type { VersionRow } from './adaptation-store';

/** From this many predictions on, a version is written in the version writer thread. */
export const THREAD_PREDICTIONS = 2000;

export interface VersionWrite {
  version: VersionRow;
  predictions: PoolPredictions;
}

/** The predictions as rows for `AdaptationStore.saveVersion`. */
export function predictionRows(predictions: PoolPredictions): Prediction[] {
  return Array.from(predictions.imageIds, (imageId, i) => ({ imageId, classIndex: predictions.classIndexes[i] as number, probability: predictions.probabilities[i] as number }));
}

export function startVersionWriter(setup: WriterThreadSetup): WriterThread<VersionWrite, null> {
  return new WriterThread(workerEntryPath(import.meta.url, './version-writer-worker.ts', 'version-writer.js', 'version writer'), setup, 'version writer');
}
