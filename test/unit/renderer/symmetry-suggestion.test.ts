/**
 * What the Adapt view shows of the labels' check for "No up or down" (logic/symmetry-suggestion.ts):
 * the suggestion only when the latest check suggests it with the setting off in light mode and not
 * answered "Not now" (that check or a later one); otherwise at most a line in the checkbox's tooltip.
 */
import { describe, expect, it } from 'vitest';
import { symmetryCheckLine, symmetrySuggestion } from '../../../src-renderer/logic/symmetry-suggestion';
import type { SymmetryCheckOutcome } from '../../../src-shared/requests/engine';

const off = { symmetries: false, mode: 'light' as const };
const outcome = (suggest: boolean, views = 0.68, at = 50): SymmetryCheckOutcome => ({
  at,
  n: at,
  plainAccuracy: 0.61,
  viewsAccuracy: views,
  meanDifference: -0.2,
  standardError: 0.05,
  suggest,
  checkedAt: '2026-12-03T00:00:00.000Z',
});

describe('the suggestion to turn on No up or down', () => {
  it('says in plain words what the check found and asks', () => {
    expect(symmetrySuggestion(off, { running: null, last: outcome(true) })).toEqual({
      words:
        'Your labels say these images have no up or down: learning each label turned and mirrored too got more of them right (61% → 68% right, each of 50 labels predicted by a model trained without it). Turn on No up or down?',
      at: 50,
    });
    expect(symmetryCheckLine(off, { running: null, last: outcome(true) })).toBeNull();
  });

  it('is not shown before a check, when the check did not suggest, with the setting on, in deep mode or once dismissed', () => {
    expect(symmetrySuggestion(off, null)).toBeNull();
    expect(symmetrySuggestion(off, undefined)).toBeNull();
    expect(symmetrySuggestion(off, { running: 50, last: null })).toBeNull();
    expect(symmetrySuggestion(off, { running: null, last: outcome(false, 0.58) })).toBeNull();
    expect(symmetrySuggestion({ ...off, symmetries: true }, { running: null, last: outcome(true) })).toBeNull();
    expect(symmetrySuggestion({ ...off, mode: 'deep' }, { running: null, last: outcome(true) })).toBeNull();
    expect(symmetrySuggestion({ ...off, symmetriesSuggestionDismissed: 50 }, { running: null, last: outcome(true) })).toBeNull();
  });

  it('"Not now" answers the check it was shown for: a later check that suggests it asks again, until that one is answered too', () => {
    const at80 = { running: null, last: outcome(true, 0.7, 80) };
    expect(symmetrySuggestion({ ...off, symmetriesSuggestionDismissed: 50 }, at80)).toEqual({ words: expect.stringContaining('each of 80 labels') as string, at: 80 });
    expect(symmetryCheckLine({ ...off, symmetriesSuggestionDismissed: 50 }, at80)).toBeNull();
    // The 80 check's suggestion answered too: nothing more is shown but the tooltip's line.
    expect(symmetrySuggestion({ ...off, symmetriesSuggestionDismissed: 80 }, at80)).toBeNull();
    expect(symmetryCheckLine({ ...off, symmetriesSuggestionDismissed: 80 }, at80)).toBe('Your labels suggested it (61% → 70% right, each of 80 labels predicted by a model trained without it).');
  });

  it('puts a check that did not suggest, a running one or a dismissed suggestion in the tooltip line only', () => {
    expect(symmetryCheckLine(off, null)).toBeNull();
    expect(symmetryCheckLine(off, { running: null, last: outcome(false, 0.58) })).toBe(
      'Checked on your labels: learning each label turned and mirrored too did not clearly get more of them right (61% → 58% right, each of 50 labels predicted by a model trained without it).',
    );
    expect(symmetryCheckLine(off, { running: 80, last: outcome(false) })).toBe('Checking on your 80 labels whether learning each label turned and mirrored helps.');
    expect(symmetryCheckLine({ ...off, symmetriesSuggestionDismissed: 50 }, { running: null, last: outcome(true) })).toBe('Your labels suggested it (61% → 68% right, each of 50 labels predicted by a model trained without it).');
    expect(symmetryCheckLine({ ...off, symmetries: true }, { running: null, last: outcome(false) })).toBeNull();
  });
});
