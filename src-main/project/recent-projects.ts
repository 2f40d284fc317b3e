/** The recent-projects list, kept as a small JSON file in the app's state folder. */
import fs from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../../src-shared/contract';
import { makePrivateFolder } from '../core/private-folder';
import { hasProject } from './project-db';
import type { ProjectIdentity } from './project-identity';

const MAX_RECENT = 12;

/**
 * One entry as stored. `id` and `createdAt` (project-identity.ts) are recorded at each opening,
 * so that the entry can tell its project from another when its folder has moved; an entry
 * written by an earlier version has neither until its project is opened again.
 */
export interface RecentEntry {
  path: string;
  name: string;
  openedAt: string;
  id?: string;
  createdAt?: string;
}

export class RecentProjects {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'recent-projects.json');
  }

  private read(): RecentEntry[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? (parsed as RecentEntry[]).filter((e) => typeof e?.path === 'string') : [];
    } catch {
      return [];
    }
  }

  private write(list: RecentEntry[]): void {
    // The paths of the expert's projects: a state folder we create is owner-only, and the file
    // itself is too (a state folder the user named may be readable by others).
    makePrivateFolder(path.dirname(this.file));
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(list, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  /**
   * The list as windows see it. `exists` (a project store at the path) is one file check per
   * entry, at most MAX_RECENT: cheap enough to tell a moved folder before the expert clicks.
   * The identity stays here: windows have no use for it.
   */
  list(): RecentProject[] {
    return this.read().map(({ path: entryPath, name, openedAt }) => ({ path: entryPath, name, openedAt, exists: hasProject(entryPath) }));
  }

  /** The entries as stored, identities included, most recent first. */
  entries(): RecentEntry[] {
    return this.read();
  }

  /** The stored entry for `projectPath`, or null when it is not listed. */
  entry(projectPath: string): RecentEntry | null {
    return this.read().find((e) => e.path === projectPath) ?? null;
  }

  /**
   * The project in `projectPath` was opened: it goes first, with its identity. `replaces`: the
   * entry it was found for (Locate…), which goes in the same write, so the project is listed
   * once, at its new path, whatever happens after.
   */
  touch(projectPath: string, name: string, identity: ProjectIdentity, replaces?: string): void {
    const rest = this.read().filter((e) => e.path !== projectPath && e.path !== replaces);
    const entry: RecentEntry = { path: projectPath, name, openedAt: new Date().toISOString() };
    if (identity.id) entry.id = identity.id;
    if (identity.createdAt) entry.createdAt = identity.createdAt;
    this.write([entry, ...rest].slice(0, MAX_RECENT));
  }

  forget(projectPath: string): RecentProject[] {
    this.write(this.read().filter((e) => e.path !== projectPath));
    return this.list();
  }
}
