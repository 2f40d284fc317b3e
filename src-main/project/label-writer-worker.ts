/**
 * The label writer thread (entry, built as `label-writer.js`): label operations from
 * `Project.writeLabels`, applied with the host's own code (label-operations.ts) on the
 * thread's connection, one transaction each.
 */
import { ClassStore } from './class-store';
import { ImageIndex } from './image-index';
import { applyLabelOperation, type LabelOperation } from './label-operations';
import { LabelStore } from './label-store';
import { serveWriterThread } from './writer-thread-serve';

serveWriterThread((db, setup) => {
  const classes = new ClassStore(db, setup.actor);
  const stores = { images: new ImageIndex(db), classes, labels: new LabelStore(db, setup.actor, classes) };
  return (operation: LabelOperation) => applyLabelOperation(stores, operation);
}, 'label writer');
