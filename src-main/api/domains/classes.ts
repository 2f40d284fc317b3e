/** Handlers of the classes domain. */
import type { classesRequests } from '../../../src-shared/requests/classes';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';
import { writeLabels } from './labels';

export function classesHandlers(ws: Workspace): HandlersOf<typeof classesRequests> {
  const project = () => ws.requireProject();
  return {
    'classes:list': () => project().classes.list(),
    'classes:create': ({ name, color }) => {
      const created = project().classes.create(name, color);
      ws.classesChanged();
      return created;
    },
    'classes:update': ({ id, ...changes }) => {
      const updated = project().classes.update(id, changes);
      ws.classesChanged();
      return updated;
    },
    'classes:reorder': ({ ids }) => {
      const list = project().classes.reorder(ids);
      ws.classesChanged();
      return list;
    },
    // An undoable label action, after the label writes asked for before it (a bulk label may still run in its thread).
    'classes:delete': ({ id }, from) => writeLabels(ws, { kind: 'deleteClass', classId: id }, from),
  };
}
