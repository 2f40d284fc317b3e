/**
 * Migration 13: the project remembers every pre-trained model it used (its name, and how it was
 * chosen: a folder model's path), so a model from a folder keeps its name after another is
 * chosen; and the version that re-chose an open round's images. A schema-12 project upgrades
 * with its chosen model remembered (the names of models chosen before it were never kept: their
 * ids) and its rounds never re-ranked; a project written by a newer version is refused untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { backboneName } from '../../../src-main/adaptation/model-versions';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { openProjectDb, projectDbPath } from '../../../src-main/project/project-db';
import { Project } from '../../../src-main/project/project';
import type { ModelChoice } from '../../../src-shared/contract';
import { tempDir } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const FOLDER: ModelChoice = { kind: 'folder', path: '/models/leaves', layers: { layerA: 'a', layerB: 'b', softmaxLayer: 's', cutLayer: 'c' } };

/** A project as schema 12 wrote it: a folder model chosen, a version on it and one on a model chosen before, an open round. */
function schema12Project(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, '.adma'));
  const db = new Database(projectDbPath(root));
  migrate(db, 12);
  db.prepare("INSERT INTO engine_model (id, choice, model_id, model_name, chosen_at) VALUES (1, ?, 'leaves-1a2b', 'leaves', '2026-05-01T10:00:00.000Z')").run(JSON.stringify(FOLDER));
  const version = db.prepare(
    "INSERT INTO model_versions (version, model_id, mode, classes, training_labels, eval_labeled, eval_correct, confusion, metrics, trained_at) VALUES (?, ?, 'light', '[]', 4, 0, 0, NULL, '{}', '2026-05-01T10:00:00.000Z')",
  );
  version.run(1, 'bark-9f8e');
  version.run(2, 'leaves-1a2b');
  db.prepare(
    "INSERT INTO rounds (round_index, model_id, strategy, lambda, schedule, batch_size, model_version, created_at) VALUES (0, 'leaves-1a2b', 'adma', 0, '{\"kind\":\"linear\",\"step\":0.1}', 10, 2, '2026-05-01T10:00:00.000Z')",
  ).run();
  expect(schemaVersion(db)).toBe(12);
  db.close();
  return root;
}

describe('migration 13: the models a project used, and the version that re-chose a round', () => {
  it('is among the migrations', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(13);
  });

  it('upgrades a schema-12 project: its chosen model is remembered by name and choice, its round never re-ranked; models chosen later are remembered too', async () => {
    const project = Project.open(schema12Project(), false);
    projects.push(project);
    expect(schemaVersion(project.db)).toBe(SCHEMA_VERSION);
    const store = new AdaptationStore(project.db);
    expect(store.usedModels()).toEqual(new Map([['leaves-1a2b', { name: 'leaves', choice: FOLDER }]]));
    expect(store.latestRound()).toMatchObject({ modelVersion: 2, rerankedWith: null });

    // Another model chosen: the folder model keeps its name; the model before the upgrade was never named (its id).
    store.setModel({ kind: 'known', id: 'mobilenet_v1_0.25_224' }, 'mobilenet_v1_0.25_224', 'MobileNet v1 0.25 (ImageNet, 224 px)');
    const used = store.usedModels();
    expect(store.versions().map((v) => backboneName(v.modelId, used))).toEqual(['bark-9f8e', 'leaves']);
    expect(used.get('mobilenet_v1_0.25_224')).toEqual({ name: 'MobileNet v1 0.25 (ImageNet, 224 px)', choice: { kind: 'known', id: 'mobilenet_v1_0.25_224' } });
    // Chosen again from another folder path: the same model (same id) under its latest name and choice.
    const moved: ModelChoice = { kind: 'folder', path: '/elsewhere/leaves' };
    store.setModel(moved, 'leaves-1a2b', 'leaves (moved)');
    expect(store.usedModels().get('leaves-1a2b')).toEqual({ name: 'leaves (moved)', choice: moved });

    // A re-rank records the version that chose the round's images; putting its own items back changes none.
    const round = store.latestRound()!;
    store.rerankRound(round.id, 0.5, [], 3);
    expect(store.latestRound()).toMatchObject({ modelVersion: 2, rerankedWith: 3, lambda: 0.5 });
    store.rerankRound(round.id, 0.5, [], null);
    expect(store.latestRound()).toMatchObject({ modelVersion: 2, rerankedWith: 3 });
  });

  it('a project with no model chosen yet upgrades with none remembered', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const db = new Database(projectDbPath(root));
    migrate(db, 12);
    db.close();
    const { db: upgraded, lock } = openProjectDb(root, false);
    try {
      expect(new AdaptationStore(upgraded).usedModels()).toEqual(new Map());
    } finally {
      upgraded.close();
      lock.release();
    }
  });

  it('adds only its table and the rounds column, with nothing else of the schema changed', () => {
    const db = new Database(':memory:');
    migrate(db, 12);
    const others = "SELECT name, sql FROM sqlite_master WHERE tbl_name NOT IN ('rounds', 'project_models') ORDER BY name";
    const before = db.prepare(others).all();
    db.transaction(() => migrations[12]!(db))();
    expect(db.prepare(others).all()).toEqual(before);
    expect((db.prepare('PRAGMA table_info(rounds)').all() as { name: string }[]).map((c) => c.name)).toContain('reranked_with');
    expect((db.prepare('PRAGMA table_info(project_models)').all() as { name: string }[]).map((c) => c.name)).toEqual(['model_id', 'name', 'choice', 'chosen_at']);
    // Run again (a project brought back to schema 12 by hand): nothing changes.
    const after = db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all();
    db.transaction(() => migrations[12]!(db))();
    expect(db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all()).toEqual(after);
    db.close();
  });

  it('a project written by a newer version (its models remembered in a later layout) is refused and left untouched', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const future = new Database(projectDbPath(root));
    migrate(future, SCHEMA_VERSION);
    future.exec('ALTER TABLE project_models ADD COLUMN family TEXT');
    future.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    future.close();
    const before = fs.readFileSync(projectDbPath(root));
    let refusal: unknown;
    try {
      openProjectDb(root, false);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'PROJECT_TOO_NEW' });
    expect((refusal as Error).message).toContain(`project schema ${SCHEMA_VERSION + 1}; this version understands up to ${SCHEMA_VERSION}`);
    expect(fs.readFileSync(projectDbPath(root)).equals(before)).toBe(true);
  });
});
