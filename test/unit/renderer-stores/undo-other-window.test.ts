/**
 * Ctrl+Z and Ctrl+Shift+Z with two windows on one project (two browser tabs on one web host): this
 * window's stores and commands, and another window that sends its requests, with its own window
 * id, to the same back end. A change the other window made is not taken back (nor brought back)
 * unasked: the undo waits in `pendingUndo` with a question naming what, which image and "made in
 * another window"; Cancel keeps it, Undo takes back exactly it. This window's own changes are undone
 * and redone at once, as before; an import of the other window is asked about once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../src-main/api/workspace';
import { leaveProject, refreshesIdle, wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import { answerUndo, redo, undo } from '../../../src-renderer/orchestration/label-commands';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { project } from '../../../src-renderer/stores/project.svelte';
import { toasts } from '../../../src-renderer/stores/toasts.svelte';
import { ui } from '../../../src-renderer/stores/ui.svelte';
import { pendingUndo } from '../../../src-renderer/stores/undo-question.svelte';
import { imageFolder, tempDir } from '../../support/image-folder';
import { twoWindows, type TwoWindows } from '../../support/two-windows';
import { openScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const IMAGES = 6;
let ws: Workspace;
let unwire: () => void;
let otherWindow: TwoWindows['other'];

/** The image's class in the project (the back end's truth), null when unlabeled. */
const classOf = (id: number): number | null => ws.current!.images.get(id).classId;
const nameOf = (id: number): string => ws.current!.images.get(id).relPath;
/** Every label event so far has reached this window's stores. */
const settled = (labeledCount: number) => until(() => project.summary?.labeledCount === labeledCount && refreshesIdle());
const unlabeledIds = (): number[] => ws.current!.images.list({ kind: 'unlabeled' }, 0, IMAGES).items.map((i) => i.id);

let ant: number;

beforeAll(async () => {
  ({ ws, other: otherWindow } = twoWindows());
  unwire = wireEvents();
  await openScannedProject(ws, await imageFolder(IMAGES), IMAGES);
  ant = (await classes.create('ant')).id;
  ui.show('label');
});

afterAll(async () => {
  unwire?.();
  await ws?.shutdown();
});

beforeEach(() => {
  toasts.dismissWhere(() => true);
  expect(pendingUndo.question).toBeNull();
});

describe('undo and redo of another window’s change', () => {
  it('a label this window gave is undone and redone at once, without a question', async () => {
    const shown = labeling.current!.id;
    await labeling.label(ant);
    await settled(1);
    await undo();
    expect(pendingUndo.question).toBeNull();
    expect(classOf(shown)).toBeNull();
    await redo();
    expect(pendingUndo.question).toBeNull();
    expect(classOf(shown)).toBe(ant);
    await undo();
    await settled(0);
  });

  it('asks before undoing another window’s label, naming it; Cancel keeps it, Undo takes back only it', async () => {
    const [id] = unlabeledIds();
    await otherWindow('labels:set', { imageIds: [id!], classId: ant });
    await settled(1);

    await undo();
    const title = `Undo the label “ant” given to ${nameOf(id!)}, made in another window?`;
    expect(pendingUndo.question).toMatchObject({ title, confirmLabel: 'Undo' });
    expect(pendingUndo.question?.message).toMatch(/^The last change is the label “ant” given to .+, made in another window on /);
    // Asking changed nothing.
    expect(classOf(id!)).toBe(ant);

    await answerUndo(false);
    expect(pendingUndo.question).toBeNull();
    expect(classOf(id!)).toBe(ant);

    await undo();
    expect(pendingUndo.question?.title).toBe(title);
    await answerUndo(true);
    expect(pendingUndo.question).toBeNull();
    expect(classOf(id!)).toBeNull();
    await settled(0);
    expect(toasts.items.at(-1)?.message).toBe(`Undid the label “ant” given to ${nameOf(id!)}. Ctrl+Shift+Z redoes it.`);

    // Bringing it back is asked about too: it is still the other window's change.
    await redo();
    expect(pendingUndo.question).toMatchObject({ title: `Redo the label “ant” given to ${nameOf(id!)}, made in another window?`, confirmLabel: 'Redo' });
    await answerUndo(false);
    expect(classOf(id!)).toBeNull();
    await redo();
    await answerUndo(true);
    expect(classOf(id!)).toBe(ant);
    await settled(1);
  });

  it('an undo asked about refuses, and changes nothing, when the other window changed the labels again meanwhile', async () => {
    const [first, second] = unlabeledIds();
    await otherWindow('labels:set', { imageIds: [first!], classId: ant });
    await undo();
    expect(pendingUndo.question?.title).toContain(nameOf(first!));
    await otherWindow('labels:set', { imageIds: [second!], classId: ant });
    await expect(answerUndo(true)).rejects.toThrow(/no longer the last one\. Nothing was undone/);
    expect([classOf(first!), classOf(second!)]).toEqual([ant, ant]);
    await settled(3);
  });

  it('an import made in another window is asked about once, naming the file and the window', async () => {
    const [a, b] = unlabeledIds();
    const csv = path.join(tempDir('adma-import-'), 'labels.csv');
    fs.writeFileSync(csv, `path,class\n${nameOf(a!)},ant\n${nameOf(b!)},ant\n`);
    await otherWindow('labels:importCsv', { path: csv, createClasses: false });
    await settled(5);

    await undo();
    expect(pendingUndo.question).toMatchObject({ title: 'Undo the import of “labels.csv”, made in another window?' });
    expect(pendingUndo.question?.message).toContain('Undo gives 2 images back the label or mark they had before.');
    await answerUndo(true);
    // Undone at the one answer: no second question.
    expect(pendingUndo.question).toBeNull();
    expect([classOf(a!), classOf(b!)]).toEqual([null, null]);
    expect(toasts.items.at(-1)?.message).toBe('Undid the import of “labels.csv”: 2 images. Ctrl+Shift+Z redoes it.');
    await settled(3);
  });
});

describe('a question left waiting when the project leaves the window', () => {
  it('goes with the project: answered in another, its action id would be that project’s', async () => {
    const [id] = unlabeledIds();
    await otherWindow('labels:set', { imageIds: [id!], classId: ant });
    await settled(4);
    await undo();
    expect(pendingUndo.question?.title).toContain(nameOf(id!));
    leaveProject();
    expect(pendingUndo.question).toBeNull();
  });
});
