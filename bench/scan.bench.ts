/**
 * Scan throughput and time to first image on a generated 20,000-image folder.
 * Run: npx tsx bench/scan.bench.ts [count]. Prints numbers; asserts nothing.
 * The folder is generated once under bench/.work/ (git-ignored) and reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeImage } from '../test/support/image-folder';
import { measureScan, scanTimingLines } from './support/measure-scan';

const count = Number(process.argv[2] ?? 20_000);
const dir = path.resolve('bench/.work', `scan-${count}`);

async function generate(): Promise<void> {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return;
  const started = performance.now();
  const batch: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const sub = `part-${String(Math.floor(i / 1000)).padStart(2, '0')}`;
    batch.push(writeImage(path.join(dir, sub, `img-${String(i).padStart(6, '0')}.${i % 2 ? 'jpg' : 'png'}`), i + 1, i % 2 ? 'jpeg' : 'png', 96));
    if (batch.length >= 64) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  fs.writeFileSync(marker, '');
  console.error(`generated ${count} images (96x96, half PNG, half JPEG) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  await generate();
  const timing = await measureScan(dir, 'full');
  await timing.workspace.shutdown();
  for (const line of scanTimingLines(timing)) console.log(line);
}

void main();
