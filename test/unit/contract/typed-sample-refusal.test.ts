/**
 * The dashboard's "Add N random images" field refuses, with a line under it, what cannot be
 * sampled: empty, not a number, not whole, below 1 (Enter did nothing without a word for
 * these), and more than fits (the back end's own refusal).
 */
import { describe, expect, it } from 'vitest';
import type { EvaluationRoom } from '../../../src-shared/contract';
import { sampleLimitWords, sampleRefusal, typedSampleRefusal } from '../../../src-shared/evaluation-room';

const room: EvaluationRoom = { size: 10, labeled: 4, notTraining: 400, cap: 200, max: 190, candidates: 300, pool: 380, unsure: 1 };

describe('the typed evaluation sample size', () => {
  it('refuses empty, 0, negative and fractional numbers, saying what to type', () => {
    const range = 'Enter how many images to add, a whole number from 1 to 190.';
    expect(typedSampleRefusal(room, Number.NaN)).toBe(`That is not a number. ${range}`);
    expect(typedSampleRefusal(room, 0)).toBe(`0 is out of range. ${range}`);
    expect(typedSampleRefusal(room, -5)).toBe(`-5 is out of range. ${range}`);
    expect(typedSampleRefusal(room, 2.5)).toBe(`2.5 is not a whole number. ${range}`);
  });

  it('takes a whole number that fits, and refuses a larger one with the back end words', () => {
    expect(typedSampleRefusal(room, 1)).toBeNull();
    expect(typedSampleRefusal(room, 190)).toBeNull();
    expect(typedSampleRefusal(room, 1000)).toBe(sampleRefusal(room, 1000));
    expect(typedSampleRefusal(room, 1000)).toMatch(/^At most 190 images can be added now, not 1000/);
    // A huge project: one sample adds at most what the request takes.
    const huge = { ...room, notTraining: 60_000, cap: 30_000, max: 29_990, candidates: 59_000, pool: 59_000 };
    expect(typedSampleRefusal(huge, 10_000)).toBeNull();
    expect(typedSampleRefusal(huge, 20_000)).toBe('One sample adds at most 10000 images: add 10000, then sample again.');
  });

  it('says how many more images fit when the set holds some, and how many it holds', () => {
    const rule = 'the evaluation set may hold at most half of the 400 images that are not training labels (200), so that as many stay for the loop to ask about.';
    expect(sampleLimitWords({ ...room, size: 0, max: 200 })).toBe(`Up to 200 images now: ${rule}`);
    // "Up to 190 images now" read as the set's size, not as what may be added to its 10.
    expect(sampleLimitWords(room)).toBe(`Up to 190 more images now: ${rule} It holds 10.`);
    expect(sampleLimitWords({ ...room, max: 1 })).toBe(`Up to 1 more image now: ${rule} It holds 10.`);
  });
});
