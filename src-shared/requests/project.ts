/** The application and the open project: recent list, folder checks, open/close/create, scan. */
import { s } from '../schema';
import { command, query } from './request-def';

export interface AppInfo {
  version: string;
  /** Which shell serves this UI. */
  shell: 'electron' | 'web';
  platform: string;
  /** True where a native folder dialog exists (Electron). */
  canPickFolder: boolean;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export interface PathCheck {
  path: string;
  exists: boolean;
  isDirectory: boolean;
  readable: boolean;
  writable: boolean;
  hasProject: boolean;
  /** The typed path was relative: refused (the message says how to type it), nothing else is known. */
  relative: boolean;
  /** A readable folder with nothing in it (hidden files count); false for anything else. */
  empty: boolean;
  /** A sentence for the user: what this folder is and whether it can be opened. */
  message: string;
}

export interface PathCompletion {
  /** The directory whose entries are listed. */
  directory: string;
  entries: { name: string; path: string }[];
}

export interface ProjectSummary {
  path: string;
  name: string;
  createdAt: string;
  schemaVersion: number;
  imageCount: number;
  unreadableCount: number;
  labeledCount: number;
  /** Images marked unsure (not labeled, not counted in labeledCount). */
  unsureCount: number;
  /** Images with a suggestion imported from another model's predictions. */
  importedSuggestionCount: number;
  classCount: number;
}

/**
 * The open project as a window sees it: its summary and the identity of this opening. Every
 * window sends `session` with its requests, and the back end refuses project requests whose
 * session is not the open one (error PROJECT_CHANGED), so a window still showing a project that
 * another window replaced cannot write into the new one.
 */
export interface OpenProjectSummary extends ProjectSummary {
  session: string;
}

export interface UnreadableFile {
  relPath: string;
  reason: string;
}

export interface ScanReport {
  total: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  unreadable: UnreadableFile[];
  durationMs: number;
}

export const projectRequests = {
  'app:info': query(s.none(), 'app').returns<AppInfo>(),
  'project:recent': query(s.none(), 'app').returns<RecentProject[]>(),
  'project:forgetRecent': command(s.object({ path: s.string({ min: 1 }) }), 'app').returns<RecentProject[]>(),
  /** Native folder dialog (Electron only); null when cancelled. */
  'project:pickFolder': query(s.none(), 'app').returns<string | null>(),
  'project:checkPath': query(s.object({ path: s.string() }), 'app').returns<PathCheck>(),
  'project:completePath': query(s.object({ partial: s.string() }), 'app').returns<PathCompletion>(),
  /** Open the project in `path`, creating it when `create` is true and none exists. */
  'project:open': command(s.object({ path: s.string({ min: 1 }), create: s.boolean() }), 'app').returns<OpenProjectSummary>(),
  /** Project scope: a window can close only the project it shows. */
  'project:close': command(s.none()).returns<null>(),
  'project:current': query(s.none(), 'app').returns<OpenProjectSummary | null>(),
  'project:rescan': command(s.none()).returns<ScanReport>(),
  'project:unreadable': query(s.none()).returns<UnreadableFile[]>(),
  /** A ready-to-label project made offline from the starter model's demo images. */
  'project:createDemo': command(s.object({ path: s.string({ min: 1 }) }), 'app').returns<OpenProjectSummary>(),
} as const;
