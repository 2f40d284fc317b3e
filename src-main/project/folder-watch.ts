/**
 * Watches an open project's folder, so that images copied in, deleted, moved or replaced while
 * the app is open are found without the expert asking for a rescan. @parcel/watcher (VS Code's
 * watcher) watches natively: on Linux one inotify watch per folder, not per file (chokidar 4, also
 * tried, set one per file: 100,000 for a large project, past many systems' inotify limit),
 * FSEvents on macOS, ReadDirectoryChangesW on Windows; it gives events in batches.
 *
 * What counts as a change is what a scan would look at (scan-project.ts, walkImageFiles), outside
 * hidden files and folders (`.adma` among them: the app's own writes never count): an image file
 * (supported or not) made, changed or deleted; a folder made (one moved in is one event, its
 * images none); anything deleted (a deleted path's kind cannot be read any more, and a folder
 * moved away is one event for the folder alone). A change does not start a scan at once: a copy
 * of 5,000 photos is thousands of events, and a file being written changes until it is whole. The
 * scan starts once the folder has been quiet for `quietMs`; changes that come while a scan runs
 * start another scan after it, so the last change is always scanned.
 *
 * Watching is a convenience, never a condition: a folder that cannot be watched (the system's
 * limit on watched folders reached, a network drive that gives no events) is said once through
 * `onError`, and the header's Rescan still finds everything.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type watcher from '@parcel/watcher';
import { ADMIN_DIR } from './project-db';
import { imageLikeName } from './image-files';

/** How long the folder must be quiet before a scan starts. */
const QUIET_MS = 1_000;

export interface FolderWatchOptions {
  /** Scan the folder; resolves when that scan has ended (failed or not). */
  onChanged: () => Promise<unknown>;
  /** The watch failed; scans go on by hand. Said once. */
  onError: (message: string) => void;
  quietMs?: number;
}

/** A path (relative to the root, '/' or the platform's separator) a scan would not look at. */
function hidden(relPath: string): boolean {
  return relPath.split(/[\\/]/).some((part) => part.startsWith('.'));
}

/**
 * Whether an event on `relPath` (relative to the project folder) is a change a scan would find,
 * by the rule in the file comment; `isFolder` is asked only of a path made or changed that is not
 * an image's. The project folder itself is never one: gone, there is nothing left to scan.
 */
export async function countsAsChange(type: watcher.EventType, relPath: string, isFolder: () => Promise<boolean>): Promise<boolean> {
  if (relPath === '' || hidden(relPath)) return false;
  if (type === 'delete' || imageLikeName(relPath)) return true;
  return type === 'create' && (await isFolder());
}

export class FolderWatch {
  readonly #root: string;
  readonly #options: FolderWatchOptions;
  readonly #subscription: Promise<watcher.AsyncSubscription | null>;
  #timer: NodeJS.Timeout | null = null;
  /** The scan started by a change, while it runs. */
  #scanning: Promise<void> | null = null;
  /** A change came while that scan ran: another one follows it. */
  #changedMeanwhile = false;
  #failed = false;
  #closed = false;

  constructor(root: string, options: FolderWatchOptions) {
    this.#root = path.resolve(root);
    this.#options = options;
    // Loaded here, not at the module's top: a platform with no build of the native watcher loses
    // the watch (said through onError), not the app.
    this.#subscription = import('@parcel/watcher')
      .then(({ default: native }) => native.subscribe(this.#root, (error, events) => void this.#events(error, events), { ignore: [ADMIN_DIR, '**/.*'] }))
      .catch((error: unknown) => {
        this.#fail(error);
        return null;
      });
  }

  /** Resolves once every folder is watched (changes before then may be missed: the opening's scan covers them). */
  async ready(): Promise<void> {
    await this.#subscription;
  }

  /** Stops watching. A scan already started is not waited for: closing the project ends it. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await (await this.#subscription)?.unsubscribe();
  }

  async #events(error: Error | null, events: watcher.Event[]): Promise<void> {
    if (error) {
      // Events were lost (the system's queue overflowed, a folder could not be watched): one scan
      // catches up with whatever they were, as well as the warning.
      this.#fail(error);
      return this.#changed();
    }
    for (const event of events) {
      const rel = path.relative(this.#root, event.path);
      const isFolder = () => fs.lstat(event.path).then((stats) => stats.isDirectory(), () => false);
      if (await countsAsChange(event.type, rel, isFolder)) return this.#changed();
    }
  }

  #changed(): void {
    if (this.#closed) return;
    if (this.#scanning) {
      this.#changedMeanwhile = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#scan(), this.#options.quietMs ?? QUIET_MS);
  }

  #scan(): void {
    this.#timer = null;
    if (this.#closed) return;
    this.#changedMeanwhile = false;
    this.#scanning = this.#options
      .onChanged()
      .catch(() => undefined)
      .then(() => {
        this.#scanning = null;
        if (this.#changedMeanwhile) this.#changed();
      });
  }

  #fail(error: unknown): void {
    if (this.#failed || this.#closed) return;
    this.#failed = true;
    const message = error instanceof Error ? error.message : String(error);
    const why = /ENOSPC|no space left|EMFILE|too many open/i.test(message)
      ? 'the system allows no more watched folders (on Linux, raise fs.inotify.max_user_watches)'
      : message;
    this.#options.onError(`Some changes in ${this.#root} may go unnoticed (${why}): use Rescan folder after adding or removing images.`);
  }
}
