/** The images of the open project: pages by filter, one by id. */
import { s, SchemaError, type Schema } from '../schema';
import { id, query } from './request-def';

export interface ImageItem {
  id: number;
  relPath: string;
  width: number;
  height: number;
  size: number;
  mtimeMs: number;
  hash: string;
  classId: number | null;
  labeledAt: string | null;
}

export interface ImagePage {
  total: number;
  items: ImageItem[];
}

export type ImageFilter =
  | { kind: 'all' }
  | { kind: 'unlabeled' }
  | { kind: 'labeled' }
  | { kind: 'class'; classId: number }
  /** The evaluation set (never queried, never trained on). */
  | { kind: 'evaluation' };

const filter: Schema<ImageFilter> = {
  parse(value, path = 'filter') {
    const kind = s.object({ kind: s.literal('all', 'unlabeled', 'labeled', 'class', 'evaluation'), classId: s.optional(id) }).parse(value, path);
    if (kind.kind === 'class') {
      if (kind.classId === undefined) throw new SchemaError(`${path}.classId`, 'a class id (required for kind "class")', undefined);
      return { kind: 'class', classId: kind.classId };
    }
    return { kind: kind.kind };
  },
};

export const imagesRequests = {
  'images:list': query(
    s.object({ filter, offset: s.int({ min: 0 }), limit: s.int({ min: 1, max: 5000 }) }),
  ).returns<ImagePage>(),
  'images:get': query(s.object({ id })).returns<ImageItem>(),
} as const;
