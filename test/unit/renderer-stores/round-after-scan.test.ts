/**
 * A scan that finds files of the open batch gone (deleted, moved away) while the label view
 * is on the batch: the batch loses those images and the view stays on the image it shows. It
 * used to reload the shorter batch and keep its position number, so it jumped past as many
 * unlabeled images as had gone before it (a tester's "opened at 9 / 17, skipped 3").
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshesIdle } from '../../../src-renderer/orchestration/project-lifecycle';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { engine } from '../../../src-renderer/stores/engine.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { loop } from '../../../src-renderer/stores/loop.svelte';
import { useScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const opened = useScannedProject(16);

beforeAll(async () => {
  await classes.create('ant');
  expect(await engine.choose({ kind: 'starter' })).toBe(true);
  await opened.ws.adaptation().features.done;
  await loop.update({ batchSize: 8 });
});

describe('the batch on screen when a scan finds some of its files gone', () => {
  it('stays on the image shown and keeps every unlabeled image ahead of it', async () => {
    await labeling.start({ kind: 'round' });
    await labeling.followRound(await loop.nextRound());
    const batch = labeling.items.map((i) => i.id);
    expect(batch).toHaveLength(8);
    const ant = classes.list[0]!.id;
    for (let k = 0; k < 3; k++) await labeling.label(ant);
    expect(labeling.current?.id).toBe(batch[3]);

    // The first two images of the batch (labeled) go from the folder; a rescan finds them gone.
    const project = opened.ws.requireProject();
    for (const id of batch.slice(0, 2)) fs.rmSync(path.join(opened.root, project.images.get(id).relPath));
    await opened.ws.rescan();
    await until(() => refreshesIdle() && labeling.items.length === 6);

    expect(labeling.items.map((i) => i.id)).toEqual(batch.slice(2));
    expect(labeling.current?.id).toBe(batch[3]);
    expect(`${labeling.index + 1} / ${labeling.total}`).toBe('2 / 6');
  });
});
