/**
 * The thread's side of a database writer thread (writer-thread.ts): its own connection to the
 * project database, set up like the host's, and one operation at a time from the host. After
 * each write the log is checkpointed here, so the host's thread does not copy a large write
 * into the database file.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../src-shared/app-error';
import { storageError } from '../core/storage-errors';
import { configureConnection } from './project-db';
import type { WriterThreadReply, WriterThreadRequest, WriterThreadSetup } from './writer-thread';

/** Serve writes: `writer` makes, from the connection, the function that applies one operation. */
export function serveWriterThread<O, R>(writer: (db: Database.Database, setup: WriterThreadSetup) => (operation: O) => R, what: string): void {
  const port = parentPort;
  if (!port) throw new Error(`The ${what} runs as a worker thread.`);
  const setup = workerData as WriterThreadSetup;
  const db = new Database(setup.dbFile);
  configureConnection(db);
  const apply = writer(db, setup);
  port.on('message', (request: WriterThreadRequest<O>) => {
    if (request.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    let reply: WriterThreadReply<R>;
    try {
      if (setup.announceWrites) port.postMessage({ id: request.id, started: true } satisfies WriterThreadReply<R>);
      const value = apply(request.operation);
      db.pragma('wal_checkpoint(PASSIVE)');
      reply = { id: request.id, ok: true, value };
    } catch (error) {
      const known = error instanceof AppError ? error : storageError(error, 'This change');
      reply = { id: request.id, ok: false, error: known ? known.toData() : { code: 'INTERNAL', message: `The ${what} failed: ${(error as Error).message}. Nothing of this change was saved.` } };
    }
    port.postMessage(reply);
  });
  port.postMessage({ id: 0, ready: true } satisfies WriterThreadReply<R>);
}
