/**
 * Paths typed in the UI: absolute ones and `~` are taken, a relative one is refused with a
 * message that says how to type it (it would otherwise be resolved against the app's own
 * working folder: "resources" named the app's resources folder); the live check and the
 * completion say so instead of throwing, and opening a project refuses it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../src-main/api/workspace';
import { checkPath, completePath, expandPath } from '../../../src-main/project/path-check';
import { tempDir } from '../../support/image-folder';

describe('paths typed in the UI', () => {
  it('takes absolute paths and the home folder', () => {
    const dir = tempDir();
    expect(expandPath(` ${dir} `)).toBe(dir);
    expect(expandPath(path.join(dir, 'a', '..', 'b'))).toBe(path.join(dir, 'b'));
    expect(expandPath('~')).toBe(os.homedir());
    expect(expandPath('')).toBe(os.homedir());
    expect(expandPath('~/photos')).toBe(path.join(os.homedir(), 'photos'));
  });

  it('refuses a relative path, saying how to type it', () => {
    for (const typed of ['resources', './resources', '../x', 'demo-here/sub']) {
      expect(() => expandPath(typed)).toThrow(/BAD_ARGUMENT|not a full path/);
      const check = checkPath(typed);
      expect(check).toMatchObject({ exists: false, hasProject: false, relative: true, empty: false });
      expect(check.message).toContain(`"${typed}" is not a full path`);
      expect(check.message).toContain(`~/${typed}`);
      expect(completePath(typed).entries).toEqual([]);
    }
  });

  it('says whether a folder is empty', async () => {
    const dir = tempDir();
    expect(checkPath(dir)).toMatchObject({ exists: true, isDirectory: true, relative: false, empty: true });
    fs.writeFileSync(path.join(dir, '.hidden'), '');
    expect(checkPath(dir).empty).toBe(false);
    expect(checkPath(path.join(dir, '.hidden'))).toMatchObject({ exists: true, isDirectory: false, empty: false });
    expect(checkPath(path.join(dir, 'missing'))).toMatchObject({ exists: false, relative: false, empty: false, message: 'No such folder.' });
  });

  it('completes folders only, unless asked for files by their endings (any case)', () => {
    const dir = tempDir();
    for (const folder of ['labels', 'lab-photos', '.labels-hidden']) fs.mkdirSync(path.join(dir, folder));
    for (const name of ['labels.csv', 'labels-2.JSON', 'labels.txt', 'lab.csv.bak', '.labels.csv', 'other.csv']) fs.writeFileSync(path.join(dir, name), 'path,class\n');
    const typed = path.join(dir, 'lab');
    const folders = [
      { name: 'lab-photos', path: path.join(dir, 'lab-photos'), folder: true },
      { name: 'labels', path: path.join(dir, 'labels'), folder: true },
    ];
    // The project picker, the export destination, the model's Locate…: folders only, as before.
    expect(completePath(typed).entries).toEqual(folders);
    expect(completePath(typed, []).entries).toEqual(folders);
    // The Import field: its files too, whatever the case of their ending; no other file, no hidden entry.
    expect(completePath(typed, ['.csv', '.json']).entries).toEqual(
      [...folders, { name: 'labels-2.JSON', path: path.join(dir, 'labels-2.JSON'), folder: false }, { name: 'labels.csv', path: path.join(dir, 'labels.csv'), folder: false }],
    );
    expect(completePath(typed, ['.CSV']).entries.filter((e) => !e.folder).map((e) => e.name)).toEqual(['labels.csv']);
    // A folder's whole listing (typed with its separator) lists its files of those endings.
    expect(completePath(dir + path.sep, ['.csv']).entries.filter((e) => !e.folder).map((e) => e.name)).toEqual(['labels.csv', 'other.csv']);
  });

  it('opening a relative path is refused before anything is created', async () => {
    const workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
    await expect(workspace.open('resources', true)).rejects.toThrow(/not a full path/);
    await expect(workspace.createDemo('demo-here')).rejects.toThrow(/not a full path/);
    // The demo goes only into a new or empty folder (PathCheck.empty, as the start screen says).
    const full = tempDir();
    fs.writeFileSync(path.join(full, 'notes.txt'), 'mine');
    await expect(workspace.createDemo(full)).rejects.toThrow(/is not empty/);
    await expect(workspace.createDemo(path.join(full, 'notes.txt'))).rejects.toThrow(/is not empty/);
    expect(fs.readdirSync(full)).toEqual(['notes.txt']);
    expect(workspace.current).toBeNull();
  });
});
