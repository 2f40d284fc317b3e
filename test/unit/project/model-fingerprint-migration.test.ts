/**
 * Migration 18: each classifier version records the fingerprint of the model's files it was
 * trained with (ActiveLoop.retrainDue, Transfer's export). The versions of a project from before
 * get none (null: not known, never taken for other weights), and their data is kept; running it
 * again changes nothing.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { migrations, migrate, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { versionRow } from '../../support/version-row';

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const MIGRATION = 18;

describe('migration 18: the model fingerprint a version was trained with', () => {
  it('gives the versions trained before none, keeps their rows, and is made only where missing', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(MIGRATION);
    const db = new Database(':memory:');
    opened.push(db);
    migrate(db, MIGRATION - 1);
    db.prepare(
      `INSERT INTO model_versions (version, model_id, mode, classes, training_labels, eval_labeled, eval_correct, confusion, metrics, trained_at, feature_redecodes)
       VALUES (1, 'm', 'light', '[]', 4, 0, 0, 'null', '{}', '2026-01-01T00:00:00.000Z', 2)`,
    ).run();
    migrate(db, MIGRATION);
    expect(schemaVersion(db)).toBe(MIGRATION);
    expect(db.prepare('SELECT version, training_labels, feature_redecodes, model_fingerprint FROM model_versions').all()).toEqual([
      { version: 1, training_labels: 4, feature_redecodes: 2, model_fingerprint: null },
    ]);
    // Run again inside a later transaction (as a database whose user_version was set back would): nothing changes.
    migrations[MIGRATION - 1]!(db);
    expect(db.prepare('SELECT model_fingerprint FROM model_versions').pluck().all()).toEqual([null]);
  });

  it('a version saved records its fingerprint, read back; one saved without reads as not known', () => {
    const db = new Database(':memory:');
    opened.push(db);
    migrate(db);
    const store = new AdaptationStore(db);
    store.saveVersion({ ...versionRow(1, 'm', 4, 0), modelFingerprint: 'aaaaaaaaaaaa' }, []);
    store.saveVersion(versionRow(2, 'm', 4, 0), []);
    expect(store.version(1)?.modelFingerprint).toBe('aaaaaaaaaaaa');
    expect(store.version(2)?.modelFingerprint).toBeNull();
  });
});
