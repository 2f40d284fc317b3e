/**
 * The suspect-label store against a fake API: a check loads the queue with the cursor on the
 * first image; label actions (a relabel, an undo) mark an image resolved and open again; the
 * cursor moves past resolved images after a relabel; a failed check keeps its message.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { suspects } from '../../../src-renderer/stores/suspects.svelte';
import type { ImageItem, RawApi, SuspectReport } from '../../../src-shared/contract';

type Answer = { ok: true; value: SuspectReport } | { ok: false; error: { code: string; message: string } };
let answer: () => Answer | Promise<Answer>;

useBridge({
  raw: new Proxy({} as RawApi, { get: (_t, key) => (key === 'on' ? () => () => undefined : async () => answer()) }),
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
