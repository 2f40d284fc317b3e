/** The gallery order reader thread (entry, built as `image-order.js`): see image-order.ts. */
import { ImageIndex } from './image-index';
import { readOrder, type OrderRead } from './image-order';
import { serveWriterThread } from './writer-thread-serve';

serveWriterThread((db) => {
  const images = new ImageIndex(db);
  return (read: OrderRead) => readOrder(db, images, read);
}, 'gallery order reader');
