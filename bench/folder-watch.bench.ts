/**
 * The folder watch (src-main/project/folder-watch.ts) on a large project folder: how long until
 * every folder is watched, what it costs in memory and in main-thread stalls, and how long from a
 * file's arrival to the scan it starts.
 * Run: npx tsx bench/folder-watch.bench.ts [files] [folders]. Prints numbers; asserts nothing.
 * The files are empty `.png`s (the watch never reads a file); made once under bench/.work/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FolderWatch } from '../src-main/project/folder-watch';
import { MainThreadStalls } from './support/main-thread-stalls';

const files = Number(process.argv[2] ?? 100_000);
const folders = Number(process.argv[3] ?? 100);
const dir = path.resolve('bench/.work', `watch-${files}-${folders}`);

function generate(): void {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `part-${String(i % folders).padStart(4, '0')}`);
    if (i < folders) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `img-${String(i).padStart(6, '0')}.png`), '');
  }
  fs.writeFileSync(marker, '');
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main(): Promise<void> {
  generate();
  global.gc?.();
  const before = process.memoryUsage();
  const stalls = new MainThreadStalls(50);
  const started = performance.now();

  let scanned: () => void = () => {};
  const scan = new Promise<void>((resolve) => (scanned = resolve));
  const watch = new FolderWatch(dir, {
    onChanged: async () => scanned(),
    onError: (message) => console.error(message),
  });
  await watch.ready();
  const readyMs = performance.now() - started;
  global.gc?.();
  const after = process.memoryUsage();
  const stallReport = stalls.take(3);
  stalls.stop();
  const arrived = performance.now();
  fs.writeFileSync(path.join(dir, 'part-0000', 'arrived.png'), 'x');
  await scan;
  const latencyMs = performance.now() - arrived;
  await watch.close();
  fs.rmSync(path.join(dir, 'part-0000', 'arrived.png'));
  console.log(`folder watch, ${files.toLocaleString('en')} files in ${folders} folders (@parcel/watcher ${JSON.parse(fs.readFileSync('node_modules/@parcel/watcher/package.json', 'utf8')).version}, Node ${process.version})`);
  console.log(`  every folder watched after ${(readyMs / 1000).toFixed(2)} s`);
  console.log(`  memory held: heap +${mb(after.heapUsed - before.heapUsed)}, rss +${mb(after.rss - before.rss)}`);
  console.log(`  main-thread stalls over 50 ms while it starts: ${stallReport}`);
  console.log(`  a file written to its scan starting: ${(latencyMs / 1000).toFixed(2)} s (1 s of it the quiet time, by design)`);
}

void main();
