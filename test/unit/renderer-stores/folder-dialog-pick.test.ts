/**
 * The native folder dialog says what the folder is picked for. Locate… asks for the folder a
 * recent project was moved to: it names the project, starts beside its old place, and confirms
 * with its own button; the model panel's Locate… does the same for the project's model folder
 * (it read "Open or create a project folder"); the Export and Import dialogs' and the demo
 * project's "Choose folder…" have their own words too (they read "Open or create a project
 * folder"); the project picker's keeps its own. Checked as Electron would get the options
 * (folderDialogOptions), and along the way from the field to the host: each field asks with
 * its purpose (Locate…'s with its entry). The web host has no dialog and says so
 * (test/integration/host/web-host.test.ts).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, type FolderPick } from '../../../src-main/api/workspace';
import { folderDialogOptions } from '../../../src-main/shell/folder-dialog';
import { useBridge } from '../../../src-renderer/api/bridge';
import { PathEntry, pathEntry } from '../../../src-renderer/stores/path-entry.svelte';
import { call } from '../../../src-renderer/api/client';
import { FakeEngine } from '../../support/fake-engine';
import { imageFolder, tempDir } from '../../support/image-folder';
import { inProcessApi } from '../../support/renderer-in-process';

const picks: FolderPick[] = [];
const chosen = tempDir('adma-chosen-');
let ws: Workspace;
let listed: string;

beforeAll(async () => {
  ws = new Workspace({
    stateDir: tempDir('adma-state-'),
    shell: 'electron',
    version: 'test',
    log: () => {},
    createEngine: () => new FakeEngine(),
    pickFolder: async (pick) => {
      picks.push(pick);
      return chosen;
    },
  });
  useBridge({ raw: inProcessApi(ws, []), kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
  listed = await imageFolder(1);
  await ws.open(listed, true);
  await ws.close();
});

afterAll(async () => {
  await ws?.shutdown();
});

describe('the folder dialog of Locate…', () => {
  it('names the project sought, starts beside its old place, confirms with "Locate here", and offers no new folder', () => {
    const options = folderDialogOptions({ purpose: 'locateProject', name: 'bees-2024', listedAt: '/data/field/bees-2024' });
    expect(options).toEqual({
      title: 'Locate bees-2024: choose the folder it was moved to',
      message: 'Locate bees-2024: choose the folder it was moved to. It was at /data/field/bees-2024.',
      buttonLabel: 'Locate here',
      defaultPath: '/data/field',
      properties: ['openDirectory'],
    });
  });

  it('the project picker keeps its own title, the system button and "New Folder"', () => {
    expect(folderDialogOptions({ purpose: 'openProject' })).toEqual({ title: 'Open or create a project folder', properties: ['openDirectory', 'createDirectory'] });
  });

  it("Locate…'s field asks for its entry's dialog and takes the folder chosen; the picker's field asks for a project's folder", async () => {
    picks.length = 0;
    const locating = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'locateProject', path: listed }));
    await locating.pickFolder();
    expect(picks).toEqual([{ purpose: 'locateProject', name: path.basename(listed), listedAt: listed }]);
    expect(locating.value).toBe(chosen);

    await pathEntry.pickFolder();
    expect(picks[1]).toEqual({ purpose: 'openProject' });
    expect(pathEntry.value).toBe(chosen);
  });

  it("the model panel's Locate… names the model sought, starts beside its old folder, confirms as its form does, and offers no new folder", () => {
    const options = folderDialogOptions({ purpose: 'locateModel', name: 'MobileNet v1 0.25', listedAt: '/data/models/mobilenet' });
    expect(options).toEqual({
      title: 'Locate the model MobileNet v1 0.25: choose the folder that holds it now',
      message: 'Locate the model MobileNet v1 0.25: choose the folder that holds it now. Its folder was at /data/models/mobilenet.',
      buttonLabel: 'Use this folder',
      defaultPath: '/data/models',
      properties: ['openDirectory'],
    });
  });

  it("the model's Locate… field asks for the model folder's dialog, named from the open project's model (not a project's dialog)", async () => {
    picks.length = 0;
    await ws.open(listed, false);
    try {
      await call('engine:chooseModel', { choice: { kind: 'folder', path: '/data/models/fake', layers: { layerA: 'a', layerB: 'b', softmaxLayer: 's', cutLayer: 'c' } } });
      // As ModelLocate.svelte makes its field.
      const locating = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'locateModel' }));
      await locating.pickFolder();
      expect(picks).toEqual([{ purpose: 'locateModel', name: 'Fake model', listedAt: '/data/models/fake' }]);
      expect(locating.value).toBe(chosen);
      expect(picks).toHaveLength(1);
    } finally {
      await ws.close();
    }
  });

  it('refuses a Locate… dialog for an entry no longer listed, without showing a dialog', async () => {
    picks.length = 0;
    await expect(call('project:pickFolder', { purpose: 'locateProject', path: '/nowhere/listed' })).rejects.toThrow(/no longer in the recent projects list/);
    expect(picks).toEqual([]);
  });

  it('the Export dialog asks for the folder to export into: its own words, a button that does not start the export, and a new folder may be made (macOS) or typed (Windows)', () => {
    expect(folderDialogOptions({ purpose: 'exportInto' })).toEqual({
      title: 'Choose the folder to export into',
      message: "Choose the folder to export into: a new or empty folder, outside the project's folder.",
      buttonLabel: 'Use this folder',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
  });

  it('the Import dialog asks for a folder of class folders: its own words, and only an existing folder', () => {
    expect(folderDialogOptions({ purpose: 'importClassFolders' })).toEqual({
      title: 'Choose the folder of class folders to import',
      message: 'Choose the folder of class folders to import: one sub-folder per class (or train/, val/… with class folders inside).',
      buttonLabel: 'Use this folder',
      properties: ['openDirectory'],
    });
  });

  it("the demo project's field asks for a new or empty folder, which may be made (macOS) or typed (Windows)", () => {
    expect(folderDialogOptions({ purpose: 'demoProject' })).toEqual({
      title: 'Choose a new or empty folder for the demo project',
      message: 'Choose a new or empty folder for the demo project.',
      buttonLabel: 'Create it here',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
  });

  it("the Export and Import dialogs' fields ask for their own dialogs, not a project's", async () => {
    picks.length = 0;
    // As ExportDialog.svelte and ImportDialog.svelte make their fields.
    const exporting = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'exportInto' }));
    const importing = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'importClassFolders' }));
    await exporting.pickFolder();
    await importing.pickFolder();
    expect(picks).toEqual([{ purpose: 'exportInto' }, { purpose: 'importClassFolders' }]);
    expect(exporting.value).toBe(chosen);
  });

  it('refuses a request without a purpose, with an unknown one, or with a field of another purpose, without showing a dialog', async () => {
    picks.length = 0;
    await expect(call('project:pickFolder', undefined as never)).rejects.toThrow(/object/);
    await expect(call('project:pickFolder', { purpose: 'somewhere' } as never)).rejects.toThrow(/purpose.*one of openProject, locateProject, locateModel, demoProject, exportInto, importClassFolders/);
    await expect(call('project:pickFolder', { purpose: 'exportInto', path: listed } as never)).rejects.toThrow(/path.*no such field/);
    await expect(call('project:pickFolder', { locate: listed, locateModel: true } as never)).rejects.toThrow(/purpose/);
    expect(picks).toEqual([]);
  });
});
