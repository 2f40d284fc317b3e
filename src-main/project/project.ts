/** One open project: its database, image index, classes and labels, and its scans. */
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { LabelAction, ProjectSummary, ScanReport } from '../../src-shared/contract';
import type { MediaSource } from '../media/image-media';
import { ClassStore } from './class-store';
import { ImageIndex } from './image-index';
import { LabelStore } from './label-store';
import { schemaVersion } from './migrations';
import { openProjectDb, projectDbPath } from './project-db';
import type { ProjectLock } from './project-lock';
import { scanProject, type ScanProgress } from './scan-project';
import { WalGuard } from './wal-guard';

export function currentActor(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return 'user';
  }
}

export class Project implements MediaSource {
  readonly images: ImageIndex;
  readonly classes: ClassStore;
  readonly labels: LabelStore;
  readonly wal: WalGuard;
  private scanning: Promise<ScanReport> | null = null;
  private readonly closing = new AbortController();
  private closed = false;

  private constructor(
    readonly root: string,
    readonly adminDir: string,
    readonly db: Database.Database,
    private readonly lock: ProjectLock,
    readonly created: boolean,
    warn?: (message: string) => void,
  ) {
    this.images = new ImageIndex(db);
    this.classes = new ClassStore(db);
    this.labels = new LabelStore(db, currentActor());
    this.wal = new WalGuard(db, projectDbPath(root), warn);
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

  summary(): ProjectSummary {
    const counts = this.images.counts();
    return {
      path: this.root,
      name: this.meta('name') ?? path.basename(this.root),
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

  /** Scan the folder; concurrent callers share the scan in progress. */
  rescan(onProgress?: (p: ScanProgress) => void): Promise<ScanReport> {
    if (!this.scanning) {
      this.scanning = scanProject(this.root, this.images, onProgress, this.closing.signal).finally(() => {
        this.scanning = null;
      });
    }
    return this.scanning;
  }

  get isScanning(): boolean {
    return this.scanning !== null;
  }

  setLabels(imageIds: readonly number[], classId: number | null): LabelAction {
    const exists = classId === null || this.classes.list().some((c) => c.id === classId);
    const action = this.labels.set(imageIds, classId, this.images.existingIds(imageIds), exists);
    this.wal.committed();
    return action;
  }

  setUnsure(imageIds: readonly number[], unsure: boolean): LabelAction {
    const action = this.labels.setUnsure(imageIds, unsure, this.images.existingIds(imageIds));
    this.wal.committed();
    return action;
  }

  /** Delete a class: its images become unlabeled (history keeps the record). */
  deleteClass(id: number): { unlabeledImages: number } {
    this.classes.get(id);
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const unlabeledImages = this.labels.clearClass(id, now);
      this.classes.markDeleted(id, now);
      return { unlabeledImages };
    }).immediate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.scanning?.catch(() => undefined);
    this.wal.checkpoint();
    this.wal.dispose();
    this.db.close();
    this.lock.release();
  }
}
