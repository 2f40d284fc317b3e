/**
 * The suspect-label store against a fake API: a check loads the queue with the cursor on the
 * first image; label actions (a relabel, an undo) mark an image resolved and open again; the
 * cursor moves past resolved images after a relabel; a failed check keeps its message; after an
 * undo (or redo) in the view the cursor is back on the image whose label came back.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { thisWindow } from '../../../src-renderer/api/window-id';
import { redo, relabelSuspect, undo } from '../../../src-renderer/orchestration/label-commands';
import { suspects } from '../../../src-renderer/stores/suspects.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import { ui } from '../../../src-renderer/stores/ui.svelte';
import type { ImageItem, LabelAction, RawApi, SuspectReport } from '../../../src-shared/contract';

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
let answer: (channel: string, args: unknown) => Answer | Promise<Answer>;

useBridge({
  raw: new Proxy({} as RawApi, { get: (_t, key) => (key === 'on' ? () => () => undefined : async (args: unknown) => answer(String(key), args)) }),
  kind: 'web',
  mediaUrl: () => '',
  onStatus: () => () => undefined,
});

const image = (id: number, classId: number): ImageItem => ({ id, relPath: `img-${id}.png`, width: 8, height: 8, size: 1, mtimeMs: 0, hash: `h${id}`, classId, labeledAt: null, unsure: false, evaluation: false, suggestion: null });
const report: SuspectReport = {
  items: [1, 2, 3].map((id) => ({ image: image(id, 10), givenClassId: 10, suggestedClassId: 20, givenProbability: 0.05 * id, suggestedProbability: 0.9 })),
  judged: 30,
  folds: 5,
  modelId: 'm',
  millis: 1,
  checkedAt: '2026-01-01T00:00:00Z',
  changesSince: 0,
};

describe('suspects store', () => {
  beforeEach(() => {
    suspects.clear();
    answer = () => ({ ok: true, value: report });
  });

  it('follows relabels and undo through label actions, and advances past resolved images', async () => {
    await suspects.check();
    expect(suspects.selected?.image.id).toBe(1);
    expect(suspects.open).toBe(3);
    // Image 2 relabeled elsewhere (e.g. the label view): resolved.
    suspects.apply({ actionId: 1, imageIds: [2], classIds: [20], unsure: [false] });
    expect(suspects.currentClass(2)).toBe(20);
    expect(suspects.open).toBe(2);
    // Image 1 relabeled from the queue: the cursor skips the resolved image 2.
    suspects.apply({ actionId: 2, imageIds: [1], classIds: [20], unsure: [false] });
    suspects.advance();
    expect(suspects.selected?.image.id).toBe(3);
    // Undo of image 1: open again, with its given class; an action on other images changes nothing.
    suspects.apply({ actionId: 2, imageIds: [1], classIds: [10], unsure: [false] });
    suspects.apply({ actionId: 3, imageIds: [99], classIds: [null], unsure: [false] });
    expect(suspects.resolved(report.items[0]!)).toBe(false);
    expect(suspects.open).toBe(2);
    suspects.move(-5);
    expect(suspects.cursor).toBe(0);
  });

  it('after Ctrl+Z the cursor is back on the image whose label came back (the next Enter answers for it), after Ctrl+Y on the redone one', async () => {
    await suspects.check();
    // The server's label history: labels:set records, labels:undo and labels:redo answer with the restored labels.
    const labels = new Map(report.items.map((i) => [i.image.id, i.givenClassId as number | null]));
    const done: { imageIds: number[]; before: (number | null)[]; after: (number | null)[] }[] = [];
    const undone: typeof done = [];
    let actionId = 0;
    const action = (imageIds: number[], classIds: (number | null)[]): LabelAction => {
      imageIds.forEach((id, k) => labels.set(id, classIds[k] ?? null));
      return { actionId: ++actionId, imageIds, classIds, unsure: imageIds.map(() => false) };
    };
    answer = (channel, args) => {
      if (channel === 'labels:set') {
        const { imageIds, classId } = args as { imageIds: number[]; classId: number | null };
        done.push({ imageIds, before: imageIds.map((id) => labels.get(id) ?? null), after: imageIds.map(() => classId) });
        undone.length = 0;
        return { ok: true, value: action(imageIds, imageIds.map(() => classId)) };
      }
      if (channel === 'labels:nextUndo' || channel === 'labels:nextRedo') {
        // This window's own change: undone and redone at once.
        const next = channel === 'labels:nextUndo' ? done.at(-1) : undone.at(-1);
        const preview = { actionId, at: new Date().toISOString(), window: thisWindow.id, importedFrom: null, deletedClass: null, gave: { classes: [], unsure: 0, unlabeled: 0 }, paths: [] };
        return { ok: true, value: next ? { ...preview, images: next.imageIds.length } : null };
      }
      const from = channel === 'labels:undo' ? done : channel === 'labels:redo' ? undone : null;
      if (!from) throw new Error(`unexpected request ${channel}`);
      const step = from.pop();
      if (!step) return { ok: true, value: null };
      (channel === 'labels:undo' ? undone : done).push(step);
      return { ok: true, value: action(step.imageIds, channel === 'labels:undo' ? step.before : step.after) };
    };
    ui.show('suspects');
    const toastsBefore = toasts.items.length;

    // Enter on the first suspect: relabeled, the cursor moves on to the second.
    await relabelSuspect(null);
    expect(suspects.currentClass(1)).toBe(20);
    expect(suspects.selected?.image.id).toBe(2);
    // Ctrl+Z: image 1 has its label again and is selected again.
    await undo();
    expect(suspects.currentClass(1)).toBe(10);
    expect(suspects.selected?.image.id).toBe(1);
    // Its selection says what was undone: no notice besides.
    expect(toasts.items.length).toBe(toastsBefore);

    // From elsewhere in the list, Ctrl+Y redoes it and selects it too.
    suspects.select(2);
    await redo();
    expect(suspects.currentClass(1)).toBe(20);
    expect(suspects.selected?.image.id).toBe(1);

    // An undone label of an image the list does not hold leaves the cursor, and says what it did.
    await relabelSuspect(30);
    labels.set(99, null);
    done.push({ imageIds: [99], before: [null], after: [20] });
    suspects.select(2);
    await undo();
    expect(suspects.selected?.image.id).toBe(3);
    expect(toasts.items.at(-1)?.message).toBe('Undid the last change: 1 image.');
    ui.show('label');
  });

  it('keeps the reason of a failed check and clears it on the next one', async () => {
    answer = () => ({ ok: false, error: { code: 'CONFLICT', message: 'Label images of at least two classes before checking labels.' } });
    await suspects.check();
    expect(suspects.error).toMatch(/two classes/);
    expect(suspects.report).toBeNull();
    answer = () => ({ ok: true, value: report });
    await suspects.check();
    expect(suspects.error).toBeNull();
    expect(suspects.checking).toBe(false);
  });

  it('drops the answer of a check still running when the project is closed (clear)', async () => {
    let release!: () => void;
    answer = () => new Promise<Answer>((resolve) => (release = () => resolve({ ok: true, value: report })));
    const running = suspects.check();
    expect(suspects.checking).toBe(true);
    suspects.clear();
    expect(suspects.checking).toBe(false);
    release();
    await running;
    expect(suspects.report).toBeNull();
    expect(suspects.open).toBe(0);
  });
});
