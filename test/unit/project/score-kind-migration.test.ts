/**
 * Migration 15: each round item keeps the kind of its score (a typical-first pick's typicality, or
 * what its strategy ranked by), which the queue reads instead of the reason's words; the items of
 * a schema-14 project get it once, from their reasons as the queue read them then. Migration 16: a
 * version's score on part of the evaluation labels says so in its row (Evaluation reads it back at
 * open); the versions of a schema-15 project are whole (their partial marks lived in memory only).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { admaReason, inGroupReason, randomReason, tornReason, typicalReason } from '../../../src-main/engine/adma/selection-reason';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../src-main/project/migrations';
import { projectDbPath } from '../../../src-main/project/project-db';
import { Project } from '../../../src-main/project/project';
import { SCORE_KINDS } from '../../../src-shared/typical-pick';
import { tempDir } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const torn = tornReason({ first: 'rbc', firstProbability: 0.41, second: 'wbc', secondProbability: 0.38 });

/** The items of a round as the engine worded them up to schema 14, and the kind of score each is. */
const ITEMS: { reason: string; score: number | null; kind: string }[] = [
  { reason: typicalReason({ members: { length: 68 }, labels: 0, picked: 0 }), score: 1.412, kind: 'typicality' },
  { reason: typicalReason({ members: { length: 5 }, labels: 1, picked: 2 }), score: 0.0473, kind: 'typicality' },
  // A group of one: typicality 0.
  { reason: typicalReason({ members: { length: 1 }, labels: 0, picked: 0 }), score: 0, kind: 'typicality' },
  // typical-margin once a classifier exists: a margin pick alone in its group (its reason ends as a lone typical pick's is).
  { reason: inGroupReason(torn, { members: { length: 1 }, labels: 0, picked: 0 }), score: 0.81, kind: 'ranking' },
  { reason: inGroupReason(torn, { members: { length: 6 }, labels: 2, picked: 0 }), score: 0.7, kind: 'ranking' },
  { reason: admaReason(0.6, 0.4, 0.5, 'entropy', 2), score: 0.5, kind: 'ranking' },
  { reason: randomReason(7), score: null, kind: 'ranking' },
  // Words that speak of typical images but do not begin as a typical pick's reason.
  { reason: 'Typical of a group of 3 similar images with no label yet', score: 0.2, kind: 'ranking' },
];

function insertImages(db: Database.Database, count: number): void {
  const image = db.prepare(
    "INSERT INTO images (id, rel_path, size, mtime_ms, hash, width, height, format, added_at, name_key) VALUES (?, ?, 10, 0, ?, 8, 8, 'png', '2026-05-01T10:00:00.000Z', ?)",
  );
  for (let id = 1; id <= count; id++) image.run(id, `img-${id}.png`, `h${id}`, `img-${id}.png`);
}

/** A project as schema 14 wrote it: images and a round whose items keep only their reasons and scores. */
function schema14Project(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, '.adma'));
  const db = new Database(projectDbPath(root));
  migrate(db, 14);
  insertImages(db, ITEMS.length);
  db.prepare(
    "INSERT INTO rounds (id, round_index, model_id, strategy, lambda, schedule, batch_size, model_version, created_at) VALUES (1, 0, 'fake-model', 'typical-margin', NULL, '{\"kind\":\"linear\",\"step\":0.1}', 8, 0, '2026-05-01T10:00:00.000Z')",
  ).run();
  const item = db.prepare('INSERT INTO round_items (round_id, position, image_id, distinctiveness, uncertainty, score, reason) VALUES (1, ?, ?, NULL, NULL, ?, ?)');
  ITEMS.forEach(({ reason, score }, position) => item.run(position, position + 1, score, reason));
  expect(schemaVersion(db)).toBe(14);
  db.close();
  return root;
}

/** A project as schema 15 wrote it: two versions, scored. */
function schema15Project(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, '.adma'));
  const db = new Database(projectDbPath(root));
  migrate(db, 15);
  const version = db.prepare(
    "INSERT INTO model_versions (version, model_id, mode, classes, training_labels, eval_labeled, eval_correct, confusion, metrics, trained_at) VALUES (?, 'fake-model', 'light', '[]', 4, ?, ?, NULL, '{}', '2026-05-01T10:00:00.000Z')",
  );
  version.run(1, 2, 1);
  version.run(2, 1, 1);
  db.close();
  return root;
}

function open(root: string): Project {
  const project = Project.open(root, false);
  projects.push(project);
  return project;
}

const columns = (db: Database.Database, table: string): string[] => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

describe('migration 15: the kind of each round item\'s score', () => {
  it('upgrades a schema-14 project: each item gets the kind its reason said, its reason and score unchanged', () => {
    const project = open(schema14Project());
    expect(schemaVersion(project.db)).toBeGreaterThanOrEqual(15);
    const round = new AdaptationStore(project.db).latestRound()!;
    expect(round.items.map((item) => [item.scoreKind, item.reason, item.score])).toEqual(ITEMS.map(({ kind, reason, score }) => [kind, reason, score]));
  });

  it('back-fills once: a kind written since stands, whatever the reason says, also after the project is opened again', async () => {
    const root = schema14Project();
    const project = open(root);
    const store = new AdaptationStore(project.db);
    const round = store.latestRound()!;
    // Re-ranked by this version: each item's kind as the loop decided it, the reasons left as they were.
    store.rerankRound(round.id, null, round.items.map((item, k) => ({ ...item, scoreKind: k % 2 === 0 ? 'ranking' : 'typicality' })), null);
    const written = store.latestRound()!.items.map((item) => item.scoreKind);
    expect(written).toEqual(ITEMS.map((_, k) => (k % 2 === 0 ? 'ranking' : 'typicality')));
    // Run again (a project brought back to schema 14 by hand keeps its column): nothing changes.
    project.db.transaction(() => migrations[14]!(project.db))();
    expect(store.latestRound()!.items.map((item) => item.scoreKind)).toEqual(written);
    await project.close();
    projects.splice(projects.indexOf(project), 1);
    expect(new AdaptationStore(open(root).db).latestRound()!.items.map((item) => item.scoreKind)).toEqual(written);
  });

  it('keeps only the kinds the app knows: any other is refused by the table', () => {
    const db = new Database(':memory:');
    migrate(db, 15);
    insertImages(db, 1);
    db.prepare("INSERT INTO rounds (id, round_index, model_id, strategy, lambda, schedule, batch_size, model_version, created_at) VALUES (1, 0, 'm', 'random', NULL, '{}', 1, 0, 'x')").run();
    const insert = db.prepare("INSERT INTO round_items (round_id, position, image_id, score, score_kind, reason) VALUES (1, ?, 1, 0.5, ?, 'r')");
    SCORE_KINDS.forEach((kind, position) => insert.run(position, kind));
    expect(() => insert.run(SCORE_KINDS.length, 'probability')).toThrow(/CHECK constraint failed/);
    // A raw insert that names no kind (a test's, a bench's): what the strategy ranked by.
    db.prepare("INSERT INTO round_items (round_id, position, image_id, reason) VALUES (1, 9, 1, 'r')").run();
    expect(db.prepare('SELECT score_kind FROM round_items WHERE position = 9').pluck().get()).toBe('ranking');
    db.close();
  });

  it('adds only its column, with nothing else of the schema changed', () => {
    const db = new Database(':memory:');
    migrate(db, 14);
    const others = "SELECT name, sql FROM sqlite_master WHERE tbl_name <> 'round_items' ORDER BY name";
    const before = db.prepare(others).all();
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'round_items' ORDER BY name").all();
    db.transaction(() => migrations[14]!(db))();
    expect(db.prepare(others).all()).toEqual(before);
    expect(db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'round_items' ORDER BY name").all()).toEqual(indexes);
    expect(columns(db, 'round_items')).toEqual(['round_id', 'position', 'image_id', 'distinctiveness', 'uncertainty', 'score', 'reason', 'score_kind']);
    db.close();
  });
});

describe('migration 16: a score on part of the evaluation labels, kept with the version', () => {
  it('upgrades a schema-15 project: its versions keep their scores, none marked partial; a partial score is kept, and a score on all clears it', async () => {
    const root = schema15Project();
    const project = open(root);
    expect(schemaVersion(project.db)).toBe(SCHEMA_VERSION);
    const store = new AdaptationStore(project.db);
    expect(store.versions().map((v) => [v.version, v.evalLabeled, v.evalCorrect])).toEqual([
      [1, 2, 1],
      [2, 1, 1],
    ]);
    expect(store.partialScores()).toEqual(new Map());
    store.saveEvaluation(2, 1, 1, null, { against: 'labels-a', leftOut: 1 });
    await project.close();
    projects.splice(projects.indexOf(project), 1);
    const reopened = new AdaptationStore(open(root).db);
    expect(reopened.partialScores()).toEqual(new Map([[2, { against: 'labels-a', leftOut: 1 }]]));
    reopened.saveEvaluation(2, 2, 2, null, null);
    expect(reopened.partialScores()).toEqual(new Map());
    expect(reopened.version(2)).toMatchObject({ evalLabeled: 2, evalCorrect: 2 });
  });

  it('adds only its columns, with nothing else of the schema changed; running it again changes nothing', () => {
    const db = new Database(':memory:');
    migrate(db, 15);
    const others = "SELECT name, sql FROM sqlite_master WHERE tbl_name <> 'model_versions' ORDER BY name";
    const before = db.prepare(others).all();
    db.transaction(() => migrations[15]!(db))();
    expect(db.prepare(others).all()).toEqual(before);
    expect(columns(db, 'model_versions').slice(-2)).toEqual(['partial_against', 'partial_left_out']);
    const after = db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all();
    db.transaction(() => migrations[15]!(db))();
    expect(db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all()).toEqual(after);
    db.close();
  });
});
