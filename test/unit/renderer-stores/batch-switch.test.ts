/**
 * A batch that opens while the label view shows the folder order: offered, never switched to
 * under the expert's keys; Ctrl+B (switchToRound) switches with the image on screen kept until
 * the batch is read. A key's label goes to the image on screen when the key was pressed, also
 * when the view moved (another session, a batch taken) before the key's command had its turn.
 * Against a fake API whose answers the test holds and releases.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../src-renderer/api/bridge';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { loop } from '../../../src-renderer/stores/loop.svelte';
import type { ImageItem, ImagePage, LabelAction, QueueItem, RawApi, RoundInfo } from '../../../src-shared/contract';
import { roundInfo } from '../../support/round-info';
import { until } from '../../support/until';
import { run } from '../../../src-renderer/orchestration/keyboard';
import { showImage } from '../../../src-renderer/orchestration/navigation';
import { connection } from '../../../src-renderer/stores/connection.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import { suggestions } from '../../../src-renderer/stores/suggestions.svelte';
import { ui } from '../../../src-renderer/stores/ui.svelte';
import { thisWindow } from '../../../src-renderer/api/window-id';

/** The server's labels (every label request is answered at once). */
const server = new Map<number, number>();
/** The images marked unsure on the server (no class; not in the unlabeled listing). */
const marked = new Set<number>();
/** How many images the folder holds (a scan may add some). */
let total = 20;
/** The images whose files a scan found gone. */
const removed = new Set<number>();
const sent: string[] = [];
/** The open round on the server, and the held `loop:currentRound` answers (released by the test). */
let open: RoundInfo | null = null;
let holdRound = false;
const heldRound: (() => void)[] = [];
/** Whether pages past the first wait for the test, and the held ones. */
let holdPages = false;
const heldPages: (() => void)[] = [];
/** The model's suggestions on the server, by image, and the held `loop:suggestion` answers (released by the test). */
const suggested = new Map<number, number>();
const heldSuggestion: (() => void)[] = [];
/** The label actions done (Ctrl+Z undoes the last), and whether `labels:nextUndo` waits for the test. */
const done: LabelAction[] = [];
let holdUndo = false;
const heldUndo: (() => void)[] = [];

const image = (id: number): ImageItem => ({ id, relPath: `img-${id}.png`, width: 48, height: 48, size: 100, mtimeMs: 0, hash: `h${id}`, classId: server.get(id) ?? null, labeledAt: null, unsure: marked.has(id), evaluation: false, suggestion: null });
const queued = (id: number): QueueItem => {
  const { id: imageId, ...rest } = image(id);
  return { imageId, ...rest, distinctiveness: 0.5, uncertainty: null, score: 0.5, scoreKind: 'ranking', reason: 'test' };
};
const round = (id: number, ids: number[]): RoundInfo => roundInfo(id, ids.map(queued));

function answer(channel: string, args: unknown): Promise<unknown> {
  sent.push(channel);
  if (channel === 'images:list') {
    const { offset, limit } = args as { offset: number; limit: number };
    const page = (): ImagePage => {
      const unlabeled = Array.from({ length: total }, (_, k) => k + 1).filter((id) => !server.has(id) && !marked.has(id) && !removed.has(id));
      return { total: unlabeled.length, items: unlabeled.slice(offset, offset + limit).map(image) };
    };
    if (!holdPages || offset === 0) return Promise.resolve(page());
    return new Promise((resolve) => heldPages.push(() => resolve(page())));
  }
  if (channel === 'images:byIds') {
    const { ids } = args as { ids: number[] };
    return Promise.resolve(ids.filter((id) => id <= total && !removed.has(id)).map(image));
  }
  if (channel === 'loop:currentRound') {
    const fresh = open && { ...open, items: open.items.map((q) => ({ ...q, classId: server.get(q.imageId) ?? null })) };
    if (!holdRound) return Promise.resolve(fresh);
    return new Promise((resolve) => heldRound.push(() => resolve(fresh)));
  }
  if (channel === 'labels:set') {
    const { imageIds, classId } = args as { imageIds: number[]; classId: number };
    for (const id of imageIds) {
      server.set(id, classId);
      marked.delete(id);
    }
    const action = { actionId: sent.length, imageIds, classIds: imageIds.map(() => classId), unsure: imageIds.map(() => false) };
    done.push(action);
    return Promise.resolve(action);
  }
  if (channel === 'labels:setUnsure') {
    const { imageIds, unsure } = args as { imageIds: number[]; unsure: boolean };
    for (const id of imageIds) {
      server.delete(id);
      if (unsure) marked.add(id);
      else marked.delete(id);
    }
    const action = { actionId: sent.length, imageIds, classIds: imageIds.map(() => null), unsure: imageIds.map(() => unsure) };
    done.push(action);
    return Promise.resolve(action);
  }
  if (channel === 'loop:suggestion') {
    const { imageId } = args as { imageId: number };
    const classId = suggested.get(imageId);
    return new Promise((resolve) => heldSuggestion.push(() => resolve(classId === undefined ? null : { classId, probability: 0.9, source: 'model' })));
  }
  if (channel === 'labels:nextUndo') {
    const last = done.at(-1);
    // This window's own small change: Ctrl+Z undoes it at once, without a question.
    const preview = last && { actionId: last.actionId, at: new Date().toISOString(), images: last.imageIds.length, importedFrom: null, deletedClass: null, window: thisWindow.id, gave: { classes: ['a'], unsure: 0, unlabeled: 0 }, paths: [] };
    if (!holdUndo) return Promise.resolve(preview ?? null);
    return new Promise((resolve) => heldUndo.push(() => resolve(preview ?? null)));
  }
  if (channel === 'labels:undo') {
    const last = done.pop()!;
    for (const id of last.imageIds) server.delete(id);
    return Promise.resolve({ actionId: sent.length, imageIds: last.imageIds, classIds: last.imageIds.map(() => null), unsure: last.imageIds.map(() => false) });
  }
  return Promise.reject(new Error(`unexpected ${channel}`));
}

useBridge({
  raw: new Proxy({} as RawApi, {
    get: (_target, key) => {
      if (key === 'on') return () => () => undefined;
      return async (args: unknown) => ({ ok: true, value: await answer(String(key), args) });
    },
  }),
  kind: 'web',
  mediaUrl: () => '',
  onStatus: (listener) => {
    listener({ state: 'open' });
    return () => undefined;
  },
});
// The link is open: the keys' label changes are not refused for want of it.
connection.watch(
  () => undefined,
  () => undefined,
);

/** The toasts saying a key acted off screen or was dropped. */
const offScreen = (): string[] => toasts.items.map((t) => t.message).filter((m) => m.includes('(the image on screen') || m.startsWith('The view changed'));

/** A command that holds the label view's command chain until released (a page still loading). */
function busyChain(): () => void {
  let resolve = (): void => undefined;
  const held = new Promise<void>((done) => (resolve = done));
  void labeling.enqueue(() => held);
  return () => resolve();
}

/**
 * A scan's `sourceGrew`, then a key (`press`), both behind a command held busy: `release` lets
 * them run, `grew` is the scan's, `given` the key's outcome.
 */
function scanThenKey<T>(press: () => T): { release: () => void; grew: Promise<void>; given: T } {
  const release = busyChain();
  const grew = labeling.sourceGrew();
  return { release, grew, given: press() };
}

/** Label every one of the 20 images: the end panel shows. */
async function toEndPanel(): Promise<void> {
  for (let k = 0; k < 20; k++) await labeling.label(1);
  expect(labeling.atEnd).toBe(true);
}

/**
 * A folder of 230 images, on image 200 (the last of the first page) with the pages after it held:
 * a key that moves on from there waits for the next page.
 */
async function toLastLoaded(): Promise<void> {
  total = 230;
  await labeling.start({ kind: 'queue' });
  holdPages = true;
  for (let k = 1; k < 200; k++) await labeling.skip();
  expect(labeling.current?.id).toBe(200);
}

/**
 * On image 200 (toLastLoaded), clicks in the history show image 5, then image 200 again, and 3
 * and 4 are typed on image 200 behind them: once this resolves, the 3 has labeled image 200, on
 * screen again, and waits for the page after it (a late key still running); the 4 waits behind it.
 */
async function lateKeysOnLastLoaded(): Promise<{ three: ReturnType<typeof labeling.label>; four: ReturnType<typeof labeling.label> }> {
  await toLastLoaded();
  const release = busyChain();
  const shown = [showImage(5), showImage(200)];
  const three = labeling.label(3);
  const four = labeling.label(4);
  const before = heldPages.length;
  release();
  await Promise.all(shown);
  await until(() => heldPages.length > before);
  return { three, four };
}

/** The keys waiting on the command chain have had their turn, and what each answered has been said. */
async function keysAnswered(): Promise<void> {
  // The chain runs in order: this runs after every key pressed before it.
  await labeling.enqueue(() => Promise.resolve());
  // What the keys answered is said in promise callbacks only: all run before the next immediate.
  await new Promise((resolve) => setImmediate(resolve));
}

beforeEach(async () => {
  total = 20;
  removed.clear();
  server.clear();
  marked.clear();
  sent.length = 0;
  open = null;
  holdRound = false;
  heldRound.length = 0;
  holdPages = false;
  heldPages.length = 0;
  suggested.clear();
  heldSuggestion.length = 0;
  suggestions.clear();
  done.length = 0;
  holdUndo = false;
  heldUndo.length = 0;
  ui.show('label');
  for (const t of toasts.items) toasts.dismiss(t.id);
  loop.clear();
  labeling.reset();
  // The folder order the project opens on before its first round.
  await labeling.start({ kind: 'queue' }, { openDefault: true });
});

describe('a batch opening while the label view shows the folder order', () => {
  it('is offered, not switched to; "Not now" puts it off until another batch opens', () => {
    expect(labeling.batchOffer).toBeNull();
    open = round(1, [7, 3, 9]);
    loop.applyRound(open);
    expect(labeling.source.kind).toBe('queue');
    expect(labeling.current?.id).toBe(1);
    expect(labeling.batchOffer).toEqual({ roundId: 1, roundIndex: 0, size: 3, toLabel: 3 });

    labeling.passBatch(1);
    expect(labeling.batchOffer).toBeNull();
    // A re-rank of the same round stays put off; the next round is offered.
    loop.applyRound(round(1, [3, 9, 7]));
    expect(labeling.batchOffer).toBeNull();
    loop.applyRound(round(2, [4, 5]));
    expect(labeling.batchOffer).toMatchObject({ roundId: 2, size: 2, toLabel: 2 });
  });

  it('is not offered for the batch open when the folder order was chosen by hand, nor on another source', async () => {
    open = round(1, [7, 3, 9]);
    loop.applyRound(open);
    await labeling.start({ kind: 'evaluation' }).catch(() => undefined);
    expect(labeling.batchOffer).toBeNull();
    await labeling.start({ kind: 'queue' }, { byHand: true });
    expect(labeling.batchOffer).toBeNull();
    // Going on in folder order (the skipped images) keeps it put off; a newer batch is offered.
    await labeling.start({ kind: 'queue' });
    expect(labeling.batchOffer).toBeNull();
    loop.applyRound(round(2, [4, 5]));
    expect(labeling.batchOffer?.roundId).toBe(2);
  });

  it('switching keeps the image on screen until the batch is read; a key pressed meanwhile labels that image', async () => {
    open = round(1, [7, 3, 9]);
    loop.applyRound(open);
    holdRound = true;
    const switched = labeling.switchToRound();
    await until(() => heldRound.length === 1);
    // Still the folder order's first image: the key is its, and the folder order moves on.
    expect(labeling.current?.id).toBe(1);
    await labeling.label(2);
    expect(server.get(1)).toBe(2);
    expect(labeling.current?.id).toBe(2);

    heldRound[0]!();
    expect(await switched).toBe(true);
    expect(labeling.source.kind).toBe('round');
    expect(labeling.items.map((i) => i.id)).toEqual([7, 3, 9]);
    expect(labeling.current?.id).toBe(7);
    expect(labeling.batchOffer).toBeNull();
  });

  it('a key pressed just before the switch, while the command chain is busy, labels the folder image it was pressed on', async () => {
    open = round(1, [7, 3, 9]);
    loop.applyRound(open);
    const release = busyChain();
    const switched = labeling.switchToRound();
    await until(() => sent.includes('loop:currentRound'));
    // The switch waits its turn behind the busy command; the key comes after it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(labeling.current?.id).toBe(1);
    const given = labeling.label(4);
    release();
    expect(await switched).toBe(true);
    await given;
    expect(server.get(1)).toBe(4);
    expect(server.has(7)).toBe(false);
    // The batch's first image stays on screen, unlabeled: the key was not for it.
    expect(labeling.source.kind).toBe('round');
    expect(labeling.current).toMatchObject({ id: 7, classId: null });
  });

  it('is still offered when the app falls back to the folder order by itself (the image on screen went)', async () => {
    open = round(1, [7, 3, 9]);
    loop.applyRound(open);
    await labeling.start({ kind: 'evaluation' });
    expect(labeling.current?.id).toBe(1);
    // images:get is refused: the image left the project, and the view falls back to the folder order.
    await labeling.refreshCurrent();
    expect(labeling.source.kind).toBe('queue');
    expect(labeling.batchOffer).toMatchObject({ roundId: 1, size: 3 });
  });

  it('is announced once per round, also when the label view is shown again', () => {
    open = round(1, [7, 3, 9]);
    loop.applyRound(open);
    expect(labeling.offerToAnnounce()).toMatchObject({ roundId: 1 });
    // The label view mounted again (another view and back): the same offer is not said again.
    expect(labeling.offerToAnnounce()).toBeNull();
    loop.applyRound(round(1, [3, 9, 7]));
    expect(labeling.offerToAnnounce()).toBeNull();
    loop.applyRound(round(2, [4, 5]));
    expect(labeling.offerToAnnounce()).toMatchObject({ roundId: 2 });
  });

  it('with no batch open, the switch leaves the folder order as it is', async () => {
    expect(await labeling.switchToRound()).toBe(false);
    expect(labeling.source.kind).toBe('queue');
    expect(labeling.current?.id).toBe(1);
  });
});

describe('a key whose command runs after the view moved under it', () => {
  it('labels the image on screen when it was pressed, not the one another source put there', async () => {
    open = round(1, [7, 3, 9]);
    const release = busyChain();
    expect(labeling.current?.id).toBe(1);
    const given = labeling.label(5);
    // The labeler (or the app) opens the queue before the key's command had its turn.
    await labeling.start({ kind: 'round' });
    expect(labeling.current?.id).toBe(7);
    release();
    await given;
    expect(server.get(1)).toBe(5);
    expect(server.has(7)).toBe(false);
    expect(labeling.current).toMatchObject({ id: 7, classId: null });
  });

  it('a skip pressed before the move does not pass over the image the move put on screen', async () => {
    open = round(1, [7, 3, 9]);
    const release = busyChain();
    const skipped = labeling.skip();
    await labeling.start({ kind: 'round' });
    release();
    await skipped;
    expect(labeling.current?.id).toBe(7);
  });

  it('keys typed ahead in one session still label the images they lead to, one after another', async () => {
    const release = busyChain();
    const given = [labeling.label(1), labeling.label(2), labeling.label(3)];
    release();
    await Promise.all(given);
    expect([...server]).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(labeling.current?.id).toBe(4);
  });

  it('keys typed ahead across a move each label the image their keys led to; one with none left is dropped', async () => {
    open = round(1, [7, 3, 9]);
    const release = busyChain();
    expect(labeling.current?.id).toBe(1);
    // The expert types 1, Ctrl+B, 2, 3 while the command chain is busy on folder image 1.
    const first = labeling.label(1);
    const switched = labeling.switchToRound();
    await until(() => sent.includes('loop:currentRound'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = labeling.label(2);
    const third = labeling.label(3);
    release();
    expect(await switched).toBe(true);
    const outcomes = await Promise.all([first, second, third]);
    expect([...server]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(labeling.current).toMatchObject({ id: 7, classId: null });
    expect(outcomes[0]).toMatchObject({ kind: 'done', onScreen: true, item: { id: 1 } });
    // The 2 was typed after the 1 had (in the expert's sequence) moved on to image 2: it labels
    // image 2, which has left the screen, and says so.
    expect(outcomes[1]).toMatchObject({ kind: 'done', onScreen: false, item: { id: 2 } });
    // The 3 aimed at the image after 2, which the old session never showed: dropped, and said.
    expect(outcomes[2]).toEqual({ kind: 'dropped' });
  });

  it.each([
    ['Clear on a labeled image', () => labeling.label(2), () => labeling.clearLabel(), { kind: 'done', onScreen: false, item: { id: 1 } }],
    ['the unsure key on an unsure image (it takes the mark away)', () => labeling.toggleUnsure(), () => labeling.toggleUnsure(), { kind: 'done', onScreen: false, item: { id: 1 } }],
    ['Clear on an unlabeled image (nothing to clear)', () => Promise.resolve(), () => labeling.clearLabel(), { kind: 'unchanged' }],
  ])('after a late key that leaves its image where it is (%s), the key typed after it acts on that image too', async (_what, before, press, said) => {
    open = round(1, [7, 3, 9]);
    await before();
    if (labeling.current?.id !== 1) await labeling.back();
    expect(labeling.current?.id).toBe(1);
    const release = busyChain();
    // The key, then 4, typed on folder image 1; the batch takes the view before their turn.
    const first = press();
    const four = labeling.label(4);
    await labeling.start({ kind: 'round' });
    release();
    expect(await first).toMatchObject(said);
    // The first key left the expert on image 1: the 4 is for it, as typed.
    expect(await four).toMatchObject({ kind: 'done', onScreen: false, item: { id: 1 } });
    expect([...server]).toEqual([[1, 4]]);
    expect(marked.size).toBe(0);
    expect(labeling.current).toMatchObject({ id: 7, classId: null });
    expect(labeling.movesRemembered).toBe(0);
  });

  it('a key pressed on the end panel does not label the image a scan then puts there', async () => {
    await toEndPanel();
    total = 21;
    const { release, grew, given } = scanThenKey(() => labeling.label(3));
    release();
    await grew;
    const outcome = await given;
    expect(server.has(21)).toBe(false);
    expect(labeling.current).toMatchObject({ id: 21, classId: null });
    expect(outcome).toEqual({ kind: 'dropped' });
  });

  it('a key pressed on the empty panel (every image labeled) does not label the image a scan then puts there', async () => {
    for (let id = 1; id <= 20; id++) server.set(id, 1);
    await labeling.start({ kind: 'queue' });
    // The folder order found no image to label: nothing on screen, not past an image (no end panel).
    expect(labeling.current).toBeNull();
    expect(labeling.atEnd).toBe(false);
    total = 21;
    const { release, grew, given } = scanThenKey(() => labeling.label(3));
    await grew;
    expect(labeling.current?.id).toBe(21);
    release();
    expect(await given).toEqual({ kind: 'dropped' });
    expect(server.has(21)).toBe(false);
    expect(labeling.current).toMatchObject({ id: 21, classId: null });
    expect(labeling.movesRemembered).toBe(0);
    // A key pressed once the image is on screen is for it.
    expect(await labeling.label(4)).toMatchObject({ kind: 'done', onScreen: true, item: { id: 21 } });
    expect(server.get(21)).toBe(4);
  });

  it('a key pressed on a browse session with no images does not label the image a scan then brings', async () => {
    total = 0;
    await labeling.start({ kind: 'browse', filter: { kind: 'all' }, title: 'All images' });
    expect(labeling.current).toBeNull();
    total = 1;
    const { release, grew, given } = scanThenKey(() => labeling.label(3));
    await grew;
    release();
    expect(await given).toEqual({ kind: 'dropped' });
    expect(server.size).toBe(0);
    expect(labeling.current).toMatchObject({ id: 1, classId: null });
  });

  it('on an end panel whose images a scan all found gone, the first image the scan added comes, not the second; a key pressed there is for neither', async () => {
    await toEndPanel();
    // The files were renamed: every loaded image went, and two came.
    for (let id = 1; id <= 20; id++) removed.add(id);
    total = 22;
    await labeling.dropGone();
    expect(labeling.items).toEqual([]);
    expect(labeling.current).toBeNull();
    const { release, grew, given } = scanThenKey(() => labeling.label(3));
    release();
    await grew;
    expect(labeling.current).toMatchObject({ id: 21, classId: null });
    expect(await given).toEqual({ kind: 'dropped' });
    expect(server.has(21) || server.has(22)).toBe(false);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('a key pressed while a new session loads its first image does not label that image', async () => {
    const release = busyChain();
    const started = labeling.start({ kind: 'queue' });
    // Nothing is on screen until the first page is read.
    expect(labeling.current).toBeNull();
    const given = labeling.label(3);
    await started;
    release();
    const outcome = await given;
    expect(server.size).toBe(0);
    expect(labeling.current?.id).toBe(1);
    expect(outcome).toEqual({ kind: 'dropped' });
  });

  it('a skip pressed before a move that leaves the same image on screen still skips it', async () => {
    const release = busyChain();
    const skipped = labeling.skip();
    await labeling.start({ kind: 'queue' });
    expect(labeling.current?.id).toBe(1);
    release();
    const outcome = await skipped;
    expect(labeling.current?.id).toBe(2);
    expect(outcome).toMatchObject({ kind: 'done', onScreen: true });
  });

  it('a skip, next or back whose image left the screen is dropped, for the expert to be told', async () => {
    open = round(1, [7, 3, 9]);
    const release = busyChain();
    const moves = [labeling.skip(), labeling.forward(), labeling.back()];
    await labeling.start({ kind: 'round' });
    release();
    expect(await Promise.all(moves)).toEqual([{ kind: 'dropped' }, { kind: 'dropped' }, { kind: 'dropped' }]);
    expect(labeling.current?.id).toBe(7);
  });

  it('the keys say in words what they did off screen, or that they were dropped', async () => {
    open = round(1, [7, 3, 9]);
    const release = busyChain();
    // 1, 2, Skip typed ahead on folder image 1, then the batch takes the view.
    run({ kind: 'label', classId: 1 });
    run({ kind: 'skip' });
    run({ kind: 'label', classId: 2 });
    run({ kind: 'skip' });
    await labeling.start({ kind: 'round' });
    release();
    await until(() => toasts.items.some((t) => t.message.includes('Skip')));
    expect(server.get(1)).toBe(1);
    expect(server.has(2)).toBe(false);
    const said = toasts.items.map((t) => t.message);
    // The 1 labeled image 1 off screen; the first skip had no image on screen left to skip from.
    expect(said).toContain('Labeled img-1.png as a class (the image on screen when you pressed the key).');
    expect(said).toContain('The view changed before Skip took effect; nothing was skipped.');
    expect(said).toContain('The view changed before the label key took effect; nothing was labeled.');
  });

  it('Enter typed ahead takes the suggestion of the image it goes to', async () => {
    suggestions.seed([
      { imageId: 1, suggestion: { classId: 4, probability: 0.9, source: 'model' } },
      { imageId: 2, suggestion: { classId: 6, probability: 0.8, source: 'model' } },
    ]);
    const release = busyChain();
    // 5 on image 1, then Enter before the 5 moved the view on: the Enter is for image 2.
    run({ kind: 'label', classId: 5 });
    run({ kind: 'accept' });
    release();
    const refusals = (): string[] => toasts.items.map((t) => t.message).filter((m) => /Enter|suggestion/.test(m));
    await until(() => server.has(2) || refusals().length > 0);
    expect(refusals()).toEqual([]);
    expect([...server]).toEqual([
      [1, 5],
      [2, 6],
    ]);
    expect(labeling.current?.id).toBe(3);
  });
});

describe('Enter whose suggestion is still being asked for (not in the store yet: the first Enter after a training, or right after an image shows)', () => {
  beforeEach(() => {
    suggested.set(1, 4);
    // The next image's suggestion is known: a key running too early would find it.
    suggestions.seed([{ imageId: 2, suggestion: { classId: 6, probability: 0.8, source: 'model' } }]);
  });

  it('takes its place among the keys at the press: Enter then 3 labels image 1 with its suggestion and image 2 as 3', async () => {
    run({ kind: 'accept' });
    run({ kind: 'label', classId: 3 });
    await until(() => heldSuggestion.length === 1);
    heldSuggestion[0]!();
    await until(() => server.size === 2);
    expect([...server]).toEqual([
      [1, 4],
      [2, 3],
    ]);
    expect(labeling.current?.id).toBe(3);
    expect(offScreen()).toEqual([]);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('Enter then Skip: image 1 gets its suggestion, the skip passes image 2', async () => {
    run({ kind: 'accept' });
    run({ kind: 'skip' });
    await until(() => heldSuggestion.length === 1);
    heldSuggestion[0]!();
    await until(() => labeling.current?.id === 3);
    expect([...server]).toEqual([[1, 4]]);
    expect(offScreen()).toEqual([]);
  });

  it('Enter then Ctrl+Z: the undo runs after Enter and undoes its label, back on image 1', async () => {
    run({ kind: 'accept' });
    run({ kind: 'undo' });
    await until(() => heldSuggestion.length === 1);
    heldSuggestion[0]!();
    // The undo answered: it undid a label, or found nothing to undo.
    await until(() => sent.includes('labels:undo') || toasts.items.some((t) => t.message === 'Nothing to undo.'));
    await until(() => labeling.current?.id === 1 || server.size > 0);
    expect(sent.filter((c) => c.startsWith('labels:'))).toEqual(['labels:set', 'labels:nextUndo', 'labels:undo']);
    expect(server.size).toBe(0);
    expect(labeling.current).toMatchObject({ id: 1, classId: null });
    expect(toasts.items.map((t) => t.message)).not.toContain('Nothing to undo.');
    expect(labeling.movesRemembered).toBe(0);
  });

  it('Enter then a click in the history: Enter labels image 1 on screen, then the history shows its image', async () => {
    const enter = labeling.labelOnceKnown(
      new Promise<number>((resolve) => heldSuggestion.push(() => resolve(4))),
      (_item, classId) => classId,
    );
    const shown = showImage(5);
    heldSuggestion[0]!();
    expect(await enter).toMatchObject({ kind: 'done', onScreen: true, item: { id: 1 } });
    await shown;
    expect([...server]).toEqual([[1, 4]]);
    expect(labeling.current?.id).toBe(5);
    expect(labeling.movesRemembered).toBe(0);
  });
});

describe('Ctrl+Z and Ctrl+Y, the expert\'s own keys', () => {
  it('1, Ctrl+Z, 2 typed before the undo answers: the 2 labels the image the undo brought back, on screen', async () => {
    run({ kind: 'label', classId: 1 });
    await until(() => server.get(1) === 1 && labeling.current?.id === 2);
    holdUndo = true;
    run({ kind: 'undo' });
    run({ kind: 'label', classId: 2 });
    await until(() => heldUndo.length === 1);
    heldUndo[0]!();
    await until(() => server.get(1) === 2 || server.has(2));
    expect([...server]).toEqual([[1, 2]]);
    expect(labeling.current?.id).toBe(2);
    expect(offScreen()).toEqual([]);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('a click in the history still moves the view under a key typed before it ran', async () => {
    const release = busyChain();
    const shown = showImage(5);
    // Pressed on image 1 while the history's image waits for its turn.
    const given = labeling.label(3);
    release();
    await shown;
    expect(await given).toMatchObject({ kind: 'done', onScreen: false, item: { id: 1 } });
    expect([...server]).toEqual([[1, 3]]);
    expect(labeling.current?.id).toBe(5);
    expect(labeling.movesRemembered).toBe(0);
  });
});

describe('keys still waiting when the project is left (labeling.reset)', () => {
  it('are dropped: they label no image of the project left, nor of the one opened next', async () => {
    const release = busyChain();
    // 3 and Skip pressed on image 1, then the project closes and another opens before their turn.
    const given = labeling.label(3);
    const skipped = labeling.skip();
    labeling.reset();
    await labeling.start({ kind: 'queue' }, { openDefault: true });
    expect(labeling.current?.id).toBe(1);
    release();
    expect(await given).toEqual({ kind: 'left' });
    expect(await skipped).toEqual({ kind: 'left' });
    expect(server.size).toBe(0);
    expect(labeling.current?.id).toBe(1);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('say nothing: the expert left the project, there is nothing to tell', async () => {
    suggestions.seed([{ imageId: 1, suggestion: { classId: 4, probability: 0.9, source: 'model' } }]);
    const release = busyChain();
    // 3, Enter, Clear, ., Skip, Next, Back typed on image 1; the project closes before their turn.
    for (const command of [{ kind: 'label', classId: 3 }, { kind: 'accept' }, { kind: 'clear' }, { kind: 'unsure' }, { kind: 'skip' }, { kind: 'forward' }, { kind: 'back' }] as const) run(command);
    labeling.reset();
    release();
    await keysAnswered();
    expect(toasts.items.map((t) => t.message)).toEqual([]);
    expect(server.size).toBe(0);
    expect(labeling.current).toBeNull();
    expect(labeling.movesRemembered).toBe(0);
  });

  it('Enter whose suggestion fails once the project is closed says nothing either', async () => {
    let refuse = (_error: Error): void => undefined;
    const enter = labeling.labelOnceKnown(new Promise<number>((_resolve, reject) => (refuse = reject)), () => 4);
    labeling.reset();
    refuse(new Error('No project is open.'));
    expect(await enter).toEqual({ kind: 'left' });
    expect(server.size).toBe(0);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('a key running when the project closes (its next image waiting for a page) leaves the keys after it nothing in the project opened next', async () => {
    const { three, four } = await lateKeysOnLastLoaded();
    expect(server.get(200)).toBe(3);
    labeling.reset();
    await labeling.start({ kind: 'queue' }, { openDefault: true });
    expect(labeling.current?.id).toBe(1);
    holdPages = false;
    for (const page of heldPages) page();
    const outcomes = await Promise.all([three, four]);
    expect([...server]).toEqual([[200, 3]]);
    expect(outcomes).toEqual([{ kind: 'done', onScreen: true, item: expect.objectContaining({ id: 200 }) }, { kind: 'left' }]);
    expect(labeling.current).toMatchObject({ id: 1, classId: null });
    expect(labeling.movesRemembered).toBe(0);
  });
});

describe('a key still running when another session starts', () => {
  it('does not move the new session\'s view: a skip waiting for the next page stops when the batch takes the view', async () => {
    await toLastLoaded();
    // The skip from the last image loaded waits for the next page.
    const before = heldPages.length;
    const skipped = labeling.skip();
    await until(() => heldPages.length > before);
    open = round(1, [21, 22, 23]);
    await labeling.start({ kind: 'round' });
    expect(labeling.current?.id).toBe(21);
    holdPages = false;
    for (const release of heldPages) release();
    await skipped;
    expect(labeling.source.kind).toBe('round');
    expect(labeling.current?.id).toBe(21);
    expect(labeling.items.map((i) => i.id)).toEqual([21, 22, 23]);
  });

  it('a key typed after it, for the image it was moving on to, is dropped: it labels neither the image left nor the new session\'s', async () => {
    await toLastLoaded();
    open = round(1, [21, 22, 23]);
    const before = heldPages.length;
    // 1 then 2 typed on image 200: the 1 labels it and waits for the next page; the 2 is for the image after it.
    const one = labeling.label(1);
    const two = labeling.label(2);
    await until(() => heldPages.length > before);
    await labeling.start({ kind: 'round' });
    expect(labeling.current?.id).toBe(21);
    holdPages = false;
    for (const page of heldPages) page();
    expect(await one).toMatchObject({ kind: 'done', onScreen: true, item: { id: 200 } });
    expect(await two).toEqual({ kind: 'dropped' });
    expect([...server]).toEqual([[200, 1]]);
    expect(labeling.current).toMatchObject({ id: 21, classId: null });
    expect(labeling.movesRemembered).toBe(0);
  });

  it('a late key running when another session starts leaves the keys after it nothing in that session', async () => {
    const { three, four } = await lateKeysOnLastLoaded();
    open = round(1, [21, 22, 23]);
    await labeling.start({ kind: 'round' });
    expect(labeling.current?.id).toBe(21);
    holdPages = false;
    for (const page of heldPages) page();
    expect(await three).toMatchObject({ kind: 'done', onScreen: true, item: { id: 200 } });
    expect(await four).toEqual({ kind: 'dropped' });
    expect([...server]).toEqual([[200, 3]]);
    expect(labeling.current).toMatchObject({ id: 21, classId: null });
    expect(labeling.movesRemembered).toBe(0);
  });
});

describe('a session that starts at an image (the gallery, the queue panel) while pages are read to find it', () => {
  it('finds it in its turn among the keys: keys typed on the first image shown meanwhile are for that image, then the images their keys led to', async () => {
    total = 300;
    holdPages = true;
    const started = labeling.start({ kind: 'queue' }, { startAt: 250 });
    // The first page shows image 1 while the page holding image 250 is read.
    await until(() => heldPages.length === 1);
    expect(labeling.current?.id).toBe(1);
    // 3 then 4 typed on image 1, the 4 behind a command still busy.
    const three = labeling.label(3);
    const release = busyChain();
    const four = labeling.label(4);
    holdPages = false;
    heldPages[0]!();
    await started;
    expect(labeling.current?.id).toBe(250);
    release();
    const outcomes = await Promise.all([three, four]);
    expect([...server]).toEqual([[1, 3]]);
    // The 3 labeled image 1, off screen by then; the 4 was for the image after 1, which the
    // expert never saw: dropped, and said.
    expect(outcomes).toEqual([{ kind: 'done', onScreen: false, item: expect.objectContaining({ id: 1 }) }, { kind: 'dropped' }]);
    expect(labeling.current?.id).toBe(250);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('superseded by another start before it found its image, puts nothing in the new session', async () => {
    total = 300;
    holdPages = true;
    open = round(1, [7, 3, 9]);
    const first = labeling.start({ kind: 'queue' }, { startAt: 250 });
    await until(() => heldPages.length === 1);
    await labeling.start({ kind: 'round' });
    expect(labeling.current?.id).toBe(7);
    const release = busyChain();
    // Typed on image 7, the new session's first, while the first start's page is still read.
    const three = labeling.label(3);
    holdPages = false;
    heldPages[0]!();
    await first;
    release();
    expect(await three).toMatchObject({ kind: 'done', onScreen: true, item: { id: 7 } });
    expect(sent).not.toContain('images:get');
    expect([...server]).toEqual([[7, 3]]);
    expect(labeling.items.map((i) => i.id)).toEqual([7, 3, 9]);
    expect(labeling.current?.id).toBe(3);
    expect(labeling.movesRemembered).toBe(0);
  });
});

describe('what the view remembers of its moves', () => {
  it('lasts only while a key pressed before the move waits: bounded across many moves, the keys still right', async () => {
    open = round(1, [7, 3, 9]);
    for (let k = 0; k < 200; k++) {
      // Moves no key waits on: nothing to remember.
      await labeling.start({ kind: 'queue' });
      expect(labeling.current?.id).toBe(1);
      expect(labeling.movesRemembered).toBe(0);
      // A skip typed ahead on folder image 1 while the batch takes the view: remembered until answered.
      const release = busyChain();
      const skipped = labeling.skip();
      await labeling.start({ kind: 'round' });
      expect(labeling.movesRemembered).toBe(1);
      release();
      expect(await skipped).toEqual({ kind: 'dropped' });
      expect(labeling.current?.id).toBe(7);
      expect(labeling.movesRemembered).toBe(0);
    }
  });

  it('a key whose answer never came (Enter, its suggestion not read) is answered too', async () => {
    let refuse = (_error: Error): void => undefined;
    const suggestion = new Promise<number>((_resolve, reject) => (refuse = reject));
    const enter = labeling.labelOnceKnown(suggestion, () => 4);
    await labeling.start({ kind: 'queue' });
    expect(labeling.movesRemembered).toBe(1);
    // A key pressed after it waits behind it, and runs once the Enter is answered.
    const three = labeling.label(3);
    refuse(new Error('no suggestion'));
    await expect(enter).rejects.toThrow('no suggestion');
    expect(await three).toMatchObject({ kind: 'done', onScreen: true, item: { id: 1 } });
    expect([...server]).toEqual([[1, 3]]);
    expect(labeling.movesRemembered).toBe(0);
  });

  it('Back from the end panel (the key or the "Previous image" button: both `run`) says when the view changed first', async () => {
    await toEndPanel();
    total = 21;
    // A scan's image takes the end panel's place before the Back, pressed on the end panel, has its turn.
    const { release, grew } = scanThenKey(() => run({ kind: 'back' }));
    release();
    await grew;
    await until(() => toasts.items.some((t) => t.message.includes('Back')));
    expect(toasts.items.map((t) => t.message)).toContain('The view changed before Back took effect; the view stays.');
    expect(labeling.current?.id).toBe(21);
    expect(labeling.movesRemembered).toBe(0);
  });
});
