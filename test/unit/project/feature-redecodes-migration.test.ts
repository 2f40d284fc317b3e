/**
 * Migration 17: each classifier version records the feature cache's redecodes it was trained
 * against (ActiveLoop.retrainDue). The versions of a project from before get 0 (trained against
 * rows never counted as computed again), and their data is kept; running it again changes nothing.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations, migrate, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const MIGRATION = 17;

describe('migration 17: the redecodes a version was trained against', () => {
  it('gives the versions trained before 0, keeps their rows, and is made only where missing', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(MIGRATION);
    const db = new Database(':memory:');
    opened.push(db);
    migrate(db, MIGRATION - 1);
    db.prepare(
      `INSERT INTO model_versions (version, model_id, mode, classes, training_labels, eval_labeled, eval_correct, confusion, metrics, trained_at)
       VALUES (1, 'm', 'light', '[]', 4, 0, 0, 'null', '{}', '2026-01-01T00:00:00.000Z')`,
    ).run();
    migrate(db, MIGRATION);
    expect(schemaVersion(db)).toBe(MIGRATION);
    expect(db.prepare('SELECT version, training_labels, feature_redecodes FROM model_versions').all()).toEqual([{ version: 1, training_labels: 4, feature_redecodes: 0 }]);
    // Run again inside a later transaction (as a database whose user_version was set back would): nothing changes.
    migrations[MIGRATION - 1]!(db);
    expect(db.prepare('SELECT feature_redecodes FROM model_versions').pluck().all()).toEqual([0]);
  });
});
