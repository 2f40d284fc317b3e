/**
 * The folder in a gallery tile's caption, through the real handlers: the fewest last folders
 * that tell the image's folder from every other folder of the project's present images
 * (`images:folders`, logic/file-name.ts captionFolders), read with the gallery's first page and
 * made again when a scan changes the folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject, refreshesIdle } from '../../../src-renderer/orchestration/project-lifecycle';
import { gallery } from '../../../src-renderer/stores/gallery.svelte';
import type { Channel } from '../../../src-shared/contract';
import { tempDir, writeImage } from '../../support/image-folder';
import { bridgedWorkspace } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const sent: Channel[] = [];
const ws = bridgedWorkspace(sent);
afterAll(() => ws.shutdown());

/** Each present image's path and its caption folder, as the gallery lists them. */
function captions(): Record<string, string> {
  const shown: Record<string, string> = {};
  for (let k = 0; k < gallery.total; k++) {
    const item = gallery.itemAt(k);
    if (item) shown[item.relPath] = gallery.captionFolder(item.relPath);
  }
  return shown;
}

describe('the gallery caption tells folders apart', () => {
  it('shows patientA/slide01 and patientB/slide01 where "…/slide01" would read the same, and follows a scan', async () => {
    const root = tempDir('adma-captions-');
    const files = ['patientA/slide01/x.png', 'patientB/slide01/y.png', 'patientA/slide02/z.png', 'top.png'];
    for (const [k, f] of files.entries()) await writeImage(path.join(root, f), k + 1);
    await openProject(root, true);
    await ws.rescan();
    await until(() => !ws.current!.isScanning && refreshesIdle());
    await gallery.reload();
    expect(captions()).toEqual({
      'patientA/slide01/x.png': 'patientA/slide01',
      'patientA/slide02/z.png': '…/slide02',
      'patientB/slide01/y.png': 'patientB/slide01',
      'top.png': '',
    });

    // Another patient's slide02, and patientB's only image gone: the captions follow the folders.
    await writeImage(path.join(root, 'patientC/slide02/w.png'), 9);
    fs.rmSync(path.join(root, 'patientB'), { recursive: true });
    await ws.rescan();
    await until(() => !ws.current!.isScanning && refreshesIdle());
    await gallery.reload();
    expect(captions()).toEqual({
      'patientA/slide01/x.png': '…/slide01',
      'patientA/slide02/z.png': 'patientA/slide02',
      'patientC/slide02/w.png': 'patientC/slide02',
      'top.png': '',
    });
  });
});
