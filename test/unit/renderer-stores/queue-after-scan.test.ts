/**
 * A scan that finds files gone while the label view goes through the queue (no batch): the
 * images whose files went leave the sequence, the image shown stays, and no image the server
 * still lists is skipped. They used to stay: the position said "4 / 16" of 13 images, and the
 * next page began one image too far on for each one gone (nextPageOffset counted them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { refreshesIdle } from '../../../src-renderer/orchestration/project-lifecycle';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { useScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const opened = useScannedProject(16);

beforeAll(async () => {
  await classes.create('ant');
});

it('drops the images whose files went, stays on the image shown, and skips none of the rest', async () => {
  await labeling.start({ kind: 'queue' });
  await until(() => labeling.items.length === 16);
  const ids = labeling.items.map((i) => i.id);
  const ant = classes.list[0]!.id;
  for (let k = 0; k < 3; k++) await labeling.label(ant);
  expect(labeling.current?.id).toBe(ids[3]);

  // Two labeled images behind and one unlabeled ahead go from the folder; a rescan finds them gone.
  const project = opened.ws.requireProject();
  const gone = [ids[0]!, ids[1]!, ids[5]!];
  for (const id of gone) fs.rmSync(path.join(opened.root, project.images.get(id).relPath));
  await opened.ws.rescan();
  await until(() => refreshesIdle() && labeling.items.length === 13);

  expect(labeling.items.map((i) => i.id)).toEqual(ids.filter((id) => !gone.includes(id)));
  expect(labeling.current?.id).toBe(ids[3]);
  expect(`${labeling.index + 1} / ${labeling.total}`).toBe('2 / 13');
  // Every unlabeled image still there comes, in order, and nothing else.
  const seen: number[] = [];
  while (labeling.current) {
    seen.push(labeling.current.id);
    await labeling.label(ant);
  }
  expect(seen).toEqual(ids.slice(3).filter((id) => !gone.includes(id)));
});
