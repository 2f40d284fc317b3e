/**
 * The gallery caption's folder at 100,000 images in 10,000 folders: each tile shows the fewest
 * last folders that tell its folder from every other folder of the project (src-renderer/logic/
 * file-name.ts captionFolders). What it costs: the host's list of the present images' folders
 * (`images:folders`, ImageOrders.folders: readFolders, one DISTINCT over the images, in the
 * order reader thread above 5,000 images; then kept until the database changes), the
 * renderer's rule over that list (once per list), and a tile's look-up
 * (per tile per render); beside the rule, the same rule by comparing each folder with every
 * other (as distinguishingFolders did within a duplicate group), on fewer folders.
 * The folders: `study <s>/patient<p>/slide<k>` (5 studies, 200 patients, 10 slides: 10,000
 * folders, "slide03" in 1,000 of them, "patient7/slide03" in 5), 10 images each, 100 absent.
 * Median of `--runs`. Prints numbers; asserts nothing.
 * `npx tsx bench/caption-folders.bench.ts [--runs 15]`
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { captionFolders, folderOf } from '../src-renderer/logic/file-name';
import { ImageIndex } from '../src-main/project/image-index';
import { ImageOrders, readFolders } from '../src-main/project/image-order';
import { migrate } from '../src-main/project/migrations';
import { refreshPlannerStatistics } from '../src-main/project/project-db';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);

const median = (f: () => unknown): number => {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
};

const folders: string[] = [];
for (let s = 0; s < 5; s++) for (let p = 0; p < 200; p++) for (let k = 0; k < 10; k++) folders.push(`study ${s}/patient${p}/slide${String(k).padStart(2, '0')}`);
const paths = folders.flatMap((folder) => Array.from({ length: 10 }, (_, i) => `${folder}/cell_${String(i).padStart(3, '0')}.png`));

const db = new Database(':memory:');
migrate(db);
db.transaction(() => {
  const insert = db.prepare("INSERT INTO images (rel_path, name_key, size, mtime_ms, hash, width, height, format, added_at) VALUES (?, ?, 1, 0, ?, 8, 8, 'png', 'x')");
  paths.forEach((p, k) => insert.run(p, p, `h${k}`));
  db.prepare('UPDATE images SET present = 0 WHERE id % 1000 = 0').run();
})();
refreshPlannerStatistics(db, 'all-tables');
const images = new ImageIndex(db);
// Every image counts as "few" here: ImageOrders reads the folders on this thread, as the order reader thread would.
const orders = new ImageOrders(db, images, () => ({ dbFile: ':memory:', actor: 'bench' }), () => paths.length, paths.length);

const listed = readFolders(db);
console.log(`${paths.length} images, ${listed.length} folders with a present image`);
console.log(`host: readFolders ${median(() => readFolders(db)).toFixed(1)} ms (in the order reader thread above 5,000 images)`);
await orders.folders();
const again: number[] = [];
for (let r = 0; r < runs; r++) {
  const start = process.hrtime.bigint();
  await orders.folders();
  again.push(Number(process.hrtime.bigint() - start) / 1e6);
}
console.log(`host: images:folders again, database unchanged ${again.sort((a, b) => a - b)[Math.floor(runs / 2)]!.toFixed(3)} ms (kept)`);
const jsList = (): number => new Set((db.prepare('SELECT rel_path FROM images WHERE present = 1').pluck().all() as string[]).map(folderOf)).size;
console.log(`(host, not adopted: every path read, folders in JavaScript ${median(jsList).toFixed(1)} ms)`);
const pathsOnly = db.prepare('SELECT rel_path FROM images WHERE present = 1').pluck();
console.log(`(for scale: reading every present path, nothing done with it ${median(() => pathsOnly.all()).toFixed(1)} ms)`);

const json = JSON.stringify(listed);
console.log(`the list as sent: ${(json.length / 1024).toFixed(0)} KiB of JSON; JSON.parse ${median(() => JSON.parse(json)).toFixed(2)} ms`);
console.log(`renderer: captionFolders over the list ${median(() => captionFolders(listed)).toFixed(1)} ms (once per list)`);
const map = captionFolders(listed);
console.log(`renderer: a look-up for each of the ${paths.length} images ${median(() => paths.forEach((p) => map.get(folderOf(p)))).toFixed(1)} ms (a screen of tiles: ~40)`);

/** The rule by comparing each folder with every other (distinguishingFolders before, generalised). */
function pairwise(list: readonly string[]): string[] {
  const parts = list.map((f) => f.split('/'));
  const last = (folder: readonly string[], count: number): string => folder.slice(Math.max(0, folder.length - count)).join('/');
  return parts.map((folder, i) => {
    let count = 1;
    while (count < folder.length && parts.some((other, j) => j !== i && last(other, count) === last(folder, count))) count++;
    return `${count < folder.length ? '…/' : ''}${last(folder, count)}`;
  });
}
for (const n of [1000, 2000]) {
  const some = listed.slice(0, n);
  const once = (f: () => unknown): number => {
    const start = process.hrtime.bigint();
    f();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  console.log(`${n} folders: each with every other ${once(() => pairwise(some)).toFixed(0)} ms; captionFolders ${median(() => captionFolders(some)).toFixed(2)} ms`);
}
db.close();
