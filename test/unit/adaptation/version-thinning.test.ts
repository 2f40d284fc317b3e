/**
 * Thinning the stored versions (walkthrough: the best version, v7 on MobileNet 0.75, was
 * deleted after three trainings on 0.25; only the latest 3 and those rounds began with stayed).
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { migrate } from '../../../src-main/project/migrations';
import { LARGE, SMALL, versionRow } from '../../support/version-row';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function memoryStore(): AdaptationStore {
  const db = new Database(':memory:');
  dbs.push(db);
  migrate(db);
  return new AdaptationStore(db);
}

const version = versionRow;

describe('thinning the stored versions', () => {
  it('never deletes the best version on the evaluation set nor the latest of another backbone (the walkthrough: v7 on 0.75)', () => {
    const store = memoryStore();
    // v1–v6 on 0.25, v7 on 0.75 (85.3%, the best), v8–v10 on 0.25 again.
    for (let v = 1; v <= 6; v++) store.saveVersion(version(v, SMALL, 10 * v, 20 + v), []);
    store.saveVersion(version(7, LARGE, 105, 29), []);
    store.saveVersion(version(8, SMALL, 105, 28), []);
    store.saveVersion(version(9, SMALL, 50, 25), []);
    store.saveVersion(version(10, SMALL, 50, 25), []);
    const thinned = store.thinVersions(3, new Set());
    expect(thinned).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.versions().map((v) => v.version)).toEqual([7, 8, 9, 10]);
  });

  it('keeps an older best version on the same backbone, and the versions rounds began with', () => {
    const store = memoryStore();
    store.saveVersion(version(1, SMALL, 10, 20), []);
    store.saveVersion(version(2, SMALL, 20, 30), []); // the best
    store.saveVersion(version(3, SMALL, 30, 22), []);
    for (let v = 4; v <= 7; v++) store.saveVersion(version(v, SMALL, 10 * v, 24), []);
    store.saveRound({ index: 0, strategy: 'random', lambda: null, schedule: { kind: 'linear', step: 0.1 }, batchSize: 10, modelVersion: 3 }, SMALL, []);
    expect(store.thinVersions(3, new Set())).toEqual([1, 4]);
    expect(store.versions().map((v) => v.version)).toEqual([2, 3, 5, 6, 7]);
  });
});
