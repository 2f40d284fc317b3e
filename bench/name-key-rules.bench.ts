/**
 * What the name keys' new rules (natural-name.ts NAME_KEY_RULES 2: a folder's own name after its
 * units, so folders alike keep their files together) cost a project of 100,000 images at its
 * first open by this version: keepNameKeysCurrent keys every path again in one UPDATE (the
 * images_name index rewritten with it), once; and the size of the keys (each folder's name is in
 * its key twice now). In memory, `--images` rows in 10,000 folders `study <s>/patient<p>/
 * slide<k>`, keyed as by rules 1, `--runs` times on fresh copies; median. Prints numbers; asserts
 * nothing. `npx tsx bench/name-key-rules.bench.ts [--images 100000] [--runs 5]`
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { keepNameKeysCurrent, migrate } from '../src-main/project/migrations';
import { naturalNameKey } from '../src-shared/natural-name';

const { values } = parseArgs({ options: { images: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } } });
const count = Number(values.images);
const runs = Number(values.runs);

const paths = Array.from({ length: count }, (_, k) => {
  const folder = Math.floor(k / 10);
  return `study ${folder % 5}/patient${Math.floor(folder / 5) % 200}/slide${String(Math.floor(folder / 1000)).padStart(2, '0')}/cell_${k % 10}.png`;
});
/** The key by rules 1: each component's units, nothing more. */
const rulesOne = (p: string): string => p.split('/').map((c) => naturalNameKey(c)).join('\u0001');

const times: number[] = [];
let sizes = { before: 0, after: 0 };
for (let r = 0; r < runs; r++) {
  const db = new Database(':memory:');
  migrate(db);
  db.transaction(() => {
    const insert = db.prepare("INSERT INTO images (rel_path, name_key, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, ?, 1, 0, ?, 8, 8, 'png', 'x')");
    paths.forEach((p, k) => insert.run(p, rulesOne(p), `h${k}`));
    db.prepare("DELETE FROM meta WHERE key = 'name_key_rules'").run();
  })();
  const keyBytes = (): number => db.prepare('SELECT SUM(length(CAST(name_key AS BLOB))) FROM images').pluck().get() as number;
  const before = keyBytes();
  const start = process.hrtime.bigint();
  const written = keepNameKeysCurrent(db);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (written !== count) throw new Error(`expected ${count} keys written, got ${written}`);
  sizes = { before, after: keyBytes() };
  db.close();
}
times.sort((a, b) => a - b);
console.log(`${count} images: every key again (rules 1 to 2) ${times[Math.floor(runs / 2)]!.toFixed(0)} ms median (${times.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`keys: ${(sizes.before / count).toFixed(1)} bytes a path before, ${(sizes.after / count).toFixed(1)} after`);
