/** Handlers of the labels domain: every change is one undoable action, announced once. */
import type { labelsRequests } from '../../../src-shared/requests/labels';
import type { LabelOperation } from '../../project/label-operations';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function labelsHandlers(ws: Workspace): HandlersOf<typeof labelsRequests> {
  const project = () => ws.requireProject();
  /** Write, then announce it, unless the project was closed or replaced meanwhile. */
  const write = async <O extends LabelOperation>(operation: O) => {
    const open = project();
    const action = await open.writeLabels(operation);
    if (action && ws.isOpen(open)) ws.labelsChanged(action);
    return action;
  };
  return {
    'labels:set': ({ imageIds, classId }) => write({ kind: 'set', imageIds, classId }),
    'labels:setMatching': ({ filter, exceptIds, classId }) => write({ kind: 'setMatching', filter, exceptIds, classId }),
    'labels:setUnsure': ({ imageIds, unsure }) => write({ kind: 'setUnsure', imageIds, unsure }),
    'labels:setUnsureMatching': ({ filter, exceptIds, unsure }) => write({ kind: 'setUnsureMatching', filter, exceptIds, unsure }),
    'labels:undo': () => write({ kind: 'undo' }),
    'labels:redo': () => write({ kind: 'redo' }),
    'labels:history': ({ imageId, limit }) => project().labels.history(imageId, limit),
  };
}
