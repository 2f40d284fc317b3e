/**
 * Reviewing a list of images (the labeled images whose file changed): the label view goes
 * through exactly those, in the list's order, labeled or not; a label moves on to the next one
 * of the list (not to the next unlabeled image), and the list's length stays what it is. A
 * rescan this window did not ask for (another window's) that found a labeled image changed is
 * news here, and its media URLs change so the old pixels are not shown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaUrl } from '../../../src-renderer/api/bridge';
import type { Workspace } from '../../../src-main/api/workspace';
import { wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import { reviewImages } from '../../../src-renderer/orchestration/navigation';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { project as projectStore } from '../../../src-renderer/stores/project.svelte';
import { ui } from '../../../src-renderer/stores/ui.svelte';
import { imageFolder, writeImage } from '../../support/image-folder';
import { bridgedWorkspace, openScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

let ws: Workspace;
let unwire: () => void;
let root: string;

beforeAll(async () => {
  root = await imageFolder(6);
  ws = bridgedWorkspace([]);
  unwire = wireEvents();
  await openScannedProject(ws, root, 6);
});

afterAll(async () => {
  unwire?.();
  await ws?.shutdown();
});

describe('reviewing a list of images', () => {
  it('shows the listed images in order, moves on through labeled ones, and keeps its length', async () => {
    const ant = await classes.create('ant');
    const bee = await classes.create('bee');
    const project = ws.requireProject();
    const [a, b, , d] = project.images.list({ kind: 'all' }, 0, 10).items;
    project.setLabels([d!.id, b!.id], ant.id);
    await reviewImages([d!.id, a!.id, b!.id], 'Labeled images whose file changed');
    expect(ui.view).toBe('label');
    expect(labeling.items.map((i) => i.id)).toEqual([d!.id, a!.id, b!.id]);
    expect(labeling.total).toBe(3);
    expect(labeling.current).toMatchObject({ id: d!.id, classId: ant.id });

    await labeling.label(bee.id);
    expect(labeling.current?.id).toBe(a!.id);
    await labeling.skip();
    expect(labeling.current).toMatchObject({ id: b!.id, classId: ant.id });
    await labeling.label(ant.id);
    expect(labeling.atEnd).toBe(true);
    expect(labeling.total).toBe(3);
    expect(project.images.get(d!.id).classId).toBe(bee.id);
  });

  it("names another window's rescan that changed a labeled image, and gives the media URLs a new version", async () => {
    const project = ws.requireProject();
    const item = project.images.list({ kind: 'labeled' }, 0, 10).items[0]!;
    const urlBefore = mediaUrl(item.id, 'thumb');
    expect(projectStore.scanNews).toBeNull();
    await writeImage(path.join(root, item.relPath), 4321);
    fs.utimesSync(path.join(root, item.relPath), new Date(), new Date(Date.now() + 10_000));
    await ws.rescan(); // not through this window's store: another window's
    const news = await until(() => projectStore.scanNews);
    expect(news.where).toBe('elsewhere');
    expect(news.report.labeledChanged).toMatchObject([{ imageId: item.id, relPath: item.relPath }]);
    expect(mediaUrl(item.id, 'thumb')).not.toBe(urlBefore);
    // Reviewing other images leaves the news; going through the changed one to the end of a list ends it.
    const other = project.images.list({ kind: 'unlabeled' }, 0, 1).items[0]!;
    await projectStore.reviewedThrough([other.id]);
    expect(projectStore.scanNews).toBe(news);
    await projectStore.reviewedThrough([other.id, item.id]);
    expect(projectStore.scanNews).toBeNull();
  });

  it('is dismissed by hand, with nothing reviewed', async () => {
    const project = ws.requireProject();
    const item = project.images.list({ kind: 'labeled' }, 0, 10).items[0]!;
    await writeImage(path.join(root, item.relPath), 999);
    fs.utimesSync(path.join(root, item.relPath), new Date(), new Date(Date.now() + 20_000));
    await ws.rescan();
    await until(() => projectStore.scanNews);
    await projectStore.dismissScanNews();
    expect(projectStore.scanNews).toBeNull();
  });
});
