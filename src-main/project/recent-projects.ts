/** The recent-projects list, kept as a small JSON file in the app's state folder. */
import fs from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../../src-shared/contract';
import { makePrivateFolder } from '../core/private-folder';
import { hasProject } from './project-db';

const MAX_RECENT = 12;

interface Stored {
  path: string;
  name: string;
  openedAt: string;
}

export class RecentProjects {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'recent-projects.json');
  }

  private read(): Stored[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? (parsed as Stored[]).filter((e) => typeof e?.path === 'string') : [];
    } catch {
      return [];
    }
  }

  private write(list: Stored[]): void {
    // The paths of the expert's projects: a state folder we create is owner-only, and the file
    // itself is too (a state folder the user named may be readable by others).
    makePrivateFolder(path.dirname(this.file));
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(list, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  list(): RecentProject[] {
    return this.read().map((e) => ({ ...e, exists: hasProject(e.path) }));
  }

  touch(projectPath: string, name: string): void {
    const rest = this.read().filter((e) => e.path !== projectPath);
    this.write([{ path: projectPath, name, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT));
  }

  forget(projectPath: string): RecentProject[] {
    this.write(this.read().filter((e) => e.path !== projectPath));
    return this.list();
  }
}
