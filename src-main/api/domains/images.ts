/** Handlers of the images domain. */
import type { imagesRequests } from '../../../src-shared/requests/images';
import { paintableThumbnails } from '../../media/image-media';
import { MediaWarmer } from '../../media/media-warmer';
import type { Project } from '../../project/project';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function imagesHandlers(ws: Workspace): HandlersOf<typeof imagesRequests> {
  const project = () => ws.requireProject();
  // One background render queue per open project; a closed project's queue is dropped with it.
  const warmers = new WeakMap<Project, MediaWarmer>();
  const warmer = (p: Project): MediaWarmer => {
    let w = warmers.get(p);
    if (!w) warmers.set(p, (w = new MediaWarmer(p)));
    return w;
  };
  return {
    'images:list': ({ filter, sort, offset, limit }) => project().orders.list(filter, offset, limit, sort),
    'images:get': ({ id }) => project().images.get(id),
    'images:folders': () => project().orders.folders(),
    'images:byIds': ({ ids }) => project().images.itemsOf(ids),
    'images:prepare': ({ ids, variant }) => {
      const w = warmer(project());
      return { queued: w.want(ids, variant), pending: w.pending };
    },
    'images:thumbnailsCached': ({ ids }) => paintableThumbnails(project(), ids),
  };
}
