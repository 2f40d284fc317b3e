/**
 * Loop settings are stored as the expert's choices only: a setting never changed follows
 * today's default, so a better default reaches projects made before it; rows from before this
 * (every setting stored, defaults included) keep what the expert chose, but a duplicate
 * threshold equal to a former default is read as never chosen. A "Not now" to the suggestion of
 * "No up or down" names the check it answered; one kept as `true` (before it named it) reads as
 * the checks kept so far, and stays so when a later check is kept.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore, DEFAULT_LOOP_SETTINGS, type StoredSymmetryCheck } from '../../../src-main/adaptation/adaptation-store';
import { migrate } from '../../../src-main/project/migrations';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function store(): { store: AdaptationStore; db: Database.Database } {
  const db = new Database(':memory:');
  dbs.push(db);
  migrate(db);
  return { store: new AdaptationStore(db), db };
}

const row = (db: Database.Database): unknown => JSON.parse(db.prepare('SELECT settings FROM loop_settings WHERE id = 1').pluck().get() as string);

describe('loop settings', () => {
  it('are the defaults in a new project', () => {
    expect(store().store.settings()).toEqual(DEFAULT_LOOP_SETTINGS);
  });

  it('store only the values that differ from the defaults, and read back whole', () => {
    const { store: s, db } = store();
    s.saveSettings({ ...DEFAULT_LOOP_SETTINGS, batchSize: 6, strategy: 'adma', duplicateSimilarity: 0.85 });
    expect(row(db)).toEqual({ chosen: { batchSize: 6, strategy: 'adma', duplicateSimilarity: 0.85 } });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, batchSize: 6, strategy: 'adma', duplicateSimilarity: 0.85 });
    // Back to the default value: no longer a choice, so it follows the default from now on.
    s.saveSettings({ ...s.settings(), strategy: DEFAULT_LOOP_SETTINGS.strategy });
    expect(row(db)).toEqual({ chosen: { batchSize: 6, duplicateSimilarity: 0.85 } });
  });

  it('read a row from before (every setting stored) as the choices it holds, a former default threshold as never chosen', () => {
    const { store: s, db } = store();
    const legacy = (settings: object): void => {
      db.prepare('INSERT INTO loop_settings (id, settings) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET settings = excluded.settings').run(JSON.stringify(settings));
    };
    legacy({ ...DEFAULT_LOOP_SETTINGS, batchSize: 20, duplicateSimilarity: 0.8 });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, batchSize: 20 });
    legacy({ ...DEFAULT_LOOP_SETTINGS, duplicateSimilarity: 0.9 });
    expect(s.settings().duplicateSimilarity).toBe(DEFAULT_LOOP_SETTINGS.duplicateSimilarity);
    legacy({ ...DEFAULT_LOOP_SETTINGS, duplicateSimilarity: 0.75, continuous: true });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, duplicateSimilarity: 0.75, continuous: true });
    // A partial row from an older version still gets today's defaults for what it lacks.
    legacy({ mode: 'deep' });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, mode: 'deep' });
  });

  it('keep the check a "Not now" answered (its training labels)', () => {
    const { store: s, db } = store();
    s.saveSettings({ ...DEFAULT_LOOP_SETTINGS, symmetriesSuggestionDismissed: 50 });
    expect(row(db)).toEqual({ chosen: { symmetriesSuggestionDismissed: 50 } });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, symmetriesSuggestionDismissed: 50 });
  });

  it('read a "Not now" kept as true (before it named its check) as the checks kept so far, pinned there when a later check is kept', () => {
    const { store: s, db } = store();
    const check = (modelId: string, at: number): StoredSymmetryCheck => ({
      modelId,
      at,
      n: at,
      plainAccuracy: 0.6,
      viewsAccuracy: 0.7,
      meanDifference: -0.2,
      standardError: 0.05,
      suggest: true,
      checkedAt: '2026-12-03T00:00:00.000Z',
    });
    const legacy = (settings: object): void => {
      db.prepare('INSERT INTO loop_settings (id, settings) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET settings = excluded.settings').run(JSON.stringify(settings));
    };
    // No check kept (the row written by hand): nothing it can have answered.
    legacy({ chosen: { symmetriesSuggestionDismissed: true, batchSize: 20 } });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, batchSize: 20 });
    s.saveSymmetryChecks([check('a', 50)]);
    expect(row(db)).toEqual({ chosen: { batchSize: 20 } });
    expect(s.settings().symmetriesSuggestionDismissed).toBeUndefined();

    // The 50 check kept (on another model too): it answered that one.
    legacy({ chosen: { symmetriesSuggestionDismissed: true, batchSize: 20 } });
    s.saveSymmetryChecks([check('a', 50), check('b', 50)]);
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, batchSize: 20, symmetriesSuggestionDismissed: 50 });
    expect(row(db)).toEqual({ chosen: { batchSize: 20, symmetriesSuggestionDismissed: 50 } });
    // The 80 check kept later does not move it: that check's suggestion asks again.
    s.saveSymmetryChecks([check('a', 50), check('b', 50), check('a', 80)]);
    expect(s.settings().symmetriesSuggestionDismissed).toBe(50);

    // A row from before {chosen} holding it reads the same way.
    legacy({ ...DEFAULT_LOOP_SETTINGS, symmetriesSuggestionDismissed: true });
    expect(s.settings()).toEqual({ ...DEFAULT_LOOP_SETTINGS, symmetriesSuggestionDismissed: 80 });
  });
});
