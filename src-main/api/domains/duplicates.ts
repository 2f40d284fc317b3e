/** Handlers of the duplicates domain: groups, more like this, evaluation leakage and its fix. */
import type { duplicatesRequests } from '../../../src-shared/requests/duplicates';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function duplicatesHandlers(ws: Workspace): HandlersOf<typeof duplicatesRequests> {
  const duplicates = () => ws.adaptation().duplicates;
  return {
    'duplicates:groups': ({ minSimilarity }) => duplicates().groups(minSimilarity),
    'duplicates:similar': ({ imageId, count }) => duplicates().similar(imageId, count),
    'duplicates:leakage': () => duplicates().leakage(),
    'duplicates:fixLeakage': () => duplicates().fixLeakage(),
    'duplicates:cancel': () => ({ cancelled: duplicates().cancel() }),
  };
}
