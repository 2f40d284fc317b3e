/** An AdaptationService for exports that need no engine (labels CSV/JSON, image folder). */
import { AdaptationService } from '../../../src-main/adaptation/adaptation-service';
import { EventHub } from '../../../src-main/api/event-hub';
import type { Project } from '../../../src-main/project/project';

export function exportService(project: Project, log: (m: string) => void = () => {}, events = new EventHub()): AdaptationService {
  return new AdaptationService(
    project,
    () => {
      throw new Error('no engine in this test');
    },
    events,
    {},
    log,
  );
}
