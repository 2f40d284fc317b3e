/**
 * Renders thumbnails and renditions ahead of the labeling position in the background: a
 * bounded queue worked one image at a time (interactive requests keep the other decode
 * slots). When the queue is full the oldest wishes are dropped: the newest position matters.
 */
import type { MediaVariant } from '../../src-shared/contract';
import { readMedia, type MediaSource } from './image-media';

export const WARM_QUEUE_LIMIT = 200;

export class MediaWarmer {
  private readonly queue: { id: number; variant: MediaVariant }[] = [];
  private readonly queued = new Set<string>();
  private running: Promise<void> | null = null;
  /** Renders done and failed (a file that cannot be decoded is reported when it is shown). */
  done = 0;
  failed = 0;

  constructor(
    private readonly source: MediaSource,
    private readonly limit = WARM_QUEUE_LIMIT,
  ) {}

  /** Queue `ids` (in priority order) for `variant`; returns how many were newly queued. */
  want(ids: readonly number[], variant: MediaVariant): number {
    let added = 0;
    for (const id of ids) {
      const key = `${id}/${variant}`;
      if (this.queued.has(key)) continue;
      this.queue.push({ id, variant });
      this.queued.add(key);
      added++;
    }
    while (this.queue.length > this.limit) {
      const dropped = this.queue.shift()!;
      this.queued.delete(`${dropped.id}/${dropped.variant}`);
    }
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return added;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await readMedia(this.source, next.id, next.variant);
        this.done++;
      } catch {
        this.failed++;
      } finally {
        this.queued.delete(`${next.id}/${next.variant}`);
      }
    }
  }
}
