/**
 * Two windows on one project (two browser tabs on one web host): this window's stores, and another
 * window that sends its requests, with its own window id, to the same back end. A label this
 * window gave that the other window replaces, and a change of the image this window shows, are
 * told in a notice naming the image and both labels; this window's own changes and changes that do
 * not concern it are not; a bulk change is told once, and so is a burst of single changes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../src-main/api/workspace';
import { thisWindow } from '../../../src-renderer/api/window-id';
import { refreshesIdle, wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import { setLabels } from '../../../src-renderer/orchestration/label-commands';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { otherWindows } from '../../../src-renderer/stores/other-windows.svelte';
import { project } from '../../../src-renderer/stores/project.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import { ui } from '../../../src-renderer/stores/ui.svelte';
import { gallery } from '../../../src-renderer/stores/gallery.svelte';
import { imageFolder } from '../../support/image-folder';
import { twoWindows, type TwoWindows } from '../../support/two-windows';
import { openScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const IMAGES = 8;
let ws: Workspace;
let unwire: () => void;
let otherWindow: TwoWindows['other'];
let otherWindowId: string;

const notices = (): string[] => toasts.items.filter((t) => t.message.startsWith('Another window')).map((t) => t.message);
/** Every label event so far has reached this window's stores (the project store follows them all). */
const settled = (labeledCount: number) => until(() => project.summary?.labeledCount === labeledCount && refreshesIdle());
const nameOf = (id: number): string => ws.current!.images.get(id).relPath;

let ant: number;
let bee: number;

beforeAll(async () => {
  ({ ws, other: otherWindow, otherId: otherWindowId } = twoWindows());
  unwire = wireEvents();
  await openScannedProject(ws, await imageFolder(IMAGES), IMAGES);
  ant = (await classes.create('ant')).id;
  bee = (await classes.create('bee')).id;
  ui.show('label');
});

afterAll(async () => {
  unwire?.();
  await ws?.shutdown();
});

beforeEach(() => {
  // Each case starts with nothing shown and nothing held back by an earlier burst.
  toasts.dismissWhere(() => true);
  otherWindows.clear();
});

describe('another window’s label changes', () => {
  it('says nothing of this window’s own label, and tells the expert when another window replaces it', async () => {
    const first = labeling.current!.id;
    await labeling.label(ant);
    await until(() => otherWindows.givenCount === 1);
    await settled(1);
    // the view moved on: the label given is no longer the image shown
    expect(labeling.current!.id).not.toBe(first);
    expect(notices()).toEqual([]);

    await otherWindow('labels:set', { imageIds: [first], classId: bee });
    const [notice] = await until(() => notices().length > 0 && notices());
    expect(notice).toBe(`Another window changed ${nameOf(first)} from ant to bee.`);
    // and this window shows the other window's label
    expect(labeling.items.find((i) => i.id === first)?.classId).toBe(bee);
    // the notice is a toast, which the page's live region (role="status") reads out
    expect(toasts.items.find((t) => t.message === notice)?.kind).toBe('info');
  });

  it('tells a change of the image shown, and nothing of a change to an image neither labeled nor shown here', async () => {
    const shown = labeling.current!;
    const elsewhere = labeling.items.find((i) => i.id !== shown.id && i.classId === null)!;
    await otherWindow('labels:set', { imageIds: [elsewhere.id], classId: ant });
    await settled(2);
    expect(notices()).toEqual([]);

    await otherWindow('labels:set', { imageIds: [shown.id], classId: bee });
    const [notice] = await until(() => notices().length > 0 && notices());
    expect(notice).toBe(`Another window labeled ${nameOf(shown.id)} as bee.`);
  });

  it('summarises another window’s bulk label in one notice', async () => {
    // this window labels three images from the gallery's way (one bulk action of its own)
    const mine = ws.current!.images.list({ kind: 'all' }, 0, IMAGES).items.map((i) => i.id).slice(0, 3);
    await setLabels(mine, ant);
    await until(() => otherWindows.givenCount === 3);
    const everything = ws.current!.images.list({ kind: 'all' }, 0, IMAGES).items.map((i) => i.id);
    await otherWindow('labels:set', { imageIds: everything, classId: bee });
    await settled(IMAGES);
    const said = await until(() => notices().length > 0 && notices());
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^Another window labeled ${IMAGES} images as bee, among them 3 you labeled in this window(\\.|,| and)`));
  });

  it('does not flood: a burst of the other window’s single labels over this window’s shows one notice', async () => {
    const ids = ws.current!.images.list({ kind: 'all' }, 0, IMAGES).items.map((i) => i.id).slice(0, 5);
    await setLabels(ids, ant);
    await until(() => otherWindows.givenCount === 5);
    for (const id of ids) await otherWindow('labels:set', { imageIds: [id], classId: bee });
    await until(() => otherWindows.givenCount === 0 && refreshesIdle());
    const said = await until(() => notices().length > 0 && notices());
    // the first at once; the other four wait for the quiet time, to be said as one
    expect(said).toEqual([`Another window changed ${nameOf(ids[0]!)} from ant to bee.`]);
  });

  it('tells a class another window deleted, by name, when labels given here go with it', async () => {
    const wasp = (await classes.create('wasp')).id;
    const ids = ws.current!.images.list({ kind: 'all' }, 0, IMAGES).items.map((i) => i.id).slice(0, 2);
    await setLabels(ids, wasp);
    await until(() => otherWindows.givenCount === 2);
    await otherWindow('classes:delete', { id: wasp });
    const said = await until(() => notices().length > 0 && notices());
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Another window deleted the class “wasp”: 2 images became unlabeled, among them 2 you labeled in this window(\.|,)/);
  });

  it('says nothing of this window’s own changes to labels it gave or to the image it shows', async () => {
    const shown = labeling.current!;
    const other = labeling.items.find((i) => i.id !== shown.id)!;
    await setLabels([other.id], ant);
    await setLabels([other.id], bee);
    await setLabels([shown.id], labeling.current!.classId === ant ? bee : ant);
    await until(() => otherWindows.givenCount === 2 && refreshesIdle());
    expect(notices()).toEqual([]);
  });

  it('tells another window’s undo that took back a label given here', async () => {
    const id = ws.current!.images.list({ kind: 'all' }, 0, IMAGES).items[0]!.id;
    await setLabels([id], ant);
    await until(() => otherWindows.givenCount === 1);
    await otherWindow('labels:undo');
    const [notice] = await until(() => notices().length > 0 && notices());
    expect(notice).toMatch(new RegExp(`^Another window changed ${nameOf(id).replace('.', '\\.')} from ant to `));
    expect(thisWindow.id).not.toBe(otherWindowId);
  });
});

describe('the gallery with another window’s label changes', () => {
  it('shows another window’s label on its tile without a reload by hand', async () => {
    await gallery.setFilter({ kind: 'all' });
    await until(() => gallery.loaded && !gallery.loading && gallery.total === IMAGES);
    const tile = (id: number) => Array.from({ length: IMAGES }, (_, k) => gallery.itemAt(k)).find((i) => i?.id === id);
    const id = gallery.itemAt(1)!.id;
    const other = tile(id)!.classId === ant ? bee : ant;
    await otherWindow('labels:set', { imageIds: [id], classId: other });
    await until(() => tile(id)?.classId === other);
  });
});
