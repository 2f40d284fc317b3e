/** Handlers of the labels domain: every change is one undoable action, announced once. */
import type { LabelAction, labelsRequests } from '../../../src-shared/requests/labels';
import { labelReplacement, type LabelOperation } from '../../project/label-operations';
import type { Workspace } from '../workspace';
import { NO_WINDOW, type HandlersOf, type RequestOrigin } from './domain-handlers';

/**
 * Write a label operation after every earlier one, as the window that asked (`from`: the action
 * keeps it, see LabelStore), then announce it with that window (a class deleted or brought back:
 * the class list too), unless the project was closed or replaced meanwhile.
 */
export async function writeLabels<O extends LabelOperation>(ws: Workspace, operation: O, from: RequestOrigin = NO_WINDOW) {
  const open = ws.requireProject();
  const action = await open.writeLabels({ ...operation, window: from.origin });
  if (action && ws.isOpen(open)) {
    if (action.classDeletion) ws.classesChanged();
    ws.labelsChanged(action, from.origin);
  }
  return action;
}

export function labelsHandlers(ws: Workspace): HandlersOf<typeof labelsRequests> {
  const project = () => ws.requireProject();
  const write = <O extends LabelOperation>(operation: O, from?: RequestOrigin) => writeLabels(ws, operation, from);
  /** Undo or redo: the action may take back labels the model in use learned from (ActiveLoop.labelsReplayed). */
  const replay = async (operation: { kind: 'undo' | 'redo'; actionId?: number }, from?: RequestOrigin): Promise<LabelAction | null> => {
    const open = project();
    const action = await write(operation, from);
    if (action && ws.isOpen(open)) ws.adaptation().loop.labelsReplayed(action);
    return action;
  };
  return {
    'labels:set': ({ imageIds, classId }, from) => write({ kind: 'set', imageIds, classId }, from),
    'labels:setMatching': ({ filter, exceptIds, classId }, from) => write({ kind: 'setMatching', filter, exceptIds, classId }, from),
    'labels:setUnsure': ({ imageIds, unsure }, from) => write({ kind: 'setUnsure', imageIds, unsure }, from),
    'labels:setUnsureMatching': ({ filter, exceptIds, unsure }, from) => write({ kind: 'setUnsureMatching', filter, exceptIds, unsure }, from),
    'labels:replaced': ({ selection, classId }) => labelReplacement(project(), selection, classId),
    'labels:undo': (args, from) => replay({ kind: 'undo', actionId: args?.actionId }, from),
    'labels:nextUndo': () => project().labels.nextUndo(),
    'labels:redo': (args, from) => replay({ kind: 'redo', actionId: args?.actionId }, from),
    'labels:nextRedo': () => project().labels.nextRedo(),
    'labels:history': ({ imageId, limit }) => (imageId === undefined ? project().labels.changes(limit) : project().labels.history(imageId, limit)),
  };
}
