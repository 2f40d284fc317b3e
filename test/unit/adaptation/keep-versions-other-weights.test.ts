/**
 * Versions on other weights of one model id (a model folder whose own adma-model.json kept its id
 * over new files, chosen again as a new model: VersionRow.modelFingerprint): the latest on the
 * old weights is kept as the latest on its pre-trained model is after a switch (putting those
 * files back and choosing the folder again finds it), and a version whose weights are not known
 * (trained before they were recorded) is never taken for other weights.
 */
import { describe, expect, it } from 'vitest';
import { keepReasons, onOtherWeights } from '../../../src-main/adaptation/model-versions';
import { SMALL, versionRow } from '../../support/version-row';

const on = (v: number, fingerprint: string | null) => ({ ...versionRow(v, SMALL, 10 * v, 10), modelFingerprint: fingerprint });

describe('versions on other weights of the same model', () => {
  it('keeps the latest on each weights of one id, as the latest on each backbone', () => {
    const rows = [on(1, 'old'), on(2, 'old'), on(3, 'old'), on(4, 'new'), on(5, 'new'), on(6, 'new')];
    // v3, the latest on the old weights, is kept though not one of the 3 latest (all scored alike: v6 is the best).
    expect(Object.fromEntries(keepReasons(rows, new Set(), 3, new Set()))).toEqual({ 6: ['latest', 'best'], 5: ['recent'], 4: ['recent'], 3: ['backbone'], 2: [], 1: [] });
  });

  it('takes weights not known for any weights of that id: nothing more is kept for them', () => {
    const rows = [on(1, null), on(2, null), on(3, 'new'), on(4, 'new'), on(5, 'new')];
    expect(Object.fromEntries(keepReasons(rows, new Set(), 3, new Set()))).toEqual({ 5: ['latest', 'best'], 4: ['recent'], 3: ['recent'], 2: [], 1: [] });
    const unknownFirst = [on(1, 'old'), on(2, null), on(3, null), on(4, null), on(5, null)];
    expect(keepReasons(unknownFirst, new Set(), 3, new Set()).get(1)).toEqual([]);
  });

  it('says other weights only when both fingerprints are known and differ, on the same id', () => {
    const model = { modelId: SMALL, fingerprint: 'new' };
    expect(onOtherWeights({ modelId: SMALL, modelFingerprint: 'old' }, model)).toBe(true);
    expect(onOtherWeights({ modelId: SMALL, modelFingerprint: 'new' }, model)).toBe(false);
    expect(onOtherWeights({ modelId: SMALL, modelFingerprint: null }, model)).toBe(false);
    expect(onOtherWeights({ modelId: SMALL }, model)).toBe(false);
    expect(onOtherWeights({ modelId: SMALL, modelFingerprint: 'old' }, { modelId: SMALL, fingerprint: null })).toBe(false);
    // Another model: its id says it (not the weights' concern).
    expect(onOtherWeights({ modelId: 'other', modelFingerprint: 'old' }, model)).toBe(false);
    expect(onOtherWeights({ modelId: SMALL, modelFingerprint: 'old' }, null)).toBe(false);
  });
});
