/**
 * The label writer thread (entry): its own connection to the project database, the same
 * stores as the host's, and one label operation at a time from the host (label-writer.ts).
 * Each operation is one transaction (label-operations.ts); after a write the log is
 * checkpointed here, so the host's thread does not copy a large write into the database file.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../src-shared/app-error';
import { storageError } from '../core/storage-errors';
import { ClassStore } from './class-store';
import { ImageIndex } from './image-index';
import { applyLabelOperation } from './label-operations';
import { LabelStore } from './label-store';
import { configureConnection } from './project-db';
import type { LabelWriterReply, LabelWriterRequest, LabelWriterSetup } from './label-writer';

const port = parentPort;
if (!port) throw new Error('label-writer-worker.ts runs as a worker thread.');
const setup = workerData as LabelWriterSetup;
const db = new Database(setup.dbFile);
configureConnection(db);
const stores = { images: new ImageIndex(db), classes: new ClassStore(db), labels: new LabelStore(db, setup.actor) };

port.on('message', (request: LabelWriterRequest) => {
  if (request.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: LabelWriterReply;
  try {
    if (setup.announceWrites) port.postMessage({ id: request.id, started: true } satisfies LabelWriterReply);
    const value = applyLabelOperation(stores, request.operation);
    db.pragma('wal_checkpoint(PASSIVE)');
    reply = { id: request.id, ok: true, value };
  } catch (error) {
    const known = error instanceof AppError ? error : storageError(error, 'Labeling');
    reply = { id: request.id, ok: false, error: known ? known.toData() : { code: 'INTERNAL', message: `The label writer failed: ${(error as Error).message}. Nothing of this action was saved.` } };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, ready: true } satisfies LabelWriterReply);
