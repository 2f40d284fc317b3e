/**
 * Loop settings are stored as the expert's choices only: a setting never changed follows
 * today's default, so a better default reaches projects made before it; rows from before this
 * (every setting stored, defaults included) keep what the expert chose, but a duplicate
 * threshold equal to a former default is read as never chosen.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore, DEFAULT_LOOP_SETTINGS } from '../../../src-main/adaptation/adaptation-store';
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
});
