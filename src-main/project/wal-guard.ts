/**
 * Bounds what outside interference with the `-wal` file can cost. Committed labels first land
 * in the write-ahead log; SQLite copies them into project.db only at a checkpoint (by default
 * every 1000 pages, i.e. thousands of labels). If something deletes the -wal file while the
 * project is open (a cleanup tool, a sync client, a user), everything since the last
 * checkpoint is lost when the process ends. So the project checkpoints after every
 * CHECKPOINT_EVERY commits and after IDLE_MS without one, and checks at each checkpoint that
 * the -wal file is still there: if it is gone, the checkpoint rescues what the open log still
 * holds, a fresh -wal file is started, and a warning says so. At most CHECKPOINT_EVERY - 1
 * commits (or IDLE_MS of labeling) can be lost that way.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';

export const CHECKPOINT_EVERY = 16;
export const IDLE_MS = 1000;

export class WalGuard {
  private pending = 0;
  private idle: NodeJS.Timeout | null = null;
  /** Catches writes that do not call committed() (e.g. the adaptation's), IDLE_MS apart. */
  private readonly sweep: NodeJS.Timeout;
  private lastChanges: number;
  readonly warnings: string[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly dbFile: string,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    this.lastChanges = this.totalChanges();
    this.sweep = setInterval(() => this.checkpoint(), IDLE_MS);
    this.sweep.unref();
  }

  private totalChanges(): number {
    return (this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  }

  /** Call after each committed write: checkpoints every CHECKPOINT_EVERY commits, else when idle. */
  committed(): void {
    this.pending += 1;
    if (this.pending >= CHECKPOINT_EVERY) {
      this.checkpoint();
      return;
    }
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.checkpoint(), IDLE_MS);
    this.idle.unref();
  }

  /** Checkpoint now if anything was written since the last one; rescue a deleted -wal file. */
  checkpoint(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (!this.db.open) return;
    const changes = this.totalChanges();
    if (this.pending === 0 && changes === this.lastChanges) return;
    this.pending = 0;
    this.lastChanges = changes;
    const walMissing = !fs.existsSync(`${this.dbFile}-wal`);
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      if (walMissing) {
        // The open log was rescued into project.db; start a new -wal file the OS can see.
        this.db.pragma('journal_mode = DELETE');
        this.db.pragma('journal_mode = WAL');
        this.db.prepare('SELECT COUNT(*) FROM sqlite_master').get(); // opens (creates) the new -wal file
        const message = `The project's write-ahead log ${this.dbFile}-wal was deleted by something outside ADMA Studio while the project was open. The labels it held were saved into project.db and a new log was started; at most ${CHECKPOINT_EVERY - 1} label changes could be lost this way.`;
        this.warnings.push(message);
        this.warn(message);
      }
    } catch (error) {
      this.warn(`Could not checkpoint ${this.dbFile}: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    clearInterval(this.sweep);
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }
}
