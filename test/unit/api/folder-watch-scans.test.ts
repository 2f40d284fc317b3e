/**
 * A workspace that watches its project's folder (as both shells do) finds images copied in,
 * renamed or deleted while the project is open without a rescan being asked for: the scan it
 * starts is the latest for every window (`project:scans`, marked as the watch's), a renamed
 * labeled file keeps its label, and a deleted one is named as a missing labeled file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import type { ScanReport } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { until } from '../../support/until';
import { imageFolder, tempDir, writeImage } from '../../support/image-folder';

let workspace: Workspace | null = null;
afterEach(async () => {
  await workspace?.shutdown();
  workspace = null;
});

/**
 * The report of the first scan to end from now on that the watch started and that `found` holds
 * for (the events say when a scan job ends). A rename can be seen as two scans on a busy machine
 * (the file gone, then the new name): the state is waited for, not the next scan.
 */
function watchedScan(ws: Workspace, found: (report: ScanReport) => boolean): Promise<ScanReport> {
  return new Promise((resolve) => {
    const off = ws.events.subscribe((event, payload) => {
      if (event !== 'job:completed' || (payload as { kind: string }).kind !== 'scan') return;
      const { latest, latestWatched } = ws.scans();
      if (!latestWatched || !latest || !found(latest)) return;
      off();
      resolve(latest);
    });
  });
}

it('images copied in, renamed or deleted while the project is open are scanned by themselves', async () => {
  const root = await imageFolder(4);
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine(), watchFolders: true });
  workspace = ws;
  const call = handlerCaller(() => createHandlers(ws));
  await ws.open(root, true);
  await ws.rescan(); // shares the opening's scan
  await ws.folderWatchReady();
  const bee = await call('classes:create', { name: 'bee' });
  await call('labels:set', { imageIds: [1, 2], classId: bee.id });

  let scanned = watchedScan(ws, (report) => report.added > 0);
  await writeImage(path.join(root, 'new', 'copied.png'), 99);
  expect(await scanned).toMatchObject({ added: 1, removed: 0, moved: 0, addedFiles: ['new/copied.png'] });
  expect(ws.summary()?.imageCount).toBe(5);

  scanned = watchedScan(ws, (report) => report.moved > 0);
  fs.renameSync(path.join(root, 'img-0000.png'), path.join(root, 'renamed.png'));
  expect(await scanned).toMatchObject({ added: 0, moved: 1, movedFiles: [{ imageId: 1, from: 'img-0000.png', to: 'renamed.png', labeled: true }] });
  expect(await call('images:get', { id: 1 })).toMatchObject({ relPath: 'renamed.png', classId: bee.id });

  scanned = watchedScan(ws, (report) => report.removed > 0);
  fs.rmSync(path.join(root, 'img-0001.png'));
  const removed = await scanned;
  expect(removed).toMatchObject({ removed: 1 });
  expect(removed.labeledRemoved.map((image) => image.relPath)).toEqual(['img-0001.png']);
  expect(ws.summary()?.imageCount).toBe(4);
});


it('a close and an open at once (two windows) leave the project opened open: the close closes only its own', async () => {
  const [a, b] = [await imageFolder(2), await imageFolder(2)];
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine(), watchFolders: true });
  workspace = ws;
  await ws.open(a, true);
  await ws.rescan();
  const closing = ws.close();
  const opened = await ws.open(b, true);
  await closing;
  expect(ws.summary()).toMatchObject({ path: opened.path, session: opened.session });
  expect(await ws.rescan()).toMatchObject({ total: 2 });
});

it('a Rescan asked for while the watch scans shares that scan, and its report is no longer the watch alone', async () => {
  const root = await imageFolder(40);
  const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine(), watchFolders: true });
  workspace = ws;
  await ws.open(root, true);
  await ws.rescan();
  await ws.folderWatchReady();
  // A window's Rescan, asked while the scan the watch started runs (the scan's progress events say it does).
  let asked: Promise<ScanReport> | null = null;
  const off = ws.events.subscribe((event) => {
    if (asked === null && (event === 'job:progress' || event === 'project:changed') && ws.current?.isScanning) asked = ws.rescan();
  });
  await writeImage(path.join(root, 'late.png'), 77);
  await until('a Rescan asked while the watch scans', async () => asked !== null, { paceMs: 150 });
  off();
  expect(await asked).toMatchObject({ added: 1 });
  expect(ws.scans()).toMatchObject({ latest: { added: 1 }, latestWatched: false });
});
