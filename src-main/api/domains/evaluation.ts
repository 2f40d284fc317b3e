/** Handlers of the evaluation domain: the evaluation sample, its room and release, and the dashboard. */
import type { evaluationRequests } from '../../../src-shared/requests/evaluation';
import type { Workspace } from '../workspace';
import type { HandlersOf } from './domain-handlers';

export function evaluationHandlers(ws: Workspace): HandlersOf<typeof evaluationRequests> {
  const evaluation = () => ws.adaptation().evaluation;
  return {
    // Refused beyond the room (half of the images that are not training labels); the sampler
    // skips copies of training images (Duplicates.sampleEvaluation).
    'evaluation:sample': ({ count }) => {
      evaluation().checkSample(count);
      return ws.adaptation().duplicates.sampleEvaluation(count);
    },
    'evaluation:room': () => evaluation().room(),
    // Images back in the pool: a loop that had found nothing to ask goes on.
    'evaluation:release': ({ count }) => {
      const result = evaluation().release(count);
      if (result.released > 0) ws.adaptation().loop.poolGrew();
      return result;
    },
    'dashboard:get': () => evaluation().dashboard(),
    'quality:suspects': () => ws.adaptation().labelCheck.suspects(),
    'quality:lastSuspects': () => ws.adaptation().labelCheck.last(),
  };
}
