/** Handlers of the labels domain: every change is one undoable action, announced once. */
import type { labelsRequests } from '../../../src-shared/requests/labels';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function labelsHandlers(ws: Workspace): HandlersOf<typeof labelsRequests> {
  const project = () => ws.requireProject();
  return {
    'labels:set': ({ imageIds, classId }) => {
      const action = project().setLabels(imageIds, classId);
      ws.labelsChanged(action);
      return action;
    },
    'labels:setMatching': ({ filter, exceptIds, classId }) => {
      const except = new Set(exceptIds);
      const action = project().setLabels(project().images.idsMatching(filter).filter((id) => !except.has(id)), classId);
      ws.labelsChanged(action);
      return action;
    },
    'labels:setUnsure': ({ imageIds, unsure }) => {
      const action = project().setUnsure(imageIds, unsure);
      ws.labelsChanged(action);
      return action;
    },
    'labels:undo': () => {
      const action = project().labels.undo();
      if (action) ws.labelsChanged(action);
      return action;
    },
    'labels:redo': () => {
      const action = project().labels.redo();
      if (action) ws.labelsChanged(action);
      return action;
    },
    'labels:history': ({ imageId, limit }) => project().labels.history(imageId, limit),
  };
}
