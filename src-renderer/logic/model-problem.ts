/**
 * Words for a project's model folder that cannot be used now (EngineStatus.modelProblem): what
 * happened first (a title for the model panel, a few words for the header), then what is kept.
 */
import type { ModelProblem } from '../../src-shared/contract';

/** The model panel's title of the problem. */
export function modelProblemTitle(kind: ModelProblem['kind']): string {
  switch (kind) {
    case 'missing':
      return 'The model folder is missing';
    case 'replaced':
      return 'The model folder holds another model';
    case 'damaged':
      return 'The model folder cannot be read';
  }
}

/** The header's words for it, in place of the features' state. */
export function modelProblemShort(kind: ModelProblem['kind']): string {
  switch (kind) {
    case 'missing':
      return 'model folder missing';
    case 'replaced':
      return 'model folder holds another model';
    case 'damaged':
      return 'model folder unreadable';
  }
}

/** What the cache keeps for the model meanwhile, and what finding it will cost. */
export function cachedFeaturesWords(problem: Pick<ModelProblem, 'cached' | 'total'>): string {
  const { cached, total } = problem;
  if (total === 0) return 'The project has no images yet.';
  if (cached === 0) return 'No image has features cached for this model yet: they are computed once it is found.';
  if (cached >= total) return `The features of all ${total} images are cached for this model: once it is found they are ready at once, nothing is computed again.`;
  return `The features of ${cached} of ${total} images are cached for this model: once it is found, only the other ${total - cached} are computed.`;
}
