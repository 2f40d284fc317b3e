/** A round of the active loop as the main process answers it (RoundInfo), for renderer store tests: round `id` asking for `items`. */
import type { QueueItem, RoundInfo } from '../../src-shared/contract';

export const roundInfo = (id: number, items: QueueItem[]): RoundInfo => ({
  id,
  index: id - 1,
  strategy: 'adma',
  lambda: 0,
  schedule: { kind: 'linear', step: 0.5 },
  batchSize: items.length,
  modelVersion: 0,
  rerankedWith: null,
  createdAt: '2026-01-01T00:00:00Z',
  items,
  labeled: items.filter((i) => i.classId !== null).length,
  asked: { count: items.length, distinctiveness: 0.5, uncertainty: null, score: 0.5 },
  trained: false,
  classesLabeled: 0,
});
