/**
 * The gallery store over 100,000 images against a fake API: pages load around what is shown
 * (bounded cache), Ctrl+A covers the whole filter result and labels by filter, Shift+click
 * ranges resolve images that were never loaded, the keyboard moves by grid rows.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { labelGallerySelection } from '../../../src-renderer/orchestration/label-commands';
import { gallery, PAGE } from '../../../src-renderer/stores/gallery.svelte';
import type { ImageItem, LabelAction, RawApi } from '../../../src-shared/contract';

const TOTAL = 100_000;
const sent: { channel: string; args: Record<string, unknown> }[] = [];

const image = (index: number): ImageItem => ({
  id: index + 1,
  relPath: `img-${String(index).padStart(6, '0')}.jpg`,
  width: 64,
  height: 64,
  size: 100,
  mtimeMs: 0,
  hash: `h${index}`,
  classId: null,
  labeledAt: null,
  unsure: false,
  evaluation: false,
  suggestion: null,
});

function answer(channel: string, args: Record<string, unknown>): unknown {
  if (channel === 'images:list') {
    const offset = args.offset as number;
    const limit = args.limit as number;
    const items = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, k) => image(offset + k));
    return { total: TOTAL, items };
  }
  if (channel === 'images:folders') return [''];
  if (channel === 'labels:setMatching') {
    const except = new Set(args.exceptIds as number[]);
    const imageIds = Array.from({ length: TOTAL }, (_, k) => k + 1).filter((id) => !except.has(id));
    return { actionId: 1, imageIds, classIds: imageIds.map(() => args.classId as number | null), unsure: imageIds.map(() => false) } satisfies LabelAction;
  }
  if (channel === 'labels:set') {
    const imageIds = args.imageIds as number[];
    return { actionId: 2, imageIds, classIds: imageIds.map(() => args.classId as number | null), unsure: imageIds.map(() => false) } satisfies LabelAction;
  }
  throw new Error(`no fake answer for ${channel}`);
}

const raw = new Proxy({} as RawApi, {
  get: (_target, key) => {
    if (key === 'on') return () => () => undefined;
    return async (args: Record<string, unknown>) => {
      sent.push({ channel: String(key), args });
      return { ok: true, value: answer(String(key), args) };
    };
  },
});
useBridge({ raw, kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });

const lists = (): Record<string, unknown>[] => sent.filter((s) => s.channel === 'images:list').map((s) => s.args);

beforeEach(async () => {
  gallery.reset();
  sent.length = 0;
  await gallery.reload();
});

describe('gallery over 100,000 images', () => {
  it('loads the first page only, then the pages shown, and keeps a bounded cache while scrolling to the end', async () => {
    expect(gallery.total).toBe(TOTAL);
    expect(lists()).toHaveLength(1);
    expect(gallery.itemAt(PAGE)).toBeUndefined();
    for (let top = 0; top < TOTAL; top += 1000) await gallery.ensure(top, top + 60);
    await gallery.ensure(TOTAL - 60, TOTAL - 1);
    expect(gallery.itemAt(TOTAL - 1)?.id).toBe(TOTAL);
    expect(gallery.loadedPages).toBeLessThanOrEqual(40);
    expect(lists().every((a) => (a.limit as number) <= PAGE)).toBe(true);
  });

  it('Ctrl+A selects every image of the filter and labels them by filter, minus those left out', async () => {
    gallery.selectAll();
    expect(gallery.selectedCount).toBe(TOTAL);
    await gallery.click(3, { range: false, toggle: true });
    expect(gallery.selectedCount).toBe(TOTAL - 1);
    const action = await labelGallerySelection(7);
    const request = sent.find((s) => s.channel === 'labels:setMatching');
    expect(request?.args).toEqual({ filter: { kind: 'all' }, exceptIds: [4], classId: 7 });
    expect(action.imageIds).toHaveLength(TOTAL - 1);
    expect(sent.some((s) => s.channel === 'labels:set')).toBe(false);
    expect(gallery.itemAt(0)?.classId).toBe(7);
  });

  it('a Shift+click range reaches images never loaded', async () => {
    await gallery.click(10, { range: false, toggle: false });
    await gallery.click(50_009, { range: true, toggle: false });
    expect(gallery.selectedCount).toBe(50_000);
    expect(gallery.isSelected(11) && gallery.isSelected(50_010)).toBe(true);
    expect(gallery.isSelected(50_011)).toBe(false);
    await labelGallerySelection(null);
    const request = sent.find((s) => s.channel === 'labels:set');
    expect((request?.args.imageIds as number[]).length).toBe(50_000);
  });

  it('the arrows move by images and by rows of the laid-out grid, loading the page they reach', async () => {
    gallery.setColumns(6);
    expect(await gallery.move({ dx: 1, dy: 0 }, false)).toBe(0);
    expect(await gallery.move({ dx: 1, dy: 0 }, false)).toBe(1);
    expect(await gallery.move({ dx: 0, dy: 1 }, false)).toBe(7);
    for (let k = 0; k < 40; k++) await gallery.move({ dx: 0, dy: 1 }, false);
    expect(gallery.cursor).toBe(247);
    expect(gallery.isSelected(248)).toBe(true);
    // Shift+up extends from the anchor (247) one row back: 241..247.
    await gallery.move({ dx: 0, dy: -1 }, true);
    expect(gallery.selectedCount).toBe(7);
    // Home and End: the ends of the row (Shift extends); Ctrl+End: the last image, its page loaded.
    expect(await gallery.move({ to: 'row-start' }, false)).toBe(240);
    expect(await gallery.move({ to: 'row-end' }, true)).toBe(245);
    expect(gallery.selectedCount).toBe(6);
    const last = await gallery.move({ to: 'last' }, false);
    expect(last).toBe(gallery.total - 1);
    expect(gallery.itemAt(last!)).toBeDefined();
  });

  it('a new sort reloads from the start with the sort sent to the back end', async () => {
    await gallery.setSort({ key: 'confidence', descending: false });
    expect(lists().at(-1)).toEqual({ filter: { kind: 'all' }, sort: { key: 'confidence', descending: false }, offset: 0, limit: PAGE });
  });
});
