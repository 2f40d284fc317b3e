/**
 * Keeps a small window of images loaded and decoded ahead of the labeler, so that advancing
 * shows the next image from memory. The loader is injected: the browser one uses
 * `new Image()` + `decode()`; tests use a fake.
 */
export interface Loading {
  done: Promise<void>;
  cancel(): void;
}

export type Loader = (url: string) => Loading;

export class ImagePrefetcher {
  private readonly entries = new Map<string, { loading: Loading; ready: boolean }>();

  constructor(
    private readonly load: Loader,
    /** Entries kept beyond the wanted window before the oldest are dropped. */
    private readonly spare = 8,
  ) {}

  /** Start loading `urls` (in priority order); drop old entries beyond the spare budget. */
  want(urls: readonly string[]): void {
    for (const url of urls) {
      if (this.entries.has(url)) {
        const entry = this.entries.get(url)!;
        this.entries.delete(url);
        this.entries.set(url, entry);
        continue;
      }
      const loading = this.load(url);
      const entry = { loading, ready: false };
      this.entries.set(url, entry);
      loading.done.then(
        () => {
          entry.ready = true;
        },
        () => {
          this.entries.delete(url);
        },
      );
    }
    const wanted = new Set(urls);
    let excess = this.entries.size - urls.length - this.spare;
    for (const [url, entry] of this.entries) {
      if (excess <= 0) break;
      if (wanted.has(url)) continue;
      entry.loading.cancel();
      this.entries.delete(url);
      excess--;
    }
  }

  /** Cancel every load and forget every entry (the project is closing: its images are gone). */
  clear(): void {
    for (const entry of this.entries.values()) entry.loading.cancel();
    this.entries.clear();
  }

  isReady(url: string): boolean {
    return this.entries.get(url)?.ready ?? false;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Marked when an image loaded ahead is decoded (detail: its url): what a test or benchmark waits for. */
export const IMAGE_DECODED_AHEAD_MARK = 'adma:image-decoded-ahead';

/** The browser loader: fetch and decode off the main thread, cancel by clearing `src`. */
export const browserLoader: Loader = (url) => {
  const image = new Image();
  image.decoding = 'async';
  image.src = url;
  return {
    done: image.decode().then(() => void performance.mark(IMAGE_DECODED_AHEAD_MARK, { detail: { url } })),
    cancel: () => {
      image.src = '';
    },
  };
};

/**
 * Cancel an image element's load when it leaves the page (a Svelte attachment): a detached
 * image keeps loading otherwise, and a load the project's close overtakes is answered 409
 * (an error the page logs). Clearing `src` aborts it.
 */
export function cancelLoadOnDetach(image: HTMLImageElement): () => void {
  return () => {
    if (!image.complete) image.src = '';
  };
}
