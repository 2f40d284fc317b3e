/**
 * Scan throughput and time to first image on a generated 20,000-image folder.
 * Run: npx tsx bench/scan.bench.ts [count]. Prints numbers; asserts nothing.
 * The folder is generated once under bench/.work/ (git-ignored) and reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workspace } from '../src-main/api/workspace';
import { readMedia } from '../src-main/media/image-media';
import { ADMIN_DIR } from '../src-main/project/project-db';
import { writeImage } from '../test/support/image-folder';

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
  fs.rmSync(path.join(dir, ADMIN_DIR), { recursive: true, force: true });
  const workspace = new Workspace({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'adma-bench-')), shell: 'web', version: 'bench' });
  const t0 = performance.now();
  let firstImageMs: number | null = null;
  workspace.events.subscribe((event) => {
    if (event !== 'project:changed' || firstImageMs !== null) return;
    const project = workspace.current;
    const first = project?.images.list({ kind: 'unlabeled' }, 0, 1).items[0];
    if (project && first) {
      firstImageMs = -1; // claimed; measured when the bytes are in hand
      void readMedia(project, first.id, 'full').then(() => {
        firstImageMs = performance.now() - t0;
      });
    }
  });
  await workspace.open(dir, true);
  const full = await workspace.rescan();
  const fullMs = performance.now() - t0;
  const t1 = performance.now();
  const again = await workspace.rescan();
  const rescanMs = performance.now() - t1;
  await workspace.close();
  const dbBytes = fs.statSync(path.join(dir, ADMIN_DIR, 'project.db')).size;
  console.log(`images: ${full.total} (unreadable ${full.unreadable.length})`);
  console.log(`first scan: ${(fullMs / 1000).toFixed(2)} s = ${Math.round(full.total / (fullMs / 1000))} files/s (read, SHA-256, header probe, SQLite)`);
  console.log(`time to first image (open → first image bytes ready): ${firstImageMs === null ? 'n/a' : `${Math.round(firstImageMs)} ms`}`);
  console.log(`rescan, nothing changed: ${(rescanMs / 1000).toFixed(2)} s = ${Math.round(again.unchanged / (rescanMs / 1000))} files/s`);
  console.log(`project database: ${(dbBytes / 1024 / 1024).toFixed(1)} MB (${Math.round(dbBytes / full.total)} bytes per image)`);
}

void main();
