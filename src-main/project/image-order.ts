/**
 * Gallery pages anywhere in a large project without a scan per page. A page with OFFSET walks
 * every row before it (at 100,000 images: 87-152 ms of the host's main thread for a page deep
 * in the list, and the predicted-class, confidence and score sorts sort the whole filter result
 * for every page). Here the whole order of a filter and sort (every id, `ImageIndex.order`) is
 * read once by the order reader thread (its own connection, WAL: the host keeps answering) and
 * kept; a page is then a slice of it and its 200 items read by id, at any position, so the
 * virtual gallery can still jump anywhere.
 *
 * Invariants:
 * - A kept order is served only while the database is unchanged since it was read: it is tagged
 *   with the host connection's `PRAGMA data_version` (changes when another connection commits:
 *   the label and version writer threads) and `total_changes()` (the host's own writes), taken
 *   before the read; the thread reads after that, so the order is never older than its tag, and
 *   any commit since makes the tag differ. A page therefore equals the OFFSET query's page.
 * - The thread reads the order and the page's items in one transaction (one snapshot).
 * - Small projects (up to DIRECT_PAGE_IMAGES present images) page with OFFSET on the host's
 *   thread: a few milliseconds, no thread.
 * - The present images' folders (the gallery's captions tell folders apart by them) are read
 *   and kept the same way: by the thread in a large project (a DISTINCT over every image), kept
 *   while the database is unchanged.
 */
import type Database from 'better-sqlite3';
import type { ImageFilter, ImageItem, ImagePage, ImageSort } from '../../src-shared/contract';
import { workerEntryPath } from '../core/worker-thread';
import { DEFAULT_SORT, type ImageIndex } from './image-index';
import { WriterThread, type WriterThreadSetup } from './writer-thread';

/** Up to this many present images a page is the OFFSET query on the host's thread. */
export const DIRECT_PAGE_IMAGES = 5000;
/** Orders kept (a filter and a sort each): the gallery's and the label view's, and a few the gallery came from. */
const KEPT_ORDERS = 4;

export interface OrderRead {
  filter: ImageFilter;
  sort: ImageSort;
  offset: number;
  limit: number;
}

export interface OrderReply {
  /** Every id the filter matches, in the sort's order. */
  ids: Int32Array;
  /** The page asked for. */
  items: ImageItem[];
}

/** The order and the page's items from one snapshot (runs in the order reader thread). */
export function readOrder(db: Database.Database, images: ImageIndex, read: OrderRead): OrderReply {
  return db.transaction(() => {
    const ids = images.order(read.filter, read.sort);
    return { ids, items: images.itemsOf(ids.subarray(read.offset, read.offset + read.limit)) };
  })();
}

/**
 * The folder of every present image, each once, as the views write it ('/' between folders, ''
 * for the top of the project folder), in no particular order: the path up to its last '/'
 * (rtrim drops the trailing characters that are not '/'), that '/' dropped.
 */
export function readFolders(db: Database.Database): string[] {
  const folders = db.prepare<[], string>("SELECT DISTINCT rtrim(rel_path, replace(rel_path, '/', '')) FROM images WHERE present = 1").pluck().all();
  return folders.map((folder) => folder.slice(0, -1));
}

/** What the order reader thread is asked: an order and a page, or the present images' folders. */
export type ReaderRead = OrderRead | { folders: true };
export type ReaderReply = OrderReply | { folders: string[] };

/** The reader thread's answer to `read` (runs there). */
export function readForGallery(db: Database.Database, images: ImageIndex, read: ReaderRead): ReaderReply {
  return 'folders' in read ? { folders: readFolders(db) } : readOrder(db, images, read);
}

interface KeptOrder {
  key: string;
  version: string;
  ids: Int32Array;
}

export class ImageOrders {
  private kept: KeptOrder[] = [];
  /** The present images' folders, read at a database version (as a kept order: unchanged since, it is served again). */
  private keptFolders: { version: string; folders: string[] } | null = null;
  /** A read of the folders in flight, by database version: another request for them waits for it. */
  private readingFolders: { version: string; read: Promise<string[]> } | null = null;
  /** Reads in flight, by order and database version: requests for other pages of it wait for it. */
  private readonly reading = new Map<string, Promise<OrderReply>>();
  private thread: WriterThread<ReaderRead, ReaderReply> | null = null;
  private readonly version: () => string;
  /** Orders and folder lists read by the thread so far (tests: which path a read took). */
  threadReads = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly images: ImageIndex,
    private readonly setup: () => WriterThreadSetup,
    private readonly presentCount: () => number,
    private readonly directImages = DIRECT_PAGE_IMAGES,
  ) {
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    const changes = db.prepare('SELECT total_changes()').pluck();
    this.version = () => `${String(dataVersion.get())}:${String(changes.get())}`;
  }

  /**
   * Every folder that holds a present image, each once, in no particular order (readFolders):
   * what the gallery tells an image's folder from in its caption (src-renderer/logic/
   * file-name.ts captionFolders). Read by the thread in a large project, as an order is, and
   * kept while the database is unchanged.
   */
  async folders(): Promise<string[]> {
    const version = this.version();
    if (this.keptFolders?.version === version) return this.keptFolders.folders;
    if (this.presentCount() <= this.directImages) {
      this.keptFolders = { version, folders: readFolders(this.db) };
      return this.keptFolders.folders;
    }
    if (this.readingFolders?.version === version) return this.readingFolders.read;
    const read = this.read({ folders: true }).then((reply) => {
      if (!('folders' in reply)) throw new Error('The gallery order reader answered a question about folders with an order.');
      return reply.folders;
    });
    this.readingFolders = { version, read };
    try {
      const folders = await read;
      this.keptFolders = { version, folders };
      return folders;
    } finally {
      if (this.readingFolders?.read === read) this.readingFolders = null;
    }
  }

  private read(read: ReaderRead): Promise<ReaderReply> {
    this.thread ??= new WriterThread(workerEntryPath(import.meta.url, './image-order-worker.ts', 'image-order.js', 'gallery order reader'), this.setup(), 'gallery order reader');
    this.threadReads++;
    return this.thread.apply(read);
  }

  /** The page at `offset`: the same images in the same order as `ImageIndex.list`. */
  async list(filter: ImageFilter, offset: number, limit: number, sort: ImageSort = DEFAULT_SORT): Promise<ImagePage> {
    const key = JSON.stringify([filter, sort]);
    const version = this.version();
    const kept = this.kept.find((order) => order.key === key && order.version === version);
    if (kept) return this.slice(kept.ids, offset, limit);
    if (this.presentCount() <= this.directImages) return this.images.list(filter, offset, limit, sort);
    const tag = `${key}@${version}`;
    const shared = this.reading.get(tag);
    if (shared) {
      const { ids } = await shared;
      // Another page's read: its order still holds if nothing was committed meanwhile.
      if (this.version() === version) return this.slice(ids, offset, limit);
      return this.list(filter, offset, limit, sort);
    }
    const read = this.read({ filter, sort, offset, limit }).then((reply) => {
      if (!('ids' in reply)) throw new Error('The gallery order reader answered a question about an order with folders.');
      return reply;
    });
    this.reading.set(tag, read);
    try {
      const reply = await read;
      this.kept = [{ key, version, ids: reply.ids }, ...this.kept.filter((order) => order.key !== key)].slice(0, KEPT_ORDERS);
      return { total: reply.ids.length, items: reply.items };
    } finally {
      this.reading.delete(tag);
    }
  }

  private slice(ids: Int32Array, offset: number, limit: number): ImagePage {
    return { total: ids.length, items: this.images.itemsOf(ids.subarray(offset, offset + limit)) };
  }

  /** End the reader thread (the project is closing). */
  async close(): Promise<void> {
    this.kept = [];
    this.keptFolders = null;
    await this.thread?.close();
    this.thread = null;
  }
}
