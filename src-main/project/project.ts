/** One open project: its database, image index, classes and labels, and its scans. */
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import type { LabelAction, ProjectSummary, ScanReport } from '../../src-shared/contract';
import type { MediaSource } from '../media/image-media';
import { ClassStore } from './class-store';
import { ImageIndex } from './image-index';
import { ImageOrders } from './image-order';
import { applyLabelOperation, startLabelWriter, type LabelOperation } from './label-operations';
import { LabelStore } from './label-store';
import type { WriterThread } from './writer-thread';
import { schemaVersion } from './migrations';
import { openProjectDb, projectDbPath, refreshPlannerStatistics } from './project-db';
import { identityOf, type ProjectIdentity } from './project-identity';
import type { ProjectLock } from './project-lock';
import { scanProject, type ScanOptions, type ScanProgress } from './scan-project';
import { WalGuard } from './wal-guard';

export function currentActor(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return 'user';
  }
}

/**
 * Label writes that run in the label writer thread (writer-thread.ts), so the host's main
 * thread never holds them: in a project of more images than this, every Ctrl+A label, undo,
 * redo and class delete (they may touch every image; their size is not known before they run) and every set of
 * more images; and any label write while another thread writes (a version's predictions), which
 * on this thread would wait for SQLite's write lock. A single label otherwise commits here (a hop
 * to the thread costs it tens of milliseconds on a loaded machine).
 */
export const BULK_LABEL_IMAGES = 2000;

/** How often an open project's planner statistics are refreshed (project-db.ts: SQLite advises every few hours). */
export const PLANNER_STATISTICS_EVERY_MS = 2 * 60 * 60 * 1000;

type LabelResult<O extends LabelOperation> = O['kind'] extends 'undo' | 'redo' ? LabelAction | null : LabelAction;

export class Project implements MediaSource {
  readonly images: ImageIndex;
  /** The gallery's pages at any position (image-order.ts); `images.list` is the same page with OFFSET. */
  readonly orders: ImageOrders;
  readonly classes: ClassStore;
  readonly labels: LabelStore;
  readonly wal: WalGuard;
  private scanning: Promise<ScanReport> | null = null;
  /** Label writes in order: each starts when the one before has committed (or failed). */
  private labelQueue: Promise<unknown> = Promise.resolve();
  private labelWriter: WriterThread<LabelOperation, LabelAction | null> | null = null;
  /** Writes of other threads' connections in progress (whileOtherThreadWrites). */
  private otherWriters = 0;
  /** Present images, counted when first needed after a scan. */
  private presentImages: number | null = null;
  private readonly closing = new AbortController();
  private closed = false;
  /** Labels, predictions and rounds grow while the project is open (scans refresh the statistics themselves). */
  private readonly statistics = setInterval(() => refreshPlannerStatistics(this.db, 'used-tables'), PLANNER_STATISTICS_EVERY_MS).unref();

  private constructor(
    readonly root: string,
    readonly adminDir: string,
    readonly db: Database.Database,
    private readonly lock: ProjectLock,
    readonly created: boolean,
    warn?: (message: string) => void,
  ) {
    this.images = new ImageIndex(db);
    this.classes = new ClassStore(db, currentActor());
    this.labels = new LabelStore(db, currentActor(), this.classes);
    this.wal = new WalGuard(db, projectDbPath(root), warn);
    this.orders = new ImageOrders(db, this.images, () => ({ dbFile: projectDbPath(root), actor: currentActor() }), () => this.presentCount());
  }

  /** `warn`: told when the project was damaged from outside while open (e.g. its -wal deleted) and repaired. */
  static open(folder: string, create: boolean, warn?: (message: string) => void): Project {
    const root = path.resolve(folder);
    const { db, adminDir, lock, created } = openProjectDb(root, create);
    const project = new Project(root, adminDir, db, lock, created, warn);
    if (created) {
      const set = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      set.run('created_at', new Date().toISOString());
      set.run('name', path.basename(root) || root);
    }
    return project;
  }

  private meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  /** Which project this is, wherever its folder is (project-identity.ts). */
  identity(): ProjectIdentity {
    return identityOf(this.db);
  }

  summary(): ProjectSummary {
    const counts = this.images.counts();
    return {
      path: this.root,
      // The folder's name as it is now: a project moved or renamed is called by its new name
      // (the name stored at creation, meta 'name', stays for the record).
      name: path.basename(this.root) || this.root,
      createdAt: this.meta('created_at') ?? '',
      schemaVersion: schemaVersion(this.db),
      imageCount: counts.images,
      unreadableCount: counts.unreadable,
      labeledCount: counts.labeled,
      unsureCount: counts.unsure,
      importedSuggestionCount: counts.importedSuggestions,
      classCount: this.classes.list().length,
    };
  }

  locate(id: number): ReturnType<ImageIndex['locate']> {
    return this.images.locate(id);
  }

  /**
   * Scan the folder; concurrent callers share the scan in progress (Workspace.rescan waits for it
   * before a scan that checks every file). `checkEveryFile`: read and hash every file (scan-project.ts).
   */
  rescan(onProgress?: (p: ScanProgress) => void, options: ScanOptions = {}): Promise<ScanReport> {
    if (!this.scanning) {
      this.scanning = scanProject(this.root, this.images, onProgress, this.closing.signal, options).finally(() => {
        this.scanning = null;
        this.presentImages = null;
        // A first scan takes the images table from nothing to all of them: the plans need to know.
        refreshPlannerStatistics(this.db, 'used-tables');
      });
    }
    return this.scanning;
  }

  get isScanning(): boolean {
    return this.scanning !== null;
  }

  setLabels(imageIds: readonly number[], classId: number | null): LabelAction {
    return this.applyHere({ kind: 'set', imageIds, classId }) as LabelAction;
  }

  setUnsure(imageIds: readonly number[], unsure: boolean): LabelAction {
    return this.applyHere({ kind: 'setUnsure', imageIds, unsure }) as LabelAction;
  }

  private applyHere(operation: LabelOperation): LabelAction | null {
    const action = applyLabelOperation(this, operation);
    this.wal.committed();
    return action;
  }

  /**
   * A label write as the requests make it: after every earlier one, on this thread or in the
   * label writer thread (BULK_LABEL_IMAGES says which), so the host keeps answering.
   */
  writeLabels<O extends LabelOperation>(operation: O): Promise<LabelResult<O>> {
    const run = async (): Promise<LabelAction | null> => {
      if (this.closed) throw new AppError('NO_PROJECT', 'The project was closed before this label was saved; nothing was changed.');
      if (!this.inLabelWriter(operation)) return this.applyHere(operation);
      this.labelWriter ??= startLabelWriter({ dbFile: projectDbPath(this.root), actor: currentActor() });
      const action = await this.labelWriter.apply(operation);
      // The host's WalGuard keeps its promise for these commits too (a checkpoint every few).
      this.wal.committed();
      return action;
    };
    const result = this.labelQueue.then(run, run);
    this.labelQueue = result.catch(() => undefined);
    return result as Promise<LabelResult<O>>;
  }

  /** Resolves once every label write asked for so far has committed or failed. */
  labelWritesSettled(): Promise<void> {
    return this.labelQueue.then(() => undefined);
  }

  private inLabelWriter(operation: LabelOperation): boolean {
    if (this.otherWriters > 0) return true;
    if ((operation.kind === 'set' || operation.kind === 'setUnsure') && operation.imageIds.length <= BULK_LABEL_IMAGES) return false;
    return this.presentCount() > BULK_LABEL_IMAGES;
  }

  private presentCount(): number {
    this.presentImages ??= this.images.presentCount();
    return this.presentImages;
  }

  /**
   * Run `write`, a write of another thread's connection (the version writer); meanwhile label
   * writes go to the label writer thread, which waits for SQLite's write lock there.
   */
  async whileOtherThreadWrites<T>(write: () => Promise<T>): Promise<T> {
    this.otherWriters++;
    try {
      return await write();
    } finally {
      this.otherWriters--;
    }
  }

  /** Delete a class on this thread (requests go through `writeLabels`): one undoable action; its images become unlabeled. */
  deleteClass(classId: number): LabelAction {
    return this.applyHere({ kind: 'deleteClass', classId }) as LabelAction;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.scanning?.catch(() => undefined);
    await this.labelWritesSettled();
    await this.labelWriter?.close();
    await this.orders.close();
    clearInterval(this.statistics);
    refreshPlannerStatistics(this.db, 'used-tables');
    this.wal.checkpoint();
    this.wal.dispose();
    this.db.close();
    this.lock.release();
  }
}
