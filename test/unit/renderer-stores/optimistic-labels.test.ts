/**
 * The label view moves on at the key press and commits in the background: against a fake API
 * whose label answers the test releases one by one, the view advances before any commit, the
 * commits go out one after another in the order given, a rejected commit takes its label away
 * and brings the view back to its image, and undo waits for the labels still being committed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { thisWindow } from '../../../src-renderer/api/window-id';
import { undo } from '../../../src-renderer/orchestration/label-commands';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { AppError } from '../../../src-shared/app-error';
import type { ImageItem, LabelAction, RawApi } from '../../../src-shared/contract';
import { until } from '../../support/until';

interface Held {
  channel: string;
  args: { imageIds: number[]; classId?: number | null; unsure?: boolean };
  commit(): void;
  fail(code: 'BUSY' | 'DISK_FULL', message: string): void;
}

const held: Held[] = [];
const sent: string[] = [];
let actionId = 0;
/** The server's labels, as far as the commits the test let through. */
const server = new Map<number, { classId: number | null; unsure: boolean }>();
const history: LabelAction[] = [];

const image = (id: number): ImageItem => ({ id, relPath: `img-${id}.png`, width: 48, height: 48, size: 100, mtimeMs: 0, hash: `h${id}`, classId: null, labeledAt: null, unsure: false, evaluation: false, suggestion: null });

function answer(channel: string, args: Held['args']): Promise<unknown> {
  if (channel === 'images:list') {
    const { offset, limit } = args as unknown as { offset: number; limit: number };
    const unlabeled = Array.from({ length: 10 }, (_, k) => k + 1).filter((id) => !server.get(id)?.classId && !server.get(id)?.unsure);
    return Promise.resolve({ total: unlabeled.length, items: unlabeled.slice(offset, offset + limit).map(image) });
  }
  if (channel === 'labels:nextUndo') {
    const last = history.at(-1);
    // This window's own change (so Ctrl+Z undoes it at once).
    const preview = (a: LabelAction) => ({ actionId: a.actionId, at: new Date().toISOString(), images: a.imageIds.length, importedFrom: null, deletedClass: null, window: thisWindow.id, gave: { classes: ['a'], unsure: 0, unlabeled: 0 }, paths: [] });
    return Promise.resolve(last ? preview(last) : null);
  }
  if (channel === 'labels:undo') {
    const last = history.pop()!;
    for (const id of last.imageIds) server.delete(id);
    return Promise.resolve({ ...last, actionId: ++actionId, classIds: last.imageIds.map(() => null), unsure: last.imageIds.map(() => false) });
  }
  return new Promise((resolve, reject) => {
    held.push({
      channel,
      args,
      commit: () => {
        const unsure = channel === 'labels:setUnsure' ? args.unsure! : false;
        const classId = channel === 'labels:setUnsure' ? null : (args.classId ?? null);
        for (const id of args.imageIds) server.set(id, { classId, unsure });
        const action = { actionId: ++actionId, imageIds: args.imageIds, classIds: args.imageIds.map(() => classId), unsure: args.imageIds.map(() => unsure) };
        history.push(action);
        resolve(action);
      },
      fail: (code, message) => reject(new AppError(code, message)),
    });
  });
}

useBridge({
  raw: new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return () => () => undefined;
      return async (args: Held['args']) => {
        sent.push(String(key));
        try {
          return { ok: true, value: await answer(String(key), args) };
        } catch (error) {
          const { code, message } = error as AppError;
          return { ok: false, error: { code, message } };
        }
      };
    },
  }),
  kind: 'web',
  mediaUrl: () => '',
  onStatus: () => () => undefined,
});

beforeEach(async () => {
  held.length = 0;
  sent.length = 0;
  server.clear();
  history.length = 0;
  labeling.reset();
  await labeling.start({ kind: 'queue' });
});

describe('labels committed in the background', () => {
  it('moves on at the key press, before any commit, and commits in the order given, one at a time', async () => {
    const given = [labeling.label(1), labeling.label(2), labeling.label(3)];
    await until(() => labeling.current?.id === 4);
    // Shown at once, none committed yet: only the first commit is out.
    expect(labeling.items.slice(0, 3).map((i) => i.classId)).toEqual([1, 2, 3]);
    expect(labeling.uncommitted).toBe(3);
    expect(held.map((h) => h.args.imageIds)).toEqual([[1]]);
    expect(`${labeling.index + 1} / ${labeling.total}`).toBe('4 / 10');

    held[0]!.commit();
    await until(() => held.length === 2);
    expect(held[1]!.args).toEqual({ imageIds: [2], classId: 2 });
    held[1]!.commit();
    await until(() => held.length === 3);
    held[2]!.commit();
    await Promise.all(given);
    expect(labeling.uncommitted).toBe(0);
    expect([...server]).toEqual([
      [1, { classId: 1, unsure: false }],
      [2, { classId: 2, unsure: false }],
      [3, { classId: 3, unsure: false }],
    ]);
    expect(sent.filter((c) => c.startsWith('labels:'))).toEqual(['labels:set', 'labels:set', 'labels:set']);
  });

  it('a rejected commit takes its label away, brings the view back to its image and says why; later labels still commit', async () => {
    const first = labeling.label(1);
    const second = labeling.label(2);
    const third = labeling.label(3);
    await until(() => labeling.current?.id === 4);
    held[0]!.commit();
    await until(() => held.length === 2);
    held[1]!.fail('DISK_FULL', 'The disk is full; free some space and label again.');
    await expect(second).rejects.toMatchObject({ code: 'DISK_FULL', message: 'The disk is full; free some space and label again.' });
    await until(() => labeling.current?.id === 2);
    expect(labeling.current).toMatchObject({ id: 2, classId: null, unsure: false });
    // The label after it was given to another image and is committed as usual.
    await until(() => held.length === 3);
    expect(held[2]!.args.imageIds).toEqual([3]);
    held[2]!.commit();
    await Promise.all([first, third]);
    expect(labeling.items.slice(0, 3).map((i) => i.classId)).toEqual([1, null, 3]);
    expect(server.has(2)).toBe(false);
    expect(`${labeling.index + 1} / ${labeling.total}`).toBe('2 / 10');

    // Labeling it again moves on to the next unlabeled image, past the one labeled since.
    const again = labeling.label(2);
    await until(() => labeling.current?.id === 4);
    held[3]!.commit();
    await again;
    expect(server.get(2)).toEqual({ classId: 2, unsure: false });
  });

  it('a relabel of an image whose first label is still being committed shows the latest, and a failure of the first keeps it', async () => {
    const first = labeling.label(1);
    await until(() => labeling.current?.id === 2);
    await labeling.back();
    const second = labeling.label(3);
    await until(() => labeling.current?.id === 2);
    expect(labeling.items[0]!.classId).toBe(3);
    held[0]!.fail('BUSY', 'The project database is busy; try again.');
    await expect(first).rejects.toMatchObject({ code: 'BUSY' });
    // Still shows 3, the label waiting to be committed (the view went back to image 1 for the failure).
    expect(labeling.items[0]!.classId).toBe(3);
    await until(() => held.length === 2);
    held[1]!.commit();
    await second;
    expect(labeling.items[0]!.classId).toBe(3);
    expect(server.get(1)).toEqual({ classId: 3, unsure: false });
  });

  it('undo waits for the labels still being committed and undoes the last one given', async () => {
    const given = [labeling.label(1), labeling.label(2)];
    await until(() => labeling.current?.id === 3);
    const undone = undo();
    held[0]!.commit();
    await until(() => held.length === 2);
    expect(sent).not.toContain('labels:undo');
    held[1]!.commit();
    await Promise.all([...given, undone]);
    // The undo asks what it would undo (the last label, given here: no question), then undoes only that.
    expect(sent.filter((c) => c.startsWith('labels:'))).toEqual(['labels:set', 'labels:set', 'labels:nextUndo', 'labels:undo']);
    expect([...server.keys()]).toEqual([1]);
    expect(labeling.current).toMatchObject({ id: 2, classId: null });
  });

  it('keeps the sequence length while labels are pending, whether counts or the label event come first', async () => {
    const counts = (labeled: number) => ({ imageCount: 10, labeledCount: labeled, unsureCount: 0, classes: [] });
    const first = labeling.label(1);
    await until(() => labeling.current?.id === 2);
    // Counts from before the commit: image 1 is still unlabeled on the server, labeled here.
    labeling.recount(counts(0));
    expect(labeling.total).toBe(10);
    // The label event comes before the answer (the host sends it first).
    labeling.followLabels({ actionId: 99, imageIds: [1], classIds: [1], unsure: [false] }, counts(1));
    expect(labeling.total).toBe(10);
    held[0]!.commit();
    await first;
    labeling.recount(counts(1));
    expect(`${labeling.index + 1} / ${labeling.total}`).toBe('2 / 10');
  });

  it('an unsure mark moves on at once too, and its failure comes back the same way', async () => {
    const marked = labeling.toggleUnsure();
    await until(() => labeling.current?.id === 2);
    expect(labeling.items[0]).toMatchObject({ classId: null, unsure: true });
    held[0]!.fail('BUSY', 'The project database is busy; try again.');
    await expect(marked).rejects.toMatchObject({ code: 'BUSY' });
    await until(() => labeling.current?.id === 1);
    expect(labeling.current).toMatchObject({ unsure: false });
  });
});
