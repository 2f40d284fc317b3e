/**
 * Reproduces every value in the shared reference fixture (numpy + scipy, see
 * shared/docs/adma-method.md, "Reference values") to 1e-9. The fixture is read in place
 * from ../shared beside the repository and never copied; without it the suite is skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { combineAdmaScores } from '../../../src-main/engine/adma/adma-score';
import { AdmaStrategy } from '../../../src-main/engine/adma/adma-strategy';
import { computeDistinctiveness, explainDistinctiveness } from '../../../src-main/engine/adma/distinctiveness';
import { featureMatrixFromRows } from '../../../src-main/engine/adma/feature-matrix';
import { kendallTauB } from '../../../src-main/engine/adma/kendall-tau-b';
import { createPatternSpace } from '../../../src-main/engine/adma/pattern-space';
import type { SelectionContext } from '../../../src-main/engine/adma/selection-context';
import { createSourceCentres } from '../../../src-main/engine/adma/source-centres';
import { topRowsByScore } from '../../../src-main/engine/adma/top-score-ranking';
import { computeUncertainty, type UncertaintyMeasure } from '../../../src-main/engine/adma/uncertainty';

type Matrix = number[][];
interface PatternReference {
  centerPatterns: Matrix;
  patterns: Matrix;
  expectedPatterns: Matrix;
  tau: number[];
  distinctiveness: number[];
}
interface AdmaReference {
  inputs: {
    centersA: Matrix;
    centersB: Matrix;
    instancesA: Matrix;
    instancesB: Matrix;
    sourceProbs: Matrix;
    targetProbs: Matrix;
  };
  normalized: PatternReference;
  raw: PatternReference;
  uncertainty: { entropy: number[]; margin: number[]; leastConfidence: number[]; gini: number[] };
  scoresWithEntropy: Record<string, number[]>;
  top3: Record<string, number[]>;
  kendallTauB: { x: number[]; y: number[]; tau: number };
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturePath = resolve(repoRoot, '../shared/fixtures/adma-reference.json');
const present = existsSync(fixturePath);
const reference: AdmaReference | null = present ? (JSON.parse(readFileSync(fixturePath, 'utf8')) as AdmaReference) : null;
const TOLERANCE = 1e-9;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    expect(Math.abs(a - e), `${what}[${i}]: got ${a}, expected ${e}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

if (reference === null) {
  describe('ADMA reference fixture (numpy/scipy)', () => {
    it.skip(`skipped: ${fixturePath} is absent (the read-only shared material is not mounted beside the repository)`, () => {
      expect(present).toBe(false);
    });
  });
} else {
  describeReferenceValues(reference);
}

function describeReferenceValues(ref: AdmaReference): void {
  describe('ADMA reference fixture (numpy/scipy)', () => {
    const { inputs } = ref;
    const centres = () =>
      createSourceCentres({
        featuresA: featureMatrixFromRows(inputs.centersA),
        featuresB: featureMatrixFromRows(inputs.centersB),
        sourceClasses: inputs.centersA.map((_, k) => k),
      });
    const distinctivenessInput = () => ({
      featuresA: featureMatrixFromRows(inputs.instancesA),
      featuresB: featureMatrixFromRows(inputs.instancesB),
      sourceProbabilities: featureMatrixFromRows(inputs.sourceProbs),
      centres: centres(),
    });

    for (const [variant, normalize] of [
      ['normalized', true],
      ['raw', false],
    ] as const) {
      describe(`${variant} distances (normalize: ${normalize})`, () => {
        const expected = ref[variant];
        const input = distinctivenessInput();
        const space = createPatternSpace(input.centres, { normalize });

        it('centre patterns P_j', () => {
          const k = input.centres.sourceClasses.length;
          expected.centerPatterns.forEach((row, j) => {
            expectClose(space.centrePatterns.data.subarray(j * k, (j + 1) * k), row, `P_${j}`);
          });
        });

        it('patterns p(x), expected patterns p_hat(x), tau and D of every instance', () => {
          inputs.instancesA.forEach((_, row) => {
            const breakdown = explainDistinctiveness(input, row, space);
            expectClose(breakdown.pattern, expected.patterns[row] ?? [], `p(x_${row})`);
            expectClose(breakdown.expectedPattern, expected.expectedPatterns[row] ?? [], `p_hat(x_${row})`);
            expectClose([breakdown.tau], [expected.tau[row] ?? NaN], `tau(x_${row})`);
            expectClose([breakdown.distinctiveness], [expected.distinctiveness[row] ?? NaN], `D(x_${row})`);
          });
        });

        it('computeDistinctiveness over the whole pool', () => {
          expectClose(computeDistinctiveness(input, { normalize }), expected.distinctiveness, 'D');
        });
      });
    }

    it('the four uncertainty measures', () => {
      const probabilities = featureMatrixFromRows(inputs.targetProbs);
      const measures: [UncertaintyMeasure, number[]][] = [
        ['entropy', ref.uncertainty.entropy],
        ['margin', ref.uncertainty.margin],
        ['least-confidence', ref.uncertainty.leastConfidence],
        ['gini', ref.uncertainty.gini],
      ];
      for (const [measure, values] of measures) expectClose(computeUncertainty(measure, probabilities), values, measure);
    });

    it('Kendall tau-b with ties', () => {
      expectClose([kendallTauB(ref.kendallTauB.x, ref.kendallTauB.y)], [ref.kendallTauB.tau], 'tau_b');
    });

    const lambdaKeys = Object.keys(ref.scoresWithEntropy);

    it('fixture holds scores and top-3 picks for lambda 0, 0.3 and 1', () => {
      expect(lambdaKeys.map(Number).sort()).toEqual([0, 0.3, 1]);
      expect(Object.keys(ref.top3).sort()).toEqual([...lambdaKeys].sort());
    });

    for (const key of lambdaKeys) {
      const lambda = Number(key);

      it(`scores and top-3 for lambda ${key} (entropy), from the formulas`, () => {
        const d = computeDistinctiveness(distinctivenessInput(), { normalize: true });
        const u = computeUncertainty('entropy', featureMatrixFromRows(inputs.targetProbs));
        const scores = combineAdmaScores(d, u, lambda);
        expectClose(scores, ref.scoresWithEntropy[key] ?? [], `s (lambda ${key})`);
        const ids = inputs.instancesA.map((_, row) => row);
        expect(Array.from(topRowsByScore(Int32Array.from(ids), scores, ids, 3))).toEqual(ref.top3[key]);
      });

      it(`scores and top-3 for lambda ${key} (entropy), through AdmaStrategy.select`, () => {
        // Round 1 of a linear schedule with step lambda gives exactly lambda_1 = lambda.
        const strategy = new AdmaStrategy({
          schedule: { kind: 'linear', step: lambda },
          uncertainty: 'entropy',
          distinctiveness: { normalize: true },
        });
        const input = distinctivenessInput();
        const ctx: SelectionContext = {
          ...input,
          imageIds: inputs.instancesA.map((_, row) => row),
          labeledIds: new Set(),
          excludedIds: new Set(),
          round: 1,
          labeledClassCount: inputs.targetProbs[0]?.length ?? 0,
          targetProbabilities: featureMatrixFromRows(inputs.targetProbs),
          seed: 7,
        };
        const selection = strategy.select(ctx, 3);
        expect(selection.items.map((item) => item.imageId)).toEqual(ref.top3[key]);
        for (const item of selection.items) {
          expect(item.lambda).toBe(lambda);
          expectClose([item.score ?? NaN], [ref.scoresWithEntropy[key]?.[item.row] ?? NaN], `score of ${item.imageId}`);
          expectClose([item.distinctiveness ?? NaN], [ref.normalized.distinctiveness[item.row] ?? NaN], `D of ${item.imageId}`);
          expectClose([item.uncertainty ?? NaN], [ref.uncertainty.entropy[item.row] ?? NaN], `U of ${item.imageId}`);
          expect(item.reason.length).toBeGreaterThan(0);
        }
      });
    }
  });
}
