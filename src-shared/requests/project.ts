/** The application and the open project: recent list, folder checks, open/close/create, scan. */
import { s, type Schema } from '../schema';
import { command, query } from './request-def';

export interface AppInfo {
  version: string;
  /** Which shell serves this UI. */
  shell: 'electron' | 'web';
  platform: string;
  /** True where a native folder dialog exists (Electron). */
  canPickFolder: boolean;
  /** True where a native file dialog exists (Electron). */
  canPickFile: boolean;
}

/**
 * What a native folder dialog picks a folder for: a project's folder to open or create, the
 * folder a recent project moved to, the folder that holds the project's model now, a new or
 * empty folder for the demo project, the folder to export into, a folder of class folders to
 * import labels from.
 */
export type FolderPurpose = 'openProject' | 'locateProject' | 'locateModel' | 'demoProject' | 'exportInto' | 'importClassFolders';

export type PickFolderArgs = { purpose: Exclude<FolderPurpose, 'locateProject'> } | { purpose: 'locateProject'; path: string };

// One tag per purpose; a field of another purpose (a `path` on any but locateProject) is refused.
const pickFolderArgs: Schema<PickFolderArgs> = s.variant('purpose', {
  openProject: s.object({ purpose: s.literal('openProject') }),
  locateProject: s.object({ purpose: s.literal('locateProject'), path: s.string({ min: 1 }) }),
  locateModel: s.object({ purpose: s.literal('locateModel') }),
  demoProject: s.object({ purpose: s.literal('demoProject') }),
  exportInto: s.object({ purpose: s.literal('exportInto') }),
  importClassFolders: s.object({ purpose: s.literal('importClassFolders') }),
} satisfies Record<FolderPurpose, Schema<unknown>>);

/**
 * What a native file dialog picks a file for: a labels file to import (a labels CSV, a Label
 * Studio or COCO JSON, an ADMA Studio labels.json), or a prediction CSV to import as suggestions.
 */
export type FilePurpose = 'importLabels' | 'importPredictions';

/**
 * The name endings (lower case, with their dot) of the files each purpose takes: the file
 * dialog's filter offers them first, and the field's Tab completion lists them beside folders.
 */
export const FILE_ENDINGS: Record<FilePurpose, readonly string[]> = {
  importLabels: ['.csv', '.json'],
  importPredictions: ['.csv'],
};

export interface PickFileArgs {
  purpose: FilePurpose;
}

// Every purpose has its endings, so the purposes are FILE_ENDINGS' keys.
const pickFileArgs: Schema<PickFileArgs> = s.object({ purpose: s.literal(...(Object.keys(FILE_ENDINGS) as FilePurpose[])) });

/**
 * A file-name ending that completion may offer: a dot, then 1–16 letters or digits
 * (".csv"). Compared without regard to case.
 */
const fileEnding = s.string({ min: 2, max: 17, pattern: /^\.[A-Za-z0-9]{1,16}$/, describe: 'a file-name ending such as ".csv" (a dot, then 1–16 letters or digits)' });

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
  /** Sub-folders (`folder`: true) and, when asked for by their endings, files (false). */
  entries: { name: string; path: string; folder: boolean }[];
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

/** An image a scan found changed, gone or back while it held the expert's answer: a label, or an unsure mark. */
export interface ScannedLabeledImage {
  imageId: number;
  relPath: string;
  /** The label's class (null: marked unsure). */
  classId: number | null;
  className: string | null;
  unsure: boolean;
  /** In the evaluation set: its label measures the model. */
  evaluation: boolean;
}

/**
 * A file the scan found moved or renamed: gone from `from`, its content (same hash) at `to`, a
 * path the project did not know. The image keeps its id and with it everything the expert gave
 * it (label, unsure mark, evaluation set, history, rounds, predictions); only its path changed.
 */
export interface MovedFile {
  imageId: number;
  from: string;
  to: string;
  /** It holds the expert's answer (a label or an unsure mark), kept. */
  labeled: boolean;
}

/** How many file names of each kind a scan report lists (the counts are always whole). */
export const SCAN_NAMES_LISTED = 200;

/**
 * What a scan found. `changed` counts files whose content changed (a new content hash; a file
 * only touched counts as unchanged). A labeled image whose file changed keeps its label (the
 * expert's work) but loses its prediction and suggestion, made from the old pixels; its
 * features are extracted again (they are cached by content hash). A labeled file that is gone
 * keeps its label, which comes back with the file.
 */
export interface ScanReport {
  total: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** Files moved or renamed (scan-project.ts says when a gone file and a new one are the same): not in `added` or `removed`. */
  moved: number;
  unreadable: UnreadableFile[];
  durationMs: number;
  /** When the scan ended (ISO 8601): which scan a report is. */
  finishedAt: string;
  /** The project's first scan (nothing was indexed before): every file is new, none is news. */
  first: boolean;
  /** Names of the added, removed and changed files, in name order (natural-name.ts): at most SCAN_NAMES_LISTED of each. */
  addedFiles: string[];
  removedFiles: string[];
  changedFiles: string[];
  /** The moved or renamed files, old and new path, in the new paths' name order: at most SCAN_NAMES_LISTED. */
  movedFiles: MovedFile[];
  /** A "check every file" scan: every file was read and hashed again, whatever its size and date. */
  checkedEveryFile: boolean;
  /** Every labeled (or unsure) image whose file content changed: its label is to be checked. In name order. */
  labeledChanged: ScannedLabeledImage[];
  /** Every labeled (or unsure) image whose file is gone or unreadable now: the label waits for the file. In name order. */
  labeledRemoved: ScannedLabeledImage[];
  /** Every labeled (or unsure) image whose file came back with the same content, and with it the label. In name order. */
  labeledReturned: ScannedLabeledImage[];
}

/** The scan found files added, removed, changed or moved (a scan that found only unchanged or unreadable files did not). */
export function changedAnyFile(report: Pick<ScanReport, 'added' | 'removed' | 'changed' | 'moved'>): boolean {
  return report.added + report.removed + report.changed + report.moved > 0;
}

export interface ScanReports {
  /**
   * The scan run when the project was opened, when it found the folder changed since the project
   * was last open (null: nothing changed, the scan is still running, a new project, or dismissed).
   */
  opening: ScanReport | null;
  /** The latest scan of this opening (null while the first one runs). */
  latest: ScanReport | null;
  /** The latest scan was started by the app itself, which noticed files change in the folder (folder-watch.ts), not asked for by a window. */
  latestWatched: boolean;
}

export const projectRequests = {
  'app:info': query(s.none(), 'app').returns<AppInfo>(),
  'project:recent': query(s.none(), 'app').returns<RecentProject[]>(),
  'project:forgetRecent': command(s.object({ path: s.string({ min: 1 }) }), 'app').returns<RecentProject[]>(),
  /**
   * Locate…: the recent entry listed at `path` (its folder moved or renamed) is in `folder` now.
   * Opens it there if `folder` holds that same project, and lists it at `folder` in the entry's
   * place; a folder without a project, or with another one, is refused and nothing changes.
   */
  'project:locate': command(s.object({ path: s.string({ min: 1 }), folder: s.string({ min: 1 }) }), 'app').returns<OpenProjectSummary>(),
  /**
   * Native folder dialog (Electron only); null when cancelled. `purpose` says what the folder is
   * picked for, and the dialog's title, button and options follow it (folder-dialog.ts); there
   * is no default, so a new picker cannot borrow another's words. `locateProject` names the
   * recent entry listed at `path` (its folder moved or renamed: the dialog names it and starts
   * beside it); `locateModel` is for the open project's model folder.
   */
  'project:pickFolder': query(pickFolderArgs, 'app').returns<string | null>(),
  /**
   * Native file dialog (Electron only); null when cancelled. `purpose` says what the file is
   * picked for, and the dialog's title, button and filters follow it (file-dialog.ts).
   */
  'project:pickFile': query(pickFileArgs, 'app').returns<string | null>(),
  'project:checkPath': query(s.object({ path: s.string() }), 'app').returns<PathCheck>(),
  /**
   * The entries of the typed path's folder whose names start with its last segment: sub-folders,
   * and files whose names end with one of `fileEndings` (any case; absent or empty: folders only).
   */
  'project:completePath': query(s.object({ partial: s.string(), fileEndings: s.optional(s.array(fileEnding, { max: 16, unique: true })) }), 'app').returns<PathCompletion>(),
  /** Open the project in `path`, creating it when `create` is true and none exists. */
  'project:open': command(s.object({ path: s.string({ min: 1 }), create: s.boolean() }), 'app').returns<OpenProjectSummary>(),
  /** Project scope: a window can close only the project it shows. */
  'project:close': command(s.none()).returns<null>(),
  'project:current': query(s.none(), 'app').returns<OpenProjectSummary | null>(),
  /**
   * Scan the folder again. A plain rescan reads only files whose size or date changed;
   * `checkEveryFile` reads and hashes every file (a file replaced with one of the same size and
   * date is found only so). Absent: false.
   */
  'project:rescan': command(s.optional(s.object({ checkEveryFile: s.optional(s.boolean()) }))).returns<ScanReport>(),
  /** What the open project's scans found: the opening's news (until dismissed) and the latest scan's report. */
  'project:scans': query(s.none()).returns<ScanReports>(),
  /** The opening scan's report was read: forget it (every window). */
  'project:dismissOpenScan': command(s.none()).returns<null>(),
  'project:unreadable': query(s.none()).returns<UnreadableFile[]>(),
  /** A ready-to-label project made offline from the starter model's demo images. */
  'project:createDemo': command(s.object({ path: s.string({ min: 1 }) }), 'app').returns<OpenProjectSummary>(),
} as const;
