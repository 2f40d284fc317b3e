/**
 * The evaluation set's room (AdaptationStore.placeCounts: the evaluation set, training labels,
 * the loop's pool, unsure, what a sample draws from) at 100,000 images, as the dashboard and the
 * Label view (when a batch is done) read it, against one pass joining every image (the first
 * version): both counts are printed (they must agree) with the times of `--runs` reads. Then the
 * database reads of one `dashboard:get` (Evaluation.dashboard with no version to score: versions,
 * evaluation labels, class list, room, training labels), with `--old <checkout of the code
 * before>` the old code's and the new alternating, and the present-image count's query plan.
 * In-memory database of the current schema: 550 labels, 200 evaluation images, 40 unsure marks,
 * 500 queried images, `--absent` images absent (100), planner statistics made as at every open.
 * Prints numbers; asserts nothing.
 * `npx tsx bench/evaluation-room.bench.ts [--images 100000] [--absent 100] [--runs 7] [--old DIR]`
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { AdaptationStore } from '../src-main/adaptation/adaptation-store';
import { ClassStore } from '../src-main/project/class-store';
import { PRESENT_IMAGE_COUNT } from '../src-main/project/image-index';
import { migrate } from '../src-main/project/migrations';
import { refreshPlannerStatistics } from '../src-main/project/project-db';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '100000' },
    absent: { type: 'string', default: '100' },
    runs: { type: 'string', default: '7' },
    old: { type: 'string' },
  },
});
const count = Number(values.images);
const absent = Number(values.absent);
const runs = Number(values.runs);

const db = new Database(':memory:');
migrate(db);
const at = '2026-11-30T00:00:00Z';
db.transaction(() => {
  const image = db.prepare('INSERT INTO images (id, rel_path, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, ?, 1, 0, ?, 10, 10, ?, ?)');
  for (let i = 1; i <= count; i++) image.run(i, `img-${i}.png`, `h${i}`, 'png', at);
  db.prepare("INSERT INTO classes (id, name, color, hotkey, position, created_at) VALUES (1, 'a', '#000', '1', 0, ?)").run(at);
  const label = db.prepare("INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, 1, ?, 'bench')");
  for (let i = 1; i <= 550; i++) label.run((i * 97) % count || 1, at);
  const evaluation = db.prepare('INSERT OR IGNORE INTO evaluation_images (image_id, added_at) VALUES (?, ?)');
  for (let i = 1; i <= 200; i++) evaluation.run((i * 301) % count || 2, at);
  db.prepare("INSERT INTO rounds (id, round_index, model_id, strategy, schedule, batch_size, model_version, created_at) VALUES (1, 0, 'm', 'adma', '{}', 500, 0, ?)").run(at);
  const item = db.prepare("INSERT INTO round_items (round_id, position, image_id, reason) VALUES (1, ?, ?, 'bench')");
  for (let i = 0; i < 500; i++) item.run(i, ((i * 113) % count) + 1);
  const unsure = db.prepare("INSERT OR IGNORE INTO unsure (image_id, marked_at, actor) VALUES (?, ?, 'bench')");
  for (let i = 1; i <= 40; i++) unsure.run(((i * 1013) % count) + 1, at);
  db.prepare('DELETE FROM labels WHERE image_id IN (SELECT image_id FROM unsure)').run();
  db.prepare('UPDATE images SET present = 0 WHERE id IN (SELECT id FROM images ORDER BY id DESC LIMIT ?)').run(absent);
})();
refreshPlannerStatistics(db, 'all-tables');

const onePass = db.prepare(
  `SELECT COUNT(*) AS present, SUM(e.image_id IS NOT NULL) AS evaluation, SUM(e.image_id IS NOT NULL AND l.image_id IS NOT NULL) AS evaluationLabeled,
          SUM(e.image_id IS NULL AND l.image_id IS NOT NULL) AS training, SUM(e.image_id IS NULL AND l.image_id IS NULL AND u.image_id IS NULL) AS pool,
          SUM(e.image_id IS NULL AND l.image_id IS NULL AND u.image_id IS NOT NULL) AS unsure,
          SUM(e.image_id IS NULL AND l.image_id IS NULL AND u.image_id IS NULL AND NOT EXISTS (SELECT 1 FROM round_items r WHERE r.image_id = i.id)) AS sampleable
   FROM images i LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN evaluation_images e ON e.image_id = i.id LEFT JOIN unsure u ON u.image_id = i.id
   WHERE i.present = 1`,
);
const store = new AdaptationStore(db);

function timed(name: string, read: () => unknown): void {
  const times: number[] = [];
  let result: unknown = null;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    result = read();
    times.push(performance.now() - started);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${name}: median ${sorted[Math.floor(runs / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms  ${JSON.stringify(result)}`);
}

console.log(`${count} images (${absent} absent), ${runs} reads each`);
timed('one pass joining every image', () => onePass.get());
timed('placeCounts (small tables, present by index)', () => store.placeCounts());

/** The database reads of one dashboard:get when no model version is to be scored (Evaluation.dashboard). */
function dashboardReads(code: { store: AdaptationStore; classes: ClassStore }): unknown {
  const { store, classes } = code;
  store.versions();
  const evaluation = store.evaluationLabels();
  return { classes: classes.list().length, evaluationLabels: evaluation.size, room: store.placeCounts(), training: store.trainingLabelCount() };
}

const codes: Record<string, { store: AdaptationStore; classes: ClassStore }> = { new: { store, classes: new ClassStore(db, 'bench') } };
if (values.old) {
  const from = (file: string): string => pathToFileURL(path.resolve(values.old!, file)).href;
  const old = {
    store: (await import(from('src-main/adaptation/adaptation-store.ts'))) as { AdaptationStore: typeof AdaptationStore },
    classes: (await import(from('src-main/project/class-store.ts'))) as { ClassStore: typeof ClassStore },
  };
  codes.old = { store: new old.store.AdaptationStore(db), classes: new old.classes.ClassStore(db, 'bench') };
}
const times: Record<string, number[]> = {};
const answer: Record<string, unknown> = {};
for (let r = 0; r < runs; r++) {
  for (const [name, code] of Object.entries(codes)) {
    const started = performance.now();
    answer[name] = dashboardReads(code);
    (times[name] ??= []).push(performance.now() - started);
  }
}
for (const [name, list] of Object.entries(times)) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`dashboard:get's reads, ${name} code: median ${sorted[Math.floor(runs / 2)]!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms  ${JSON.stringify(answer[name])}`);
}
const plan = db.prepare(`EXPLAIN QUERY PLAN ${PRESENT_IMAGE_COUNT}`).all() as { detail: string }[];
console.log(`present-image count's plan: ${plan.map((p) => p.detail).join('; ')}`);
