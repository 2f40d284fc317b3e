/** Handlers of the evaluation domain: the evaluation sample and the dashboard. */
import type { evaluationRequests } from '../../../src-shared/requests/evaluation';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function evaluationHandlers(ws: Workspace): HandlersOf<typeof evaluationRequests> {
  const evaluation = () => ws.adaptation().evaluation;
  return {
    // The sampler skips copies of training images (Duplicates.sampleEvaluation).
    'evaluation:sample': ({ count }) => ws.adaptation().duplicates.sampleEvaluation(count),
    'dashboard:get': () => evaluation().dashboard(),
    'quality:suspects': () => ws.adaptation().labelCheck.suspects(),
  };
}
