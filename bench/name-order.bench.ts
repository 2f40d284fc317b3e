/**
 * Natural name order at 100,000 images (migration 14, `images.name_key`): what the migration costs
 * a project of that size at its first opening, and each query that reads images by name (the
 * gallery's whole order for every filter and direction, as the order reader thread reads it; an
 * OFFSET page near the top and deep; the ties of the confidence sort; Ctrl+A's ids; the extraction
 * and pool list), timed and its query plan (EXPLAIN QUERY PLAN of the exact SQL the app's code
 * runs: an index walk, or a sort) read.
 * The project: `--images` rows (no files) in 100 folders `Scan <f>/img-<k>.png`, numbers unpadded,
 * written at schema 13 and opened as a project of the version before is (migrate, on a file with
 * WAL and synchronous FULL), then filled as a project in use (550 labels, 30 unsure, 200 evaluation
 * images, a prediction per image, 100 absent) with planner statistics as at every open.
 * `--old DIR`: a checkout of the code before (binary order by rel_path), run alternating with this
 * one on its own copy of the database at the schema it knows (13), so the two times compare.
 * Prints numbers; asserts nothing.
 * `npx tsx bench/name-order.bench.ts [--images 100000] [--runs 9] [--old DIR]`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { ImageIndex } from '../src-main/project/image-index';
import { migrate } from '../src-main/project/migrations';
import { refreshPlannerStatistics } from '../src-main/project/project-db';
import type { ImageFilter, ImageSort } from '../src-shared/requests/images';
import { mulberry32 as random } from '../src-main/core/seeded-random';
import { distinctPicker } from './support/distinct-picker';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '9' },
    old: { type: 'string' },
  },
});
const count = Number(values.images);
const runs = Number(values.runs);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'adma-name-order-'));

function writeImages(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrate(db, 13);
  const insert = db.prepare("INSERT INTO images (rel_path, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, 1000, ?, ?, 64, 64, 'png', 'x')");
  db.transaction(() => {
    for (let k = 0; k < count; k++) insert.run(`Scan ${k % 100}/img-${Math.floor(k / 100)}.png`, (k * 7919) % count, `h${k}`);
  })();
  db.close();
}

function fill(db: Database.Database): void {
  const rand = random(7);
  const ids = db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
  const pick = distinctPicker(ids, rand);
  db.transaction(() => {
    for (let k = 1; k <= 4; k++) db.prepare("INSERT INTO classes (id, name, color, hotkey, position, created_at) VALUES (?, ?, '#336699', ?, ?, 'x')").run(k, `class ${k}`, String(k), k);
    const label = db.prepare("INSERT OR REPLACE INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, 'x', 'bench')");
    const labeled = new Set(pick(550));
    for (const id of labeled) label.run(id, 1 + Math.floor(rand() * 4));
    const unsure = db.prepare("INSERT OR IGNORE INTO unsure (image_id, marked_at, actor) VALUES (?, 'x', 'bench')");
    for (const id of pick(60).filter((id) => !labeled.has(id)).slice(0, 30)) unsure.run(id);
    const evaluation = db.prepare("INSERT OR IGNORE INTO evaluation_images (image_id, added_at) VALUES (?, 'x')");
    for (const id of pick(200)) evaluation.run(id);
    const predict = db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, ?)');
    for (const id of ids) predict.run(id, 1 + Math.floor(rand() * 4), 0.25 + Math.round(rand() * 75) / 100);
    const absent = db.prepare('UPDATE images SET present = 0 WHERE id = ?');
    for (const id of pick(100)) absent.run(id);
  })();
}

type Index = Pick<ImageIndex, 'order' | 'list' | 'idsMatching' | 'files'>;

/** A connection whose statements' SQL and arguments are recorded as they run, and its ImageIndex. */
function side(file: string, Images: new (db: Database.Database) => Index) {
  const db = new Database(file);
  fill(db);
  refreshPlannerStatistics(db, 'all-tables');
  const prepare = db.prepare.bind(db);
  let log: { sql: string; args: unknown[] }[] = [];
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    for (const method of ['all', 'get', 'iterate'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        log.push({ sql, args });
        return original(...args);
      };
    }
    return statement;
  }) as typeof db.prepare;
  /** The plan of the statement that read the order (the last one run), in one line. */
  const planOf = (work: () => unknown): string => {
    log = [];
    work();
    const { sql, args } = log.at(-1)!;
    return (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
      .map((row) => row.detail)
      .filter((detail) => /^(SCAN|SEARCH) (i|images)\b|TEMP B-TREE FOR ORDER BY/.test(detail))
      .join('; ');
  };
  return { db, images: new Images(db), planOf };
}

async function main(): Promise<void> {
  const source = path.join(work, 'schema-13.db');
  writeImages(source);
  const after = path.join(work, 'after.db');
  fs.copyFileSync(source, after);
  {
    const db = new Database(after);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const started = performance.now();
    migrate(db);
    console.log(`migration 13 → 14 (keys and index for ${count.toLocaleString('en-US')} images, committed): ${(performance.now() - started).toFixed(0)} ms`);
    const size = (file: string): string => {
      const other = new Database(file, { readonly: true });
      const bytes = (other.pragma('page_count', { simple: true }) as number) * (other.pragma('page_size', { simple: true }) as number);
      other.close();
      return `${(bytes / 2 ** 20).toFixed(1)} MB`;
    };
    db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`database: ${size(source)} at schema 13, ${size(after)} with the keys and their index`);
    db.close();
  }
  const sides = [{ name: 'natural (this code)', ...side(after, ImageIndex) }];
  if (values.old) {
    const before = path.join(work, 'before.db');
    fs.copyFileSync(source, before);
    const old = (await import(pathToFileURL(path.resolve(values.old, 'src-main/project/image-index.ts')).href)) as { ImageIndex: new (db: Database.Database) => Index };
    sides.unshift({ name: `binary (${values.old})`, ...side(before, old.ImageIndex) });
  }
  const name = (descending: boolean): ImageSort => ({ key: 'name', descending });
  const filters: ImageFilter[] = [{ kind: 'all' }, { kind: 'unlabeled' }, { kind: 'labeled' }, { kind: 'class', classId: 2 }, { kind: 'evaluation' }, { kind: 'predicted', classId: 3 }, { kind: 'name', text: 'img-1' }];
  const queries: { what: string; work: (images: Index) => unknown }[] = [];
  for (const filter of filters) {
    for (const descending of [false, true]) queries.push({ what: `order ${filter.kind} by name${descending ? ' desc' : ''}`, work: (images) => images.order(filter, name(descending)) });
  }
  queries.push({ what: 'OFFSET page all by name @0', work: (images) => images.list({ kind: 'all' }, 0, 200, name(false)) });
  queries.push({ what: 'OFFSET page all by name desc @0', work: (images) => images.list({ kind: 'all' }, 0, 200, name(true)) });
  queries.push({ what: 'OFFSET page all by name @50,000', work: (images) => images.list({ kind: 'all' }, 50_000, 200, name(false)) });
  queries.push({ what: 'order all by confidence desc (ties by name)', work: (images) => images.order({ kind: 'all' }, { key: 'confidence', descending: true }) });
  queries.push({ what: 'idsMatching unlabeled (Ctrl+A)', work: (images) => images.idsMatching({ kind: 'unlabeled' }) });
  queries.push({ what: 'files (extraction, pool)', work: (images) => images.files() });

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nmedian of ${runs} runs${sides.length > 1 ? ', alternating' : ''}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`| query | ${sides.map((s) => `${s.name} | plan`).join(' | ')} |`);
  console.log(`|---|${sides.map(() => '---|---').join('|')}|`);
  for (const query of queries) {
    const plans = sides.map((s) => s.planOf(() => query.work(s.images)));
    const times = sides.map(() => [] as number[]);
    for (let r = 0; r < runs; r++) {
      sides.forEach((s, k) => {
        const started = performance.now();
        query.work(s.images);
        times[k]!.push(performance.now() - started);
      });
    }
    console.log(`| ${query.what} | ${sides.map((_, k) => `${median(times[k]!).toFixed(1)} ms | ${plans[k]}`).join(' | ')} |`);
  }
  console.log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const s of sides) s.db.close();
  fs.rmSync(work, { recursive: true, force: true });
}

void main();
