/**
 * A project's `.adma` (thumbnails and database of private images) and the app's state folder
 * are owner-only, and a `.adma` that is or holds a symbolic link is refused before anything
 * is written through it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { Project } from '../../../src-main/project/project';
import { cliDir, writeWorkspace } from '../../../src-main/cli/cli-workspace';
import { RecentProjects } from '../../../src-main/project/recent-projects';
import { errorOf } from '../../support/error-of';
import { tempDir } from '../../support/image-folder';

const posix = process.platform !== 'win32';
const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;

const opened: Project[] = [];
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close();
});

describe('owner-only project data', () => {
  it.skipIf(!posix)('creates .adma at 0700, so no other local user can read a thumbnail of a private image', () => {
    const root = tempDir();
    opened.push(Project.open(root, true));
    expect(modeOf(path.join(root, '.adma'))).toBe(0o700);
  });

  it.skipIf(!posix)('tightens a .adma an older version made at 0755 when the project is opened, and leaves the image folder alone', async () => {
    const root = tempDir();
    fs.chmodSync(root, 0o755);
    const first = Project.open(root, true);
    await first.close();
    fs.chmodSync(path.join(root, '.adma'), 0o755);
    opened.push(Project.open(root, false));
    expect(modeOf(path.join(root, '.adma'))).toBe(0o700);
    expect(modeOf(root)).toBe(0o755);
  });

  it.skipIf(!posix)('creates the state folder at 0700 and writes the recent-projects list owner-only', () => {
    const state = path.join(tempDir(), 'state', 'adma-studio');
    const recent = new RecentProjects(state);
    recent.touch('/somewhere/private', 'private', { id: null, createdAt: null });
    expect(modeOf(state)).toBe(0o700);
    expect(modeOf(path.join(state, 'recent-projects.json'))).toBe(0o600);
    expect(recent.list().map((r) => r.path)).toEqual(['/somewhere/private']);
  });
});

describe('a symbolic link in place of .adma or inside it', () => {
  it.skipIf(!posix)('refuses a .adma that links outside the chosen folder, and writes nothing there', async () => {
    const base = tempDir();
    const root = path.join(base, 'proj');
    const victim = path.join(base, 'outside', 'victim-dir');
    fs.mkdirSync(root);
    fs.mkdirSync(victim, { recursive: true });
    fs.symlinkSync('../outside/victim-dir', path.join(root, '.adma'));
    const error = errorOf(() => opened.push(Project.open(root, true)));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNSUPPORTED');
    expect(error.message).toContain(path.join(root, '.adma'));
    expect(error.message).toMatch(/symbolic link \(to \.\.\/outside\/victim-dir\).*Remove the link/s);
    expect(fs.readdirSync(victim)).toEqual([]);
    // The command-line tool's workspace in the same folder is refused the same way.
    const cli = errorOf(() => cliDir(root));
    expect((cli as AppError).code).toBe('UNSUPPORTED');
    await expect(writeWorkspace(root, { formatVersion: 1 } as Parameters<typeof writeWorkspace>[1])).rejects.toThrow(/symbolic link/);
    expect(fs.readdirSync(victim)).toEqual([]);
  });

  it.skipIf(!posix)('refuses a project.db or lock.db that is a link, before opening it', async () => {
    for (const name of ['project.db', 'lock.db']) {
      const base = tempDir();
      const root = path.join(base, 'proj');
      fs.mkdirSync(root);
      const first = Project.open(root, true);
      await first.close();
      const elsewhere = path.join(base, `elsewhere-${name}`);
      fs.renameSync(path.join(root, '.adma', name), elsewhere);
      fs.symlinkSync(elsewhere, path.join(root, '.adma', name));
      const before = fs.statSync(elsewhere).mtimeMs;
      const error = errorOf(() => opened.push(Project.open(root, false)));
      expect(error.message).toContain(`${path.join(root, '.adma', name)} is a symbolic link (to ${elsewhere})`);
      expect(fs.statSync(elsewhere).mtimeMs).toBe(before);
    }
  });
});
