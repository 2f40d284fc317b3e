/**
 * The Import dialog's "Choose file…": the native file dialog picks a labels file (or a
 * prediction CSV, for suggestions), with its own words and filters for the files the import
 * takes, "All files" after them. It had no file dialog at all: only "Choose folder…", for a
 * folder of class folders. Checked as Electron would get the options (fileDialogOptions), and
 * along the way from the field to the host with a fake dialog; a host without one (the web
 * host) says so in app:info and refuses the request. The same field's Tab completion lists the
 * files of those endings beside the folders; other fields keep folders only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/api/dispatch';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { fileDialogOptions } from '../../../src-main/shell/file-dialog';
import { useBridge } from '../../../src-renderer/api/bridge';
import { call } from '../../../src-renderer/api/client';
import { PathEntry } from '../../../src-renderer/stores/path-entry.svelte';
import type { FilePurpose, PickFileArgs } from '../../../src-shared/contract';
import { FakeEngine } from '../../support/fake-engine';
import { tempDir } from '../../support/image-folder';
import { inProcessApi } from '../../support/renderer-in-process';

const picks: PickFileArgs[] = [];
const work = tempDir('adma-files-');
const chosen = path.join(work, 'labels.csv');
let ws: Workspace;

beforeAll(() => {
  fs.writeFileSync(chosen, 'path,class\n');
  ws = new Workspace({
    stateDir: tempDir('adma-state-'),
    shell: 'electron',
    version: 'test',
    log: () => {},
    createEngine: () => new FakeEngine(),
    pickFolder: async () => null,
    pickFile: async (pick) => {
      picks.push(pick);
      return chosen;
    },
  });
  useBridge({ raw: inProcessApi(ws, []), kind: 'web', mediaUrl: () => '', onStatus: () => () => undefined });
});

afterAll(async () => {
  await ws?.shutdown();
});

/** As ImportDialog.svelte makes its field: class folders to pick, and the file its kind takes. */
function importField(files: () => FilePurpose | null): PathEntry {
  return new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'importClassFolders' }), files);
}

describe('the file dialog of the Import dialog', () => {
  it('asks for a labels file: its own words, one existing file, the labels files first and then all files', () => {
    expect(fileDialogOptions({ purpose: 'importLabels' })).toEqual({
      title: 'Choose the labels file to import',
      message: 'Choose the labels file to import: a labels CSV, a Label Studio or COCO JSON, or an ADMA Studio labels.json.',
      buttonLabel: 'Use this file',
      filters: [
        { name: 'Labels files (.csv, .json)', extensions: ['csv', 'json'] },
        { name: 'All files', extensions: ['*'] },
      ],
      properties: ['openFile'],
    });
  });

  it('asks for a prediction CSV for suggestions: its own words, CSV files first and then all files', () => {
    expect(fileDialogOptions({ purpose: 'importPredictions' })).toEqual({
      title: 'Choose the prediction CSV to import as suggestions',
      message: 'Choose the prediction CSV to import as suggestions: path, class and probability columns (or one probability column per class).',
      buttonLabel: 'Use this file',
      filters: [
        { name: 'Prediction CSV (.csv)', extensions: ['csv'] },
        { name: 'All files', extensions: ['*'] },
      ],
      properties: ['openFile'],
    });
  });

  it("the Import field asks for its kind's file dialog and takes the file chosen; a field without files asks nothing", async () => {
    expect(await call('app:info')).toMatchObject({ canPickFolder: true, canPickFile: true });
    picks.length = 0;
    let kind: FilePurpose = 'importLabels';
    const field = importField(() => kind);
    await field.pickFile();
    expect(picks).toEqual([{ purpose: 'importLabels' }]);
    expect(field.value).toBe(chosen);
    kind = 'importPredictions';
    await field.pickFile();
    expect(picks[1]).toEqual({ purpose: 'importPredictions' });

    const folders = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'exportInto' }));
    await folders.pickFile();
    expect(picks).toHaveLength(2);
    expect(folders.value).toBe('');
  });

  it('refuses a request without a purpose, with an unknown one, or with another field, without showing a dialog', async () => {
    picks.length = 0;
    await expect(call('project:pickFile', undefined as never)).rejects.toThrow(/object/);
    await expect(call('project:pickFile', { purpose: 'importClassFolders' } as never)).rejects.toThrow(/purpose.*one of importLabels, importPredictions/);
    await expect(call('project:pickFile', { purpose: 'importLabels', path: work } as never)).rejects.toThrow(/path.*no such field/);
    expect(picks).toEqual([]);
  });

  it('a host without a file dialog (the web host) says so, and refuses the request in plain words', async () => {
    const web = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
    const handlers = createHandlers(web);
    try {
      expect(await dispatch(handlers, 'app:info', undefined)).toMatchObject({ ok: true, value: { canPickFolder: false, canPickFile: false } });
      expect(await dispatch(handlers, 'project:pickFile', { purpose: 'importLabels' })).toMatchObject({
        ok: false,
        error: { code: 'UNSUPPORTED', message: expect.stringMatching(/no file dialog in the browser: type the file path/) },
      });
    } finally {
      await web.shutdown();
    }
  });
});

describe('Tab completion of the Import field', () => {
  const folder = tempDir('adma-complete-');

  beforeAll(() => {
    fs.mkdirSync(path.join(folder, 'images'));
    fs.writeFileSync(path.join(folder, 'Labels-Round2.CSV'), 'path,class\n');
    fs.writeFileSync(path.join(folder, 'labelstudio.json'), '[]');
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
  });

  it("completes a labels file's name whole, any case of its ending; suggestions take CSV files only", async () => {
    let kind: FilePurpose = 'importLabels';
    const field = importField(() => kind);
    field.set(path.join(folder, 'Labels-R'));
    expect(await field.complete()).toBe(true);
    expect(field.value).toBe(path.join(folder, 'Labels-Round2.CSV'));
    // Complete: Tab has nothing more to do (no separator after a file).
    expect(await field.complete()).toBe(false);

    field.set(path.join(folder, 'labels'));
    expect(await field.complete()).toBe(true);
    expect(field.value).toBe(path.join(folder, 'labelstudio.json'));

    kind = 'importPredictions';
    field.set(folder + path.sep);
    await field.settled();
    expect(field.completion?.entries.map((e) => `${e.name}${e.folder ? '/' : ''}`)).toEqual(['images/', 'Labels-Round2.CSV']);
  });

  it('other fields (the project picker, the export destination) keep completing folders only', async () => {
    const field = new PathEntry((p) => call('project:checkPath', { path: p }), () => ({ purpose: 'exportInto' }));
    field.set(folder + path.sep);
    await field.settled();
    expect(field.completion?.entries).toEqual([{ name: 'images', path: path.join(folder, 'images'), folder: true }]);
    field.set(path.join(folder, 'labels'));
    expect(await field.complete()).toBe(false);
    expect(field.value).toBe(path.join(folder, 'labels'));
  });

  it('refuses endings that are not a dot and letters or digits, and a repeated one', async () => {
    for (const bad of [['csv'], ['.c*v'], ['.'], ['.csv', '.csv'], [''], ['.a-very-long-ending-indeed']]) {
      await expect(call('project:completePath', { partial: folder, fileEndings: bad })).rejects.toThrow(/fileEndings\[\d\]/);
    }
    await expect(call('project:completePath', { partial: folder, fileEndings: '.csv' } as never)).rejects.toThrow(/fileEndings: expected an array/);
  });
});
