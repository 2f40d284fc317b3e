/** Handlers of the labels domain: every change is one undoable action, announced once. */
import type { LabelAction, labelsRequests } from '../../../src-shared/requests/labels';
import { labelReplacement, type LabelOperation } from '../../project/label-operations';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

/**
 * Write a label operation after every earlier one, then announce it (a class deleted or brought
 * back: the class list too), unless the project was closed or replaced meanwhile.
 */
export async function writeLabels<O extends LabelOperation>(ws: Workspace, operation: O) {
  const open = ws.requireProject();
  const action = await open.writeLabels(operation);
  if (action && ws.isOpen(open)) {
    if (action.classDeletion) ws.classesChanged();
    ws.labelsChanged(action);
  }
  return action;
}

export function labelsHandlers(ws: Workspace): HandlersOf<typeof labelsRequests> {
  const project = () => ws.requireProject();
  const write = <O extends LabelOperation>(operation: O) => writeLabels(ws, operation);
  /** Undo or redo: the action may take back labels the model in use learned from (ActiveLoop.labelsReplayed). */
  const replay = async (operation: { kind: 'undo'; actionId?: number } | { kind: 'redo' }): Promise<LabelAction | null> => {
    const open = project();
    const action = await write(operation);
    if (action && ws.isOpen(open)) ws.adaptation().loop.labelsReplayed(action);
    return action;
  };
  return {
    'labels:set': ({ imageIds, classId }) => write({ kind: 'set', imageIds, classId }),
    'labels:setMatching': ({ filter, exceptIds, classId }) => write({ kind: 'setMatching', filter, exceptIds, classId }),
    'labels:setUnsure': ({ imageIds, unsure }) => write({ kind: 'setUnsure', imageIds, unsure }),
    'labels:setUnsureMatching': ({ filter, exceptIds, unsure }) => write({ kind: 'setUnsureMatching', filter, exceptIds, unsure }),
    'labels:replaced': ({ selection, classId }) => labelReplacement(project(), selection, classId),
    'labels:undo': (args) => replay({ kind: 'undo', actionId: args?.actionId }),
    'labels:nextUndo': () => project().labels.nextUndo(),
    'labels:redo': () => replay({ kind: 'redo' }),
    'labels:history': ({ imageId, limit }) => (imageId === undefined ? project().labels.changes(limit) : project().labels.history(imageId, limit)),
  };
}
