/** Handlers of the engine domain: model options and choice, feature extraction. */
import type { engineRequests } from '../../../src-shared/requests/engine';
import { modelOptions } from '../../adaptation/model-options';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function engineHandlers(ws: Workspace): HandlersOf<typeof engineRequests> {
  const adaptation = () => ws.adaptation();
  return {
    'engine:models': () => modelOptions(ws.options.places ?? {}, ws.current?.images.medianShortSide() ?? null),
    'engine:inspectFolder': ({ path }) => adaptation().model.inspectFolder(path),
    'engine:status': () => adaptation().status(),
    'engine:chooseModel': ({ choice }) => adaptation().chooseModel(choice),
    'engine:cancelFeatures': () => {
      adaptation().features.cancel();
      return adaptation().status();
    },
    'engine:resumeFeatures': () => {
      adaptation().features.start();
      return adaptation().status();
    },
  };
}
