/**
 * The folder watch (folder-watch.ts): which events count as a change, that a change made on disk
 * starts a scan once the folder is quiet, and that a change made while that scan runs starts
 * another after it. Every wait is for a call, never for a duration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countsAsChange, FolderWatch } from '../../../src-main/project/folder-watch';
import { tempDir, writeImage } from '../../support/image-folder';

let watch: FolderWatch | null = null;
afterEach(async () => {
  await watch?.close();
  watch = null;
});

/** A scan callback whose calls are counted and held open until released. */
function scans() {
  const waiting: (() => void)[] = [];
  let calls = 0;
  let release: (() => void) | null = null;
  return {
    get calls() {
      return calls;
    },
    /** Resolves when the `n`-th scan has started. */
    started(n: number): Promise<void> {
      return calls >= n ? Promise.resolve() : new Promise((resolve) => waiting.push(() => calls >= n && resolve()));
    },
    onChanged: (): Promise<void> => {
      calls += 1;
      for (const wake of waiting) wake();
      return new Promise<void>((resolve) => (release = resolve));
    },
    /** Ends the scan that is running. */
    end(): void {
      release?.();
      release = null;
    },
  };
}

describe('countsAsChange', () => {
  const folder = async () => true;
  const file = async () => false;
  const never = async (): Promise<boolean> => expect.fail('an image path or a deletion needs no look at the disk');

  it('counts image files made, changed or deleted, supported or not', async () => {
    expect(await countsAsChange('create', 'a.png', never)).toBe(true);
    expect(await countsAsChange('update', 'sub/b.JPG', never)).toBe(true);
    expect(await countsAsChange('delete', 'sub/deeper/c.tiff', never)).toBe(true);
    expect(await countsAsChange('create', 'scan.heic', never)).toBe(true); // not supported: the scan lists it as skipped
  });

  it('counts a folder made (one moved in gives no event for its images) and anything deleted (a folder moved away is one event)', async () => {
    expect(await countsAsChange('create', 'new folder', folder)).toBe(true);
    expect(await countsAsChange('create', 'batch.2', folder)).toBe(true);
    expect(await countsAsChange('delete', 'old folder', never)).toBe(true);
  });

  it('does not count other files made or changed, a folder changed, hidden paths, or the project folder itself', async () => {
    expect(await countsAsChange('create', 'notes.txt', file)).toBe(false);
    expect(await countsAsChange('update', 'labels.csv', file)).toBe(false);
    expect(await countsAsChange('update', 'sub', folder)).toBe(false);
    expect(await countsAsChange('create', '.adma/thumbs/1.webp', never)).toBe(false);
    expect(await countsAsChange('update', '.adma/project.db-wal', never)).toBe(false);
    expect(await countsAsChange('create', 'sub/.hidden.png', never)).toBe(false);
    expect(await countsAsChange('delete', '.cache', never)).toBe(false);
    expect(await countsAsChange('delete', '', never)).toBe(false);
  });
});

describe('FolderWatch', () => {
  it('scans once the folder is quiet after images come, and again for a change made during that scan', async () => {
    const root = tempDir('adma-watch-');
    await writeImage(path.join(root, 'a.png'), 1);
    const scan = scans();
    watch = new FolderWatch(root, { onChanged: scan.onChanged, onError: (m) => expect.fail(m), quietMs: 50 });
    await watch.ready();

    // A burst of images: one scan.
    for (let i = 0; i < 5; i++) await writeImage(path.join(root, 'new', `n${i}.png`), 10 + i);
    await scan.started(1);

    // Changes while that scan runs wait for it, then start another. A second watch on the folder,
    // slower to call (300 ms of quiet against 50), says when the change has been seen and the
    // first watch's quiet time has passed: a watch that did not wait would have called by then.
    const sentinel = scans();
    const second = new FolderWatch(root, { onChanged: sentinel.onChanged, onError: (m) => expect.fail(m), quietMs: 300 });
    try {
      await second.ready();
      fs.rmSync(path.join(root, 'a.png'));
      await writeImage(path.join(root, 'b.png'), 2);
      await sentinel.started(1);
      expect(scan.calls).toBe(1);
      scan.end();
      await scan.started(2);
      scan.end();
    } finally {
      sentinel.end();
      await second.close();
    }
  });

  it('a closed watch starts no scan', async () => {
    const root = tempDir('adma-watch-');
    const scan = scans();
    watch = new FolderWatch(root, { onChanged: scan.onChanged, onError: (m) => expect.fail(m), quietMs: 50 });
    await watch.ready();
    await watch.close();
    await writeImage(path.join(root, 'late.png'), 3);
    // Another watch on the same folder sees the next image: by then the closed one would have fired too.
    const other = scans();
    watch = new FolderWatch(root, { onChanged: other.onChanged, onError: (m) => expect.fail(m), quietMs: 50 });
    await watch.ready();
    await writeImage(path.join(root, 'later.png'), 4);
    await other.started(1);
    other.end();
    expect(scan.calls).toBe(0);
  });
});
