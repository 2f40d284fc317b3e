/** The version writer thread (entry, built as `version-writer.js`): see version-writer.ts. */
import { serveWriterThread } from '../project/writer-thread-serve';
import { AdaptationStore } from './adaptation-store';
import { predictionRows, type VersionWrite } from './version-writer';

serveWriterThread((db) => {
  const store = new AdaptationStore(db);
  return (write: VersionWrite): null => {
    store.saveVersion(write.version, predictionRows(write.predictions));
    return null;
  };
}, 'version writer');
