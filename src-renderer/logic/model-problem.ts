/**
 * Words for a project's model folder that cannot be used now (EngineStatus.modelProblem): what
 * happened first (a title for the model panel, a few words for the header), then what is kept.
 */
import type { ModelProblem } from '../../src-shared/contract';

/** Each kind's title in the model panel and its few words in the header (in place of the features' state). */
const WORDS: Record<ModelProblem['kind'], { title: string; short: string }> = {
  missing: { title: 'The model folder is missing', short: 'model folder missing' },
  replaced: { title: 'The model folder holds other files', short: 'model folder changed' },
  damaged: { title: 'The model folder cannot be read', short: 'model folder unreadable' },
};

/** The model panel's title of the problem. */
export function modelProblemTitle(kind: ModelProblem['kind']): string {
  return WORDS[kind].title;
}

/** The header's words for it, in place of the features' state. */
export function modelProblemShort(kind: ModelProblem['kind']): string {
  return WORDS[kind].short;
}

/** What the cache keeps for the model meanwhile, and what finding it will cost. */
export function cachedFeaturesWords(problem: Pick<ModelProblem, 'cached' | 'total'>): string {
  const { cached, total } = problem;
  if (total === 0) return 'The project has no images yet.';
  if (cached === 0) return 'No image has features cached for this model yet: they are computed once it is found.';
  if (cached >= total) return `The features of all ${total} images are cached for this model: once it is found they are ready at once, nothing is computed again.`;
  return `The features of ${cached} of ${total} images are cached for this model: once it is found, only the other ${total - cached} are computed.`;
}
