/**
 * What the class list costs now that it carries each class's evaluation labels (the class bar,
 * the Classes view and the gallery split training and held-out labels; ClassStore.list), against
 * the list before (counts from class_label_counts only) and the training-label count the
 * dashboard already takes. 100,000 images in memory, 8 classes, labels and evaluation images as
 * given; median of 21 calls. `npx tsx bench/class-list.bench.ts`
 */
import Database from 'better-sqlite3';
import { checkClassLabelCounts } from '../src-main/project/class-label-counts';
import { ClassStore } from '../src-main/project/class-store';
import { migrate } from '../src-main/project/migrations';
import { refreshPlannerStatistics } from '../src-main/project/project-db';

const BEFORE = `SELECT c.id, c.name, c.color, c.hotkey, c.position, COALESCE(n.labels, 0) AS label_count
  FROM classes c LEFT JOIN class_label_counts n ON n.class_id = c.id WHERE c.deleted_at IS NULL ORDER BY c.position, c.id`;
const TRAINING = `SELECT (SELECT COUNT(*) FROM labels)
  - (SELECT COUNT(*) FROM images i CROSS JOIN labels l ON l.image_id = i.id WHERE i.present = 0)
  - (SELECT COUNT(*) FROM evaluation_images e CROSS JOIN images i ON i.id = e.image_id CROSS JOIN labels l ON l.image_id = e.image_id WHERE i.present = 1)`;

const median = (f: () => unknown): number => {
  const times: number[] = [];
  for (let r = 0; r < 21; r++) {
    const start = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[10] as number;
};

for (const [labels, evaluation] of [[550, 200], [5000, 1000], [20000, 5000], [100000, 20000]] as const) {
  const db = new Database(':memory:');
  migrate(db);
  const at = '2026-11-30T00:00:00Z';
  db.transaction(() => {
    const image = db.prepare('INSERT INTO images (id, rel_path, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, ?, 1, 0, ?, 10, 10, ?, ?)');
    for (let i = 1; i <= 100_000; i++) image.run(i, `img-${i}.png`, `h${i}`, 'png', at);
    for (let c = 1; c <= 8; c++) db.prepare("INSERT INTO classes (id, name, color, hotkey, position, created_at) VALUES (?, ?, '#000', ?, ?, ?)").run(c, `c${c}`, String(c), c, at);
    const label = db.prepare("INSERT OR IGNORE INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, ?, 'bench')");
    for (let i = 1; i <= labels; i++) label.run(i, (i % 8) + 1, at);
    const held = db.prepare('INSERT OR IGNORE INTO evaluation_images (image_id, added_at) VALUES (?, ?)');
    for (let i = 1; i <= evaluation; i++) held.run(((i * 3) % labels) + 1, at);
  })();
  checkClassLabelCounts(db);
  refreshPlannerStatistics(db, 'all-tables');
  const store = new ClassStore(db, 'bench');
  const before = db.prepare(BEFORE);
  const training = db.prepare(TRAINING).pluck();
  for (let k = 0; k < 3; k++) {
    before.all();
    store.list();
    training.get();
  }
  const held = store.list().reduce((sum, c) => sum + c.evaluationCount, 0);
  console.log(
    `${labels} labels, ${held} of them evaluation: class list before ${median(() => before.all()).toFixed(3)} ms, now ${median(() => store.list()).toFixed(3)} ms; training-label count ${median(() => training.get()).toFixed(3)} ms`,
  );
  db.close();
}
