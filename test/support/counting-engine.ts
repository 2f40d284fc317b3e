/**
 * The real engine (EngineClient, the worker run from the sources), counting the extractions
 * started and the images they computed (ExtractionResult.computed): what a test of the features'
 * cache asserts was, or was not, computed again.
 */
import type { EngineHandle } from '../../src-main/api/workspace';
import { EngineClient } from '../../src-main/engine/engine-client';

export function countingEngine(): { engine: EngineHandle; extractions: number; computed: () => Promise<number> } {
  const inner = new EngineClient();
  const results: Promise<number>[] = [];
  return {
    engine: {
      request: inner.request.bind(inner),
      start: ((kind, args) => {
        const job = inner.start(kind, args);
        if (kind === 'extractFeatures') results.push((job.result as Promise<{ computed: number }>).then((r) => r.computed, () => 0));
        return job;
      }) as EngineHandle['start'],
      terminate: () => inner.terminate(),
    },
    get extractions() {
      return results.length;
    },
    computed: async () => (await Promise.all(results)).reduce((a, b) => a + b, 0),
  };
}
