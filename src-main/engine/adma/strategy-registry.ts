/**
 * Query strategies by name, as the UI, the CLI and the benchmarks select them. The D-based
 * ones come wrapped in the small-centre fallback (few-centres-fallback.ts).
 */
import { AdmaStrategy, DEFAULT_ADMA_OPTIONS } from './adma-strategy';
import { DEFAULT_DIVERSE_ADMA_OPTIONS, DiverseAdmaStrategy } from './adma-diverse-strategy';
import { BadgeStrategy } from './badge-strategy';
import { DuplicateFreeBatch } from './duplicate-free-batch';
import { ClusterStrategy } from './cluster-strategies';
import { CoresetStrategy } from './coreset-strategy';
import { ProbCoverStrategy } from './probcover-strategy';
import { DEFAULT_DISTINCTIVENESS_OPTIONS } from './distinctiveness';
import { DistinctivenessStrategy } from './distinctiveness-strategy';
import { FewCentresFallback } from './few-centres-fallback';
import type { QueryStrategy, StrategyName } from './query-strategy';
import { RandomStrategy } from './random-strategy';
import type { TradeoffSchedule } from './tradeoff-schedule';
import { UncertaintyStrategy } from './uncertainty-strategy';
import type { UncertaintyMeasure } from './uncertainty';

export interface StrategyOptions {
  /** lambda_t schedule of the ADMA trade-offs: 'adma', 'adma-diverse' and 'adma-typical' (default linear, step 0.1). */
  schedule?: TradeoffSchedule;
  /** Uncertainty measure of the ADMA trade-offs, and of the fallback of 'adma', 'adma-diverse' and 'distinctiveness' when the pool yields too few source-class centres (default entropy). */
  uncertainty?: UncertaintyMeasure;
  /** Scale-free distances for D (default true; false is paper-faithful). */
  normalize?: boolean;
  /** Candidates per batch slot of 'adma-diverse' (default 5). */
  candidateFactor?: number;
}

/** Every strategy, with the one near-duplicate filter between its ranking and the batch. */
export function createStrategy(name: StrategyName, options: StrategyOptions = {}): QueryStrategy {
  return new DuplicateFreeBatch(createRankingStrategy(name, options));
}

function createRankingStrategy(name: StrategyName, options: StrategyOptions): QueryStrategy {
  const distinctiveness = { normalize: options.normalize ?? DEFAULT_DISTINCTIVENESS_OPTIONS.normalize };
  const adma = {
    schedule: options.schedule ?? DEFAULT_ADMA_OPTIONS.schedule,
    uncertainty: options.uncertainty ?? DEFAULT_ADMA_OPTIONS.uncertainty,
    distinctiveness,
  };
  switch (name) {
    case 'adma':
      return new FewCentresFallback(new AdmaStrategy(adma), adma.uncertainty);
    case 'adma-diverse':
      return new FewCentresFallback(
        new DiverseAdmaStrategy({
          ...adma,
          candidateFactor: options.candidateFactor ?? DEFAULT_DIVERSE_ADMA_OPTIONS.candidateFactor,
        }),
        adma.uncertainty,
      );
    case 'random':
      return new RandomStrategy();
    case 'entropy':
    case 'margin':
    case 'least-confidence':
    case 'gini':
      return new UncertaintyStrategy(name);
    case 'distinctiveness':
      return new FewCentresFallback(new DistinctivenessStrategy(distinctiveness), adma.uncertainty);
    case 'coreset':
      return new CoresetStrategy();
    case 'typiclust':
    case 'typical-margin':
    case 'adma-typical':
      return new ClusterStrategy(name, adma);
    case 'probcover':
      return new ProbCoverStrategy();
    case 'badge':
      return new BadgeStrategy();
    default: {
      const unknown: never = name;
      throw new RangeError(`Unknown query strategy "${String(unknown)}".`);
    }
  }
}
