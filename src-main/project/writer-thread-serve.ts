/**
 * The thread's side of a database writer thread (writer-thread.ts): its own connection to the
 * project database, set up like the host's, and one operation at a time from the host. After
 * a large write the log is checkpointed here, so the host's thread does not copy it into the
 * database file.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, type ErrorData } from '../../src-shared/app-error';
import { cantOpenError, storageError } from '../core/storage-errors';
import { configureConnection, damagedProjectDb } from './project-db';
import type { WriterThreadReply, WriterThreadRequest, WriterThreadSetup } from './writer-thread';

/** Rows changed by one write from which the thread checkpoints the log itself. */
const CHECKPOINT_CHANGES = 1000;

/** Serve writes: `writer` makes, from the connection, the function that applies one operation. */
export function serveWriterThread<O, R>(writer: (db: Database.Database, setup: WriterThreadSetup) => (operation: O) => R, what: string): void {
  const port = parentPort;
  if (!port) throw new Error(`The ${what} runs as a worker thread.`);
  const setup = workerData as WriterThreadSetup;
  /** How a failure reaches the host: said for the user, nothing of the change saved. */
  const failure = (error: unknown): ErrorData => {
    const known = error instanceof AppError ? error : (cantOpenError(error, setup.dbFile, 'This change', 'the project database') ?? damagedProjectDb(setup.dbFile, error) ?? storageError(error, 'This change'));
    return known ? known.toData() : { code: 'INTERNAL', message: `The ${what} failed: ${(error as Error).message}. Nothing of this change was saved.` };
  };
  let db: Database.Database | undefined;
  let apply: (operation: O) => R;
  let changes: Database.Statement;
  try {
    // Preparing the statements reads the file (and opens its -wal): a file that cannot be opened fails here.
    db = new Database(setup.dbFile);
    configureConnection(db);
    apply = writer(db, setup);
    changes = db.prepare('SELECT total_changes()').pluck();
  } catch (error) {
    db?.close();
    // The database cannot be opened (e.g. a folder in the place of its -wal): every operation is refused with why, until closed.
    const refused = failure(error);
    port.on('message', (request: WriterThreadRequest<O>) => {
      if (request.kind === 'close') port.close();
      else port.postMessage({ id: request.id, ok: false, error: refused } satisfies WriterThreadReply<R>);
    });
    port.postMessage({ id: 0, ready: true } satisfies WriterThreadReply<R>);
    return;
  }
  const totalChanges = (): number => changes.get() as number;
  port.on('message', (request: WriterThreadRequest<O>) => {
    if (request.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    let reply: WriterThreadReply<R>;
    try {
      if (setup.announceWrites) port.postMessage({ id: request.id, started: true } satisfies WriterThreadReply<R>);
      const before = totalChanges();
      const value = apply(request.operation);
      // A large write is copied into the database file here; small ones are left to the
      // host's WalGuard (every few commits), as its own writes are: a checkpoint per label
      // would add a sync of the database file to every keypress.
      if (totalChanges() - before >= CHECKPOINT_CHANGES) db.pragma('wal_checkpoint(PASSIVE)');
      reply = { id: request.id, ok: true, value };
    } catch (error) {
      reply = { id: request.id, ok: false, error: failure(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ id: 0, ready: true } satisfies WriterThreadReply<R>);
}
