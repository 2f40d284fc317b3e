/** The gallery order reader thread (entry, built as `image-order.js`): see image-order.ts. */
import { ImageIndex } from './image-index';
import { readForGallery, type ReaderRead } from './image-order';
import { serveWriterThread } from './writer-thread-serve';

serveWriterThread((db) => {
  const images = new ImageIndex(db);
  return (read: ReaderRead) => readForGallery(db, images, read);
}, 'gallery order reader');
