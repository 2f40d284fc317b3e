/** Handlers of the images domain. */
import type { imagesRequests } from '../../../src-shared/requests/images';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function imagesHandlers(ws: Workspace): HandlersOf<typeof imagesRequests> {
  const project = () => ws.requireProject();
  return {
    'images:list': ({ filter, sort, offset, limit }) => project().images.list(filter, offset, limit, sort),
    'images:get': ({ id }) => project().images.get(id),
  };
}
