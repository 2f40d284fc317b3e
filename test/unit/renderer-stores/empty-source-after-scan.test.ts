/**
 * A label view on a source the expert chose that has no image yet (the evaluation set before any
 * is sampled, the unsure images before any is marked) stays on that source when a scan runs (the
 * folder watcher starts one whenever a file changes). It used to start the queue instead, as
 * for the session the project opens on, so the expert's choice was dropped under them.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { refreshesIdle } from '../../../src-renderer/orchestration/project-lifecycle';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { writeImage } from '../../support/image-folder';
import { useScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const opened = useScannedProject(6);

it('keeps an empty source the expert chose across a scan; the source the project opened on still starts again', async () => {
  let added = 0;
  const scanWithNewFile = async (): Promise<void> => {
    await writeImage(path.join(opened.root, `added-${added++}.png`), 1000 + added);
    await opened.ws.rescan();
    await until(() => !opened.ws.current!.isScanning && refreshesIdle());
  };

  await labeling.start({ kind: 'evaluation' });
  expect(labeling.items).toHaveLength(0);
  await scanWithNewFile();
  expect(labeling.source).toEqual({ kind: 'evaluation' });
  expect(labeling.items).toHaveLength(0);

  const unsure = { kind: 'browse', filter: { kind: 'unsure' }, title: 'Unsure' } as const;
  await labeling.start(unsure);
  expect(labeling.items).toHaveLength(0);
  await scanWithNewFile();
  expect(labeling.source).toEqual(unsure);
  expect(labeling.items).toHaveLength(0);

  // The folder order chosen by hand with every image labeled: the image the scan adds comes.
  await classes.create('ant');
  await labeling.start({ kind: 'queue' }, { byHand: true });
  while (labeling.current) await labeling.label(classes.list[0]!.id);
  expect(labeling.items.every((i) => i.classId !== null)).toBe(true);
  await scanWithNewFile();
  // (Read through a function: the loop above narrowed labeling.current to null for TypeScript.)
  const onScreen = (): { relPath: string } | null => labeling.current;
  await until(() => onScreen() !== null);
  expect(labeling.source).toEqual({ kind: 'queue' });
  expect(onScreen()?.relPath).toBe(`added-${added - 1}.png`);

  // The session the project opened on is the app's choice, not the expert's: a scan that finds
  // images for it starts it again with what is there now.
  await labeling.start({ kind: 'browse', filter: { kind: 'unsure' }, title: 'Unsure' }, { openDefault: true });
  await scanWithNewFile();
  await until(() => labeling.items.length > 0);
  expect(labeling.source.kind).toBe('queue');
});
