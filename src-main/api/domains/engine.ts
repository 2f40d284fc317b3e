/** Handlers of the engine domain: model options and choice, feature extraction. */
import type { engineRequests } from '../../../src-shared/requests/engine';
import { modelOptions } from '../../adaptation/model-options';
import { expandPath } from '../../project/path-check';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function engineHandlers(ws: Workspace): HandlersOf<typeof engineRequests> {
  const adaptation = () => ws.adaptation();
  return {
    'engine:models': () => modelOptions(ws.options.places ?? {}, ws.current?.images.medianShortSide() ?? null),
    // Paths typed in the UI: `~` expanded, a relative one refused with its own message.
    'engine:inspectFolder': ({ path }) => adaptation().model.inspectFolder(expandPath(path)),
    'engine:status': () => adaptation().status(),
    'engine:chooseModel': ({ choice }) => adaptation().chooseModel(choice.kind === 'folder' ? { ...choice, path: expandPath(choice.path) } : choice),
    'engine:cancelFeatures': () => {
      adaptation().features.cancel();
      return adaptation().status();
    },
    'engine:resumeFeatures': () => {
      adaptation().features.start();
      return adaptation().status();
    },
    'engine:locateModel': ({ path }) => adaptation().locateModel(expandPath(path)),
  };
}
