/**
 * SQLite planner statistics at 100,000 images: the hot queries of the gallery (every filter ×
 * sort key × direction: the order reader's whole order, a page's items, an OFFSET page), the
 * label counts, the class list, the queue, the same-content groups, each timed and its query plan
 * (EXPLAIN QUERY PLAN of the exact SQL and arguments the app's code runs) compared on two copies
 * of one database: without statistics (as every project was before) and after
 * `refreshPlannerStatistics(db, 'all-tables')` (project-db.ts: `PRAGMA optimize=0x10002`).
 *
 * Run: `npx tsx bench/db-statistics.bench.ts [--db bench/.work/scale-100000-500/.adma/project.db]
 * [--labels 550] [--runs 5]`. The project database is copied (a real copy, never a link) under
 * bench/.work/db-statistics/ and filled as a project in use: 5 classes (one deleted), `--labels`
 * labels, 30 unsure marks, 200 evaluation images, a prediction for every image, 10 rounds of 50
 * queried images, 1,000 imported suggestions, 100 images absent. Prints numbers; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { AdaptationStore } from '../src-main/adaptation/adaptation-store';
import { ClassStore } from '../src-main/project/class-store';
import { ImageIndex } from '../src-main/project/image-index';
import { refreshPlannerStatistics } from '../src-main/project/project-db';
import { IMAGE_SORT_KEYS, type ImageFilter, type ImageSort } from '../src-shared/requests/images';
import { mulberry32 as random } from '../src-main/core/seeded-random';
import { distinctPicker } from './support/distinct-picker';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'bench/.work/scale-100000-500/.adma/project.db' },
    labels: { type: 'string', default: '550' },
    runs: { type: 'string', default: '5' },
  },
});
const labelCount = Number(values.labels);
const runs = Number(values.runs);
const workDir = path.resolve('bench/.work/db-statistics');

function fill(db: Database.Database): void {
  const rand = random(7);
  const ids = db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
  const pick = distinctPicker(ids, rand);
  db.transaction(() => {
    const at = '2026-11-30T00:00:00Z';
    const classes = ['neutrophil', 'lymphocyte', 'monocyte', 'eosinophil', 'basophil'];
    classes.forEach((name, k) => db.prepare('INSERT INTO classes (id, name, color, hotkey, position, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(k + 1, name, '#336699', String(k + 1), k, at, k === 4 ? at : null));
    const label = db.prepare('INSERT OR REPLACE INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, ?, ?)');
    const labeled = pick(labelCount);
    for (const id of labeled) label.run(id, 1 + Math.floor(rand() * 4), at, 'bench');
    const labeledSet = new Set(labeled);
    const unsure = db.prepare('INSERT OR IGNORE INTO unsure (image_id, marked_at, actor) VALUES (?, ?, ?)');
    for (const id of pick(60).filter((id) => !labeledSet.has(id)).slice(0, 30)) unsure.run(id, at, 'bench');
    const evaluation = db.prepare('INSERT OR IGNORE INTO evaluation_images (image_id, added_at) VALUES (?, ?)');
    for (const id of pick(200)) evaluation.run(id, at);
    const predict = db.prepare('INSERT INTO predictions (image_id, model_version, class_id, probability) VALUES (?, 1, ?, ?)');
    for (const id of ids) predict.run(id, 1 + Math.floor(rand() * 5), 0.25 + Math.round(rand() * 75) / 100);
    for (let r = 1; r <= 10; r++) {
      db.prepare("INSERT INTO rounds (id, round_index, model_id, strategy, schedule, batch_size, model_version, created_at) VALUES (?, ?, 'm', 'adma', '{}', 50, ?, ?)").run(r, r - 1, r - 1, at);
      const item = db.prepare("INSERT INTO round_items (round_id, position, image_id, distinctiveness, uncertainty, score, reason) VALUES (?, ?, ?, 0.5, 0.5, ?, 'bench')");
      pick(50).forEach((id, position) => item.run(r, position, id, rand()));
    }
    const imported = db.prepare("INSERT OR IGNORE INTO imported_suggestions (image_id, class_id, probability, source, imported_at) VALUES (?, ?, ?, 'bench.csv', ?)");
    for (const id of pick(1000)) imported.run(id, 1 + Math.floor(rand() * 4), rand(), at);
    const absent = db.prepare('UPDATE images SET present = 0 WHERE id = ?');
    for (const id of pick(100)) absent.run(id);
  })();
}

interface Captured {
  sql: string;
  args: unknown[];
}

/** The connection with every statement's SQL and arguments recorded as it runs. */
function recording(file: string): { db: Database.Database; runsOf: (work: () => unknown) => Captured[] } {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  const prepare = db.prepare.bind(db);
  let log: Captured[] | null = null;
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    for (const method of ['all', 'get', 'run', 'iterate'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        log?.push({ sql, args });
        return original(...args);
      };
    }
    return statement;
  }) as typeof db.prepare;
  return {
    db,
    runsOf: (work) => {
      log = [];
      work();
      const captured = log;
      log = null;
      return captured;
    },
  };
}

function planOf(db: Database.Database, captured: Captured[]): string {
  return captured
    .map(({ sql, args }) => {
      const rows = (Database.prototype.prepare.call(db, `EXPLAIN QUERY PLAN ${sql}`) as Database.Statement<unknown[]>).all(...args) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>();
      return rows
        .map((row) => {
          const d = (depth.get(row.parent) ?? -1) + 1;
          depth.set(row.id, d);
          return `${'  '.repeat(d)}${row.detail}`;
        })
        .join('\n');
    })
    .join('\n--\n');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const plain = path.join(workDir, 'plain.db');
  const analysed = path.join(workDir, 'analysed.db');
  fs.copyFileSync(path.resolve(values.db), plain, fs.constants.COPYFILE_EXCL);
  {
    const db = new Database(plain);
    db.pragma('journal_mode = DELETE');
    const stat = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get();
    if (stat) db.exec('DROP TABLE sqlite_stat1');
    fill(db);
    db.close();
  }
  fs.copyFileSync(plain, analysed, fs.constants.COPYFILE_EXCL);
  {
    const db = new Database(analysed);
    const started = performance.now();
    refreshPlannerStatistics(db, 'all-tables');
    const openMs = performance.now() - started;
    const again = performance.now();
    refreshPlannerStatistics(db, 'used-tables');
    const closeMs = performance.now() - again;
    const reopen = performance.now();
    refreshPlannerStatistics(db, 'all-tables');
    const reopenMs = performance.now() - reopen;
    const stats = db.prepare('SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx').all() as { tbl: string; idx: string | null; stat: string }[];
    console.log(`'all-tables' (PRAGMA optimize=0x10002): ${openMs.toFixed(0)} ms; then 'used-tables' (PRAGMA optimize): ${closeMs.toFixed(1)} ms; 'all-tables' again (the next open): ${reopenMs.toFixed(1)} ms; sqlite_stat1 rows: ${stats.length}`);
    for (const s of stats) console.log(`  ${s.tbl} ${s.idx ?? '-'}: ${s.stat}`);
    db.close();
  }
  const sides = [plain, analysed].map((file) => {
    const side = recording(file);
    return { ...side, images: new ImageIndex(side.db), classes: new ClassStore(side.db, 'bench'), store: new AdaptationStore(side.db) };
  });
  const [a] = sides;
  const firstIds = (a!.db.prepare('SELECT id FROM images WHERE present = 1 ORDER BY rel_path LIMIT 200 OFFSET 40000').pluck().all() as number[]);
  const filters: ImageFilter[] = [
    { kind: 'all' },
    { kind: 'unlabeled' },
    { kind: 'labeled' },
    { kind: 'unsure' },
    { kind: 'class', classId: 2 },
    { kind: 'evaluation' },
    { kind: 'predicted', classId: 3 },
  ];
  const sorts: ImageSort[] = IMAGE_SORT_KEYS.flatMap((key) => [
    { key, descending: false },
    { key, descending: true },
  ]);
  type Side = (typeof sides)[number];
  const queries: { name: string; work: (s: Side) => unknown }[] = [];
  for (const filter of filters) {
    for (const sort of sorts) {
      const name = `order ${filter.kind} by ${sort.key}${sort.descending ? ' desc' : ''}`;
      queries.push({ name, work: (s) => s.images.order(filter, sort) });
    }
  }
  queries.push({ name: 'page items (itemsOf 200 ids)', work: (s) => s.images.itemsOf(firstIds) });
  for (const sort of [sorts[0]!, sorts[4]!, sorts[6]!]) {
    queries.push({ name: `OFFSET page all by ${sort.key} @50,000`, work: (s) => s.images.list({ kind: 'all' }, 50000, 200, sort) });
  }
  queries.push({ name: 'OFFSET page predicted by confidence @0', work: (s) => s.images.list({ kind: 'predicted', classId: 3 }, 0, 200, { key: 'confidence', descending: true }) });
  queries.push({ name: 'counts (summary)', work: (s) => s.images.counts() });
  queries.push({ name: 'labelCounts', work: (s) => s.images.labelCounts() });
  queries.push({ name: 'class list with label counts', work: (s) => s.classes.list() });
  queries.push({ name: 'queue (latest round with items)', work: (s) => s.store.latestRound() });
  queries.push({ name: 'queue (10 rounds with items)', work: (s) => s.store.rounds(10) });
  queries.push({ name: 'idsMatching unlabeled', work: (s) => s.images.idsMatching({ kind: 'unlabeled' }) });
  queries.push({ name: 'sameContent', work: (s) => s.images.sameContent() });

  console.log(`\n${queries.length} queries, ${labelCount} labels, median of ${runs} runs alternating without/with statistics; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| query | without statistics | with statistics | plan |');
  console.log('|---|---|---|---|');
  const changed: string[] = [];
  for (const query of queries) {
    const plans = sides.map((s) => planOf(s.db, s.runsOf(() => query.work(s))));
    const times: number[][] = [[], []];
    for (let r = 0; r < runs; r++) {
      sides.forEach((s, k) => {
        const started = performance.now();
        query.work(s);
        times[k]!.push(performance.now() - started);
      });
    }
    const same = plans[0] === plans[1];
    if (!same) changed.push(`### ${query.name}\nwithout:\n${plans[0]}\nwith:\n${plans[1]}\n`);
    console.log(`| ${query.name} | ${median(times[0]!).toFixed(1)} ms | ${median(times[1]!).toFixed(1)} ms | ${same ? 'same' : '**changed**'} |`);
  }
  console.log(`\nload ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n${changed.length} changed plans:\n${changed.join('\n')}`);
  for (const s of sides) s.db.close();
}

void main();
