/** The export part of a project's adaptation, for exports that need no engine (labels CSV/JSON, image folder). */
import { Adaptation } from '../../../src-main/adaptation/adaptation';
import type { Transfer } from '../../../src-main/adaptation/transfer';
import { EventHub } from '../../../src-main/core/event-hub';
import type { Project } from '../../../src-main/project/project';

export function exportService(project: Project, log: (m: string) => void = () => {}, events = new EventHub()): Transfer {
  return new Adaptation({
    project,
    engine: () => {
      throw new Error('no engine in this test');
    },
    events,
    places: {},
    log,
  }).transfer;
}
