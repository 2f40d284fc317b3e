/**
 * Overlaps image decoding with inference: a bounded queue of decoded batches is kept full
 * ahead of the consumer, so while the backend runs batch i, sharp (on libuv threads)
 * already decodes batches i+1 .. i+depth. Memory stays bounded by `depth` batches.
 * A file that cannot be decoded becomes a per-image failure; the run continues.
 */
import { AppError, type ErrorData } from '../../../src-shared/app-error';
import { shortReason } from '../../media/path-containment';
import { decodeImage, type DecodeTarget } from './decode-image';

export interface DecodeItem {
  /** Content hash: the key the features are stored under. */
  hash: string;
  path: string;
  /** The format the scan read from the file's content, when known (a project's images): see media/high-bit-depth.ts decodedOtherwiseAmong. */
  format?: string;
}

export interface DecodedBatch<T extends DecodeItem> {
  /** Items decoded successfully, in input order; `pixels` holds them back to back. */
  items: T[];
  /** items.length x height x width x channels bytes. */
  pixels: Uint8Array;
  /** `error` for the app (names the file); `why` the same in a few words, for a tool that names the file itself (shortReason). */
  failures: { item: T; error: ErrorData; why: string }[];
}

export interface PrefetchOptions {
  batchSize: number;
  /** Batches decoded ahead of the consumer (default 2). */
  depth?: number;
  signal?: AbortSignal;
  /** The folder every item's file must lie in (decodeImage's `root`): the project folder. */
  root?: string;
}

async function decodeBatch<T extends DecodeItem>(batch: T[], target: DecodeTarget, root: string | undefined): Promise<DecodedBatch<T>> {
  const imageBytes = target.height * target.width * target.channels;
  const settled = await Promise.allSettled(batch.map((item) => decodeImage(item.path, target, root)));
  const items: T[] = [];
  const failures: DecodedBatch<T>['failures'] = [];
  const pixels = new Uint8Array(imageBytes * batch.length);
  settled.forEach((result, i) => {
    const item = batch[i] as T;
    if (result.status === 'fulfilled') {
      pixels.set(result.value, items.length * imageBytes);
      items.push(item);
    } else {
      const reason: unknown = result.reason;
      failures.push(
        reason instanceof AppError
          ? { item, error: reason.toData(), why: shortReason(reason) }
          : { item, error: { code: 'IMAGE_INVALID', message: `Cannot decode ${item.path}: ${String(reason)}` }, why: String(reason) },
      );
    }
  });
  return { items, pixels: pixels.subarray(0, items.length * imageBytes), failures };
}

/** Yield decoded batches in order, keeping up to `depth` batches decoding ahead. */
export async function* prefetchDecodedBatches<T extends DecodeItem>(
  items: readonly T[],
  target: DecodeTarget,
  options: PrefetchOptions,
): AsyncGenerator<DecodedBatch<T>> {
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const depth = Math.max(1, Math.floor(options.depth ?? 2));
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));
  const pending: Promise<DecodedBatch<T>>[] = [];
  let next = 0;
  const fill = (): void => {
    while (pending.length < depth && next < batches.length) {
      const promise = decodeBatch(batches[next++] as T[], target, options.root);
      promise.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if abandoned
      pending.push(promise);
    }
  };
  fill();
  while (pending.length > 0) {
    if (options.signal?.aborted) return;
    const batch = await (pending.shift() as Promise<DecodedBatch<T>>);
    fill();
    yield batch;
  }
}
