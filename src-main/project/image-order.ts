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

interface KeptOrder {
  key: string;
  version: string;
  ids: Int32Array;
}

export class ImageOrders {
  private kept: KeptOrder[] = [];
  /** Reads in flight, by order and database version: requests for other pages of it wait for it. */
  private readonly reading = new Map<string, Promise<OrderReply>>();
  private thread: WriterThread<OrderRead, OrderReply> | null = null;
  private readonly version: () => string;
  /** Orders read by the thread so far (tests: which path a page took). */
  threadReads = 0;

  constructor(
    db: Database.Database,
    private readonly images: ImageIndex,
    private readonly setup: () => WriterThreadSetup,
    private readonly presentCount: () => number,
    private readonly directImages = DIRECT_PAGE_IMAGES,
  ) {
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    const changes = db.prepare('SELECT total_changes()').pluck();
    this.version = () => `${String(dataVersion.get())}:${String(changes.get())}`;
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
    this.thread ??= new WriterThread(workerEntryPath(import.meta.url, './image-order-worker.ts', 'image-order.js', 'gallery order reader'), this.setup(), 'gallery order reader');
    this.threadReads++;
    const read = this.thread.apply({ filter, sort, offset, limit });
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
    await this.thread?.close();
    this.thread = null;
  }
}
