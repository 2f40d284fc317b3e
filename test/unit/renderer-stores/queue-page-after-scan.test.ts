/**
 * A page of the queue asked before a scan's news and answered after it: the label view drops the
 * images whose files went (dropGone) while the page is on its way. Against a fake API whose page
 * answer the test holds until then, the page's image whose file went must not come in, and no
 * image still listed is skipped. It came in: the page was appended as answered, before the scan.
 */
import { beforeEach, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import type { ImageItem, RawApi } from '../../../src-shared/contract';
import { until } from '../../support/until';

/** The server's unlabeled images, in folder order (the scans change it). */
let listed: number[] = [];
/** When set, the next images:list answer waits for it. */
let hold: Promise<void> | null = null;
const pagesAsked: { offset: number }[] = [];

const image = (id: number): ImageItem => ({ id, relPath: `img-${id}.png`, width: 48, height: 48, size: 100, mtimeMs: 0, hash: `h${id}`, classId: null, labeledAt: null, unsure: false, evaluation: false, suggestion: null });

async function answer(channel: string, args: { offset?: number; limit?: number; ids?: number[] }): Promise<unknown> {
  if (channel === 'images:list') {
    const { offset = 0, limit = 0 } = args;
    pagesAsked.push({ offset });
    // Answered as the server lists now; delivered when the test lets it.
    const page = { total: listed.length, items: listed.slice(offset, offset + limit).map(image) };
    const waiting = hold;
    hold = null;
    if (waiting) await waiting;
    return page;
  }
  if (channel === 'images:byIds') return (args.ids ?? []).filter((id) => listed.includes(id)).map(image);
  throw new Error(`unexpected request ${channel}`);
}

useBridge({
  raw: new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return () => () => undefined;
      return async (args: { offset?: number; limit?: number; ids?: number[] }) => ({ ok: true, value: await answer(String(key), args) });
    },
  }),
  kind: 'web',
  mediaUrl: () => '',
  onStatus: () => () => undefined,
});

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

beforeEach(() => {
  pagesAsked.length = 0;
  hold = null;
});

it('a page asked before a scan and answered after the files went brings none of them back, and skips none still listed', async () => {
  listed = [1, 2, 3, 4, 5];
  await labeling.start({ kind: 'queue' });
  expect(labeling.items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5]);

  // A first scan finds three images: the next page is asked, and its answer held.
  listed = [1, 2, 3, 4, 5, 6, 7, 8];
  let release!: () => void;
  hold = new Promise((resolve) => (release = resolve));
  const grew = labeling.sourceGrew();
  await until('the next page to be asked', () => pagesAsked.length === 2);
  expect(pagesAsked[1]).toEqual({ offset: 5 });

  // A second scan finds a loaded image's file gone and one of the held page's too.
  listed = [1, 2, 4, 5, 6, 8];
  await labeling.dropGone();
  expect(labeling.items.map((i) => i.id)).toEqual([1, 2, 4, 5]);

  release();
  await grew;
  expect(labeling.items.map((i) => i.id)).toEqual([1, 2, 4, 5, 6, 8]);
  expect(labeling.total).toBe(6);
});

it('a page asked again while the images found gone wait to leave the sequence does not count them in its offset', async () => {
  // A full first page (200), on its last image.
  listed = range(1, 205);
  await labeling.start({ kind: 'queue' }, { startAt: 200 });
  expect(labeling.current?.id).toBe(200);

  // Skipping asks for the next page (its answer held): the command chain waits for it.
  let release!: () => void;
  hold = new Promise((resolve) => (release = resolve));
  const skipped = labeling.skip();
  await until('the next page to be asked', () => pagesAsked.length === 2);
  expect(pagesAsked[1]).toEqual({ offset: 200 });

  // A scan finds a loaded image's file gone and one of the held page's. Its drop waits behind the skip.
  listed = listed.filter((id) => id !== 3 && id !== 202);
  const dropped = labeling.dropGone();
  release();
  await skipped;
  await dropped;
  // The page was asked again from the 199 images still listed before it: 201 comes, 202 does not.
  expect(pagesAsked.slice(2)).toEqual([{ offset: 199 }]);
  expect(labeling.items.map((i) => i.id)).toEqual(listed);
  expect(labeling.current?.id).toBe(201);
});
