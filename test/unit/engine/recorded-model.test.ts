/** Whether a model a folder holds now is the one the project recorded: by id, and by its files' fingerprint once one is recorded. */
import { describe, expect, it } from 'vitest';
import { matchRecorded } from '../../../src-main/engine/model/recorded-model';

describe('matchRecorded', () => {
  const recorded = { modelId: 'leaves-v1', fingerprint: 'aaaaaaaaaaaa' };

  it('the recorded id with the recorded files is the same model (re-copied identical files have the same fingerprint)', () => {
    expect(matchRecorded(recorded, { id: 'leaves-v1', fingerprint: 'aaaaaaaaaaaa' })).toBe('same');
  });

  it('the recorded id with other files: the weights changed (a folder\'s own adma-model.json keeps the id)', () => {
    expect(matchRecorded(recorded, { id: 'leaves-v1', fingerprint: 'bbbbbbbbbbbb' })).toBe('other weights');
  });

  it('another id is another model, whatever the files', () => {
    expect(matchRecorded(recorded, { id: 'bark-v2', fingerprint: 'aaaaaaaaaaaa' })).toBe('other model');
    expect(matchRecorded({ modelId: 'leaves-v1', fingerprint: null }, { id: 'bark-v2', fingerprint: 'bbbbbbbbbbbb' })).toBe('other model');
  });

  it('no fingerprint recorded (an older project): the recorded id adopts the files found, with nothing to compare', () => {
    expect(matchRecorded({ modelId: 'leaves-v1', fingerprint: null }, { id: 'leaves-v1', fingerprint: 'bbbbbbbbbbbb' })).toBe('adopt');
  });
});
