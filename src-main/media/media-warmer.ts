/**
 * Renders thumbnails and renditions ahead of the labeling position in the background: a
 * bounded queue worked one image at a time (interactive requests keep the other decode
 * slots). The newest wish comes first, in its order: the labeler asks again from where they
 * are, so the images next to them are rendered before older wishes (images a fast labeler has
 * already passed sink to the back). When the queue is full the lowest in priority are dropped.
 */
import type { MediaVariant } from '../../src-shared/contract';
import { readMedia, type MediaSource } from './image-media';

export const WARM_QUEUE_LIMIT = 200;

export class MediaWarmer {
  private readonly queue: { id: number; variant: MediaVariant }[] = [];
  /** The wish being rendered now (`id/variant`). */
  private rendering: string | null = null;
  private running: Promise<void> | null = null;
  /** Renders done and failed (a file that cannot be decoded is reported when it is shown). */
  done = 0;
  failed = 0;

  constructor(
    private readonly source: MediaSource,
    private readonly limit = WARM_QUEUE_LIMIT,
  ) {}

  /**
   * Queue `ids` (in priority order) for `variant` ahead of every older wish (those of them
   * already queued move up); returns how many were neither queued nor rendering before and are
   * queued now.
   */
  want(ids: readonly number[], variant: MediaVariant): number {
    const key = (entry: { id: number; variant: MediaVariant }): string => `${entry.id}/${entry.variant}`;
    const first: { id: number; variant: MediaVariant }[] = [];
    const wished = new Set<string>();
    for (const id of ids) {
      const entry = { id, variant };
      // Already rendering, or wished twice in this call: once is enough.
      if (key(entry) === this.rendering || wished.has(key(entry))) continue;
      wished.add(key(entry));
      first.push(entry);
    }
    const before = new Set(this.queue.map(key));
    const rest = this.queue.filter((entry) => !wished.has(key(entry)));
    this.queue.splice(0, this.queue.length, ...[...first, ...rest].slice(0, this.limit));
    const now = new Set(this.queue.map(key));
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return first.filter((entry) => now.has(key(entry)) && !before.has(key(entry))).length;
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
      this.rendering = `${next.id}/${next.variant}`;
      try {
        await readMedia(this.source, next.id, next.variant);
        this.done++;
      } catch {
        this.failed++;
      } finally {
        this.rendering = null;
      }
    }
  }
}
