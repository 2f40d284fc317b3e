/**
 * Locate… for a recent project whose folder moved: the recent list records each project's
 * identity when it is opened, replaces the entry's path in one write (listed once), and
 * `project:locate` opens a folder only when it holds that same project; a folder with another
 * project, or none, is refused with nothing changed (the list, the folder, what is open).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { projectDbPath } from '../../../src-main/project/project-db';
import { readProjectIdentity, sameProject } from '../../../src-main/project/project-identity';
import { RecentProjects } from '../../../src-main/project/recent-projects';
import { FakeEngine } from '../../support/fake-engine';
import { handlerCaller } from '../../support/handler-calls';
import { imageFolder, tempDir } from '../../support/image-folder';

const ID_A = { id: 'a'.repeat(32), createdAt: '2026-01-01T10:00:00.000Z' };
const ID_B = { id: 'b'.repeat(32), createdAt: '2026-01-02T10:00:00.000Z' };

describe('the recent list', () => {
  it('records the identity of each project opened, and keeps it from the windows', () => {
    const state = tempDir('adma-state-');
    const recent = new RecentProjects(state);
    recent.touch('/p/a', 'a', ID_A);
    expect(recent.entry('/p/a')).toMatchObject({ path: '/p/a', name: 'a', ...ID_A });
    expect(recent.list()).toEqual([{ path: '/p/a', name: 'a', openedAt: expect.any(String), exists: false }]);
    // An entry written by an earlier version (no identity) is read as it is.
    fs.writeFileSync(path.join(state, 'recent-projects.json'), JSON.stringify([{ path: '/p/old', name: 'old', openedAt: '2025-01-01T00:00:00.000Z' }]));
    expect(recent.entry('/p/old')).toEqual({ path: '/p/old', name: 'old', openedAt: '2025-01-01T00:00:00.000Z' });
  });

  it('puts a located project in its entry’s place: the new path first, the old one gone, the others kept, no duplicate', () => {
    const recent = new RecentProjects(tempDir('adma-state-'));
    recent.touch('/p/other', 'other', ID_B);
    recent.touch('/p/cells', 'cells', ID_A);
    recent.touch('/q/cells-moved', 'cells-moved', ID_A); // opened at its new path before, through the path field
    recent.touch('/q/cells-moved', 'cells-moved', ID_A, '/p/cells');
    expect(recent.entries().map((e) => e.path)).toEqual(['/q/cells-moved', '/p/other']);
    recent.touch('/r/cells', 'cells', ID_A, '/q/cells-moved');
    expect(recent.entries().map((e) => [e.path, e.id])).toEqual([
      ['/r/cells', ID_A.id],
      ['/p/other', ID_B.id],
    ]);
  });
});

describe('which project a folder holds', () => {
  it('compares by id, by creation time only where one side has no id, and cannot tell for a record without either', () => {
    expect(sameProject(ID_A, ID_A)).toBe('same');
    expect(sameProject(ID_A, ID_B)).toBe('different');
    // The same creation time with another id: another project (a copy opened apart has its own id only if made before ids existed).
    expect(sameProject(ID_A, { id: ID_B.id, createdAt: ID_A.createdAt })).toBe('different');
    // A database last written before ids existed: its creation time decides.
    expect(sameProject(ID_A, { id: null, createdAt: ID_A.createdAt })).toBe('same');
    expect(sameProject(ID_A, { id: null, createdAt: ID_B.createdAt })).toBe('different');
    expect(sameProject({}, ID_A)).toBe('unknown');
  });

  it('reads a project open elsewhere (its commits still in the -wal), and refuses a damaged database, making no file beside it', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'));
    const dbFile = projectDbPath(root);
    const holder = new Database(dbFile);
    holder.pragma('journal_mode = WAL');
    holder.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('project_id', '${ID_A.id}'), ('created_at', '${ID_A.createdAt}');`);
    // Open, not checkpointed: the rows are in the -wal only, and the reader must see them.
    expect(fs.statSync(`${dbFile}-wal`).size).toBeGreaterThan(0);
    const listing = fs.readdirSync(path.join(root, '.adma')).sort();
    expect(readProjectIdentity(root)).toEqual(ID_A);
    expect(fs.readdirSync(path.join(root, '.adma')).sort()).toEqual(listing);
    holder.close(); // the last connection checkpoints and removes the -wal and -shm
    expect(fs.readdirSync(path.join(root, '.adma'))).toEqual(['project.db']);
    expect(readProjectIdentity(root)).toEqual(ID_A);
    expect(fs.readdirSync(path.join(root, '.adma'))).toEqual(['project.db']);

    for (const [bytes, why] of [
      [Buffer.alloc(0), /the file is empty/],
      [Buffer.from('not a database at all, just some text'.repeat(200)), /not a readable SQLite database/],
    ] as const) {
      fs.writeFileSync(dbFile, bytes);
      expect(() => readProjectIdentity(root)).toThrow(why);
      expect(fs.readdirSync(path.join(root, '.adma'))).toEqual(['project.db']);
    }
  });
});

let workspace: Workspace | null = null;
afterEach(async () => {
  await workspace?.shutdown();
  workspace = null;
});

/** A workspace over its own state folder, and a caller of its requests as a window makes them. */
function newWorkspace(stateDir = tempDir('adma-state-')) {
  const ws = new Workspace({ stateDir, shell: 'web', version: 'test', log: () => {}, createEngine: () => new FakeEngine() });
  workspace = ws;
  return { ws, call: handlerCaller(() => createHandlers(ws)), stateDir };
}

/** A project of `count` images with two of them labeled `bee`, created, scanned and closed. */
async function labeledProject(ws: Workspace, call: ReturnType<typeof handlerCaller>, count = 4): Promise<string> {
  const root = await imageFolder(count);
  await call('project:open', { path: root, create: true });
  await ws.requireProject().rescan();
  const bee = await call('classes:create', { name: 'bee' });
  await call('labels:set', { imageIds: [1, 2], classId: bee.id });
  await call('project:close');
  return root;
}

/** Move a folder elsewhere (another parent and name), as the expert's file manager would. */
function move(root: string): string {
  const to = path.join(tempDir('adma-moved-'), `${path.basename(root)}-renamed`);
  fs.renameSync(root, to);
  return to;
}

/**
 * Everything a refused Locate… must leave as it was: the recent list, the folders' files (also
 * in `.adma`: no -wal or -shm made by reading the database), the project databases' bytes.
 */
function snapshot(stateDir: string, folders: string[]) {
  const file = path.join(stateDir, 'recent-projects.json');
  return {
    recent: fs.readFileSync(file, 'utf8'),
    folders: folders.map((f) => [fs.readdirSync(f).sort(), fs.existsSync(path.join(f, '.adma')) ? fs.readdirSync(path.join(f, '.adma')).sort() : null]),
    databases: folders.map((f) => (fs.existsSync(projectDbPath(f)) ? fs.readFileSync(projectDbPath(f)).toString('base64') : null)),
  };
}

describe('project:locate', () => {
  it('opens a moved project from its new folder, with its labels, and lists it there once', async () => {
    const { ws, call } = newWorkspace();
    const other = await labeledProject(ws, call);
    const root = await labeledProject(ws, call);
    const moved = move(root);
    expect((await call('project:recent')).map((r) => [r.path, r.exists])).toEqual([
      [root, false],
      [other, true],
    ]);

    const summary = await call('project:locate', { path: root, folder: moved });
    expect(summary).toMatchObject({ path: moved, name: path.basename(moved), labeledCount: 2 });
    expect(ws.current?.root).toBe(moved);
    expect((await call('project:recent')).map((r) => [r.path, r.exists])).toEqual([
      [moved, true],
      [other, true],
    ]);
    // Its identity went with it: the project is the one recorded.
    expect(ws.recent.entry(moved)?.id).toBe(readProjectIdentity(moved).id);
  });

  it('refuses a folder holding another project, and changes nothing', async () => {
    const { ws, call, stateDir } = newWorkspace();
    const other = await labeledProject(ws, call);
    const root = await labeledProject(ws, call);
    move(root);
    const before = snapshot(stateDir, [other]);

    await expect(call('project:locate', { path: root, folder: other })).rejects.toThrow(
      new RegExp(`CONFLICT: ${other} holds another project, not the ${path.basename(root)} last opened at ${root}.*Nothing was changed`),
    );
    expect(ws.current).toBeNull();
    expect(snapshot(stateDir, [other])).toEqual(before);
    expect((await call('project:recent')).map((r) => [r.path, r.exists])).toEqual([
      [root, false],
      [other, true],
    ]);
  });

  it('refuses a folder whose .adma is a symbolic link before reading through it, and changes nothing there', async () => {
    const { ws, call, stateDir } = newWorkspace();
    const other = await labeledProject(ws, call);
    const root = await labeledProject(ws, call);
    move(root);
    const linked = tempDir();
    fs.symlinkSync(path.join(other, '.adma'), path.join(linked, '.adma'));
    const before = snapshot(stateDir, [other]);
    await expect(call('project:locate', { path: root, folder: linked })).rejects.toThrow(/\.adma is a symbolic link/);
    expect(ws.current).toBeNull();
    expect(snapshot(stateDir, [other])).toEqual(before);
  });

  it('refuses a folder without a project, and a path that is no folder, and changes nothing', async () => {
    const { ws, call, stateDir } = newWorkspace();
    const root = await labeledProject(ws, call);
    const moved = move(root);
    const plain = await imageFolder(2);
    const before = snapshot(stateDir, [plain]);

    await expect(call('project:locate', { path: root, folder: plain })).rejects.toThrow(/NOT_FOUND: .* holds no ADMA Studio project .*Nothing was changed/);
    await expect(call('project:locate', { path: root, folder: path.join(plain, 'nowhere') })).rejects.toThrow(/NOT_FOUND: The folder .*nowhere does not exist/);
    await expect(call('project:locate', { path: root, folder: 'relative/folder' })).rejects.toThrow(/BAD_ARGUMENT: "relative\/folder" is not a full path/);
    expect(fs.existsSync(path.join(plain, '.adma'))).toBe(false);
    expect(snapshot(stateDir, [plain])).toEqual(before);
    expect(ws.current).toBeNull();
    // The right folder still works afterwards.
    expect((await call('project:locate', { path: root, folder: moved })).labeledCount).toBe(2);
  });

  it('replaces the entry when the project is already open at its new folder (opened through the path field)', async () => {
    const { ws, call } = newWorkspace();
    const root = await labeledProject(ws, call);
    const moved = move(root);
    await call('project:open', { path: moved, create: false });
    expect((await call('project:recent')).map((r) => [r.path, r.exists])).toEqual([
      [moved, true],
      [root, false],
    ]);
    const session = ws.session;
    expect(await call('project:locate', { path: root, folder: moved })).toMatchObject({ path: moved, session });
    expect((await call('project:recent')).map((r) => r.path)).toEqual([moved]);
  });

  it('refuses an entry no longer listed', async () => {
    const { call } = newWorkspace();
    const root = await imageFolder(1);
    await expect(call('project:locate', { path: '/never/listed', folder: root })).rejects.toThrow(/NOT_FOUND: \/never\/listed is no longer in the recent projects list/);
  });

  it('knows a copy last written before project ids by its creation time', async () => {
    const { ws, call } = newWorkspace();
    const root = await labeledProject(ws, call);
    const moved = move(root);
    // The folder as a version before migration 10 left it: no id in its database (nor migration 11's column).
    const db = new Database(projectDbPath(moved));
    db.exec("DELETE FROM meta WHERE key = 'project_id'");
    db.exec('ALTER TABLE label_actions DROP COLUMN window_id');
    db.pragma('user_version = 9');
    db.close();
    expect((await call('project:locate', { path: root, folder: moved })).labeledCount).toBe(2);
    // Opened by this version, it has an id again, recorded with the entry.
    expect(ws.recent.entry(moved)?.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('takes an entry an earlier version wrote (no identity) on the expert’s word, unless its project is listed under another entry', async () => {
    const { ws, call, stateDir } = newWorkspace();
    const other = await labeledProject(ws, call);
    const root = await labeledProject(ws, call);
    const moved = move(root);
    // The moved project's entry as an earlier version wrote it; `other` was opened since (its identity recorded).
    const file = path.join(stateDir, 'recent-projects.json');
    const [rootEntry, otherEntry] = JSON.parse(fs.readFileSync(file, 'utf8')) as { path: string; name: string; openedAt: string }[];
    fs.writeFileSync(file, JSON.stringify([{ path: rootEntry!.path, name: rootEntry!.name, openedAt: rootEntry!.openedAt }, otherEntry]));
    const before = snapshot(stateDir, [other]);
    await expect(call('project:locate', { path: root, folder: other })).rejects.toThrow(
      new RegExp(`CONFLICT: ${other} holds the project listed as ${path.basename(other)} \\(${other}\\).*did not record which project it was.*Forget this entry. Nothing was changed`),
    );
    expect(snapshot(stateDir, [other])).toEqual(before);
    expect((await call('project:locate', { path: root, folder: moved })).labeledCount).toBe(2);
    expect((await call('project:recent')).map((r) => r.path)).toEqual([moved, other]);
    expect(ws.recent.entry(moved)?.id).toBe(readProjectIdentity(moved).id);
  });
});
