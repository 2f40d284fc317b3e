/**
 * The native folder dialog says what the folder is picked for. Locate… asks for the folder a
 * recent project was moved to: it names the project, starts beside its old place, and confirms
 * with its own button; the model panel's Locate… does the same for the project's model folder
 * (it read "Open or create a project folder"); the project picker's "Choose folder…" keeps its own words. Checked as
 * Electron would get the options (folderDialogOptions), and along the way from the field to
 * the host: Locate…'s field asks with its entry, the picker's without. The web host has no
 * dialog and says so (test/integration/host/web-host.test.ts).
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
    const options = folderDialogOptions({ kind: 'locate', name: 'bees-2024', listedAt: '/data/field/bees-2024' });
    expect(options).toEqual({
      title: 'Locate bees-2024: choose the folder it was moved to',
      message: 'Locate bees-2024: choose the folder it was moved to. It was at /data/field/bees-2024.',
      buttonLabel: 'Locate here',
      defaultPath: '/data/field',
      properties: ['openDirectory'],
    });
  });

  it('the project picker keeps its own title, the system button and "New Folder"', () => {
    expect(folderDialogOptions({ kind: 'open' })).toEqual({ title: 'Open or create a project folder', properties: ['openDirectory', 'createDirectory'] });
  });

  it("Locate…'s field asks for its entry's dialog and takes the folder chosen; the picker's field asks for a project's folder", async () => {
    picks.length = 0;
    const locating = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ locate: listed }));
    await locating.pickFolder();
    expect(picks).toEqual([{ kind: 'locate', name: path.basename(listed), listedAt: listed }]);
    expect(locating.value).toBe(chosen);

    await pathEntry.pickFolder();
    expect(picks[1]).toEqual({ kind: 'open' });
    expect(pathEntry.value).toBe(chosen);
  });

  it("the model panel's Locate… names the model sought, starts beside its old folder, confirms as its form does, and offers no new folder", () => {
    const options = folderDialogOptions({ kind: 'locateModel', name: 'MobileNet v1 0.25', listedAt: '/data/models/mobilenet' });
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
      const locating = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ locateModel: true }));
      await locating.pickFolder();
      expect(picks).toEqual([{ kind: 'locateModel', name: 'Fake model', listedAt: '/data/models/fake' }]);
      expect(locating.value).toBe(chosen);
      await expect(call('project:pickFolder', { locate: listed, locateModel: true })).rejects.toThrow(/Ask for one folder dialog/);
      expect(picks).toHaveLength(1);
    } finally {
      await ws.close();
    }
  });

  it('refuses a Locate… dialog for an entry no longer listed, without showing a dialog', async () => {
    picks.length = 0;
    await expect(call('project:pickFolder', { locate: '/nowhere/listed' })).rejects.toThrow(/no longer in the recent projects list/);
    expect(picks).toEqual([]);
  });
});
