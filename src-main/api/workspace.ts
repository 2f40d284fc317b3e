/**
 * The back end's state: which project is open, the recent list, and pushed events. Plain
 * Node: the Electron shell and the web host both wrap one Workspace.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../../src-shared/app-error';
import { Adaptation } from '../adaptation/adaptation';
import type { ModelPlaces } from '../adaptation/model-options';
import type { EnginePort } from '../adaptation/engine-port';
import { EngineClient } from '../engine/engine-client';
import { findDemoDir, writeDemoSet } from '../engine/starter/demo-set';
import type { FolderPurpose, LabelAction, PickFileArgs, OpenProjectSummary, PathCheck, ScanReport, ScanReports } from '../../src-shared/contract';
import { changedAnyFile } from '../../src-shared/requests/project';
import { checkPath, expandPath } from '../project/path-check';
import { FolderWatch } from '../project/folder-watch';
import { Project } from '../project/project';
import { readProjectIdentity, sameProject } from '../project/project-identity';
import { RecentProjects, type RecentEntry } from '../project/recent-projects';
import { EventHub } from '../core/event-hub';
import { JobReporter } from '../core/job-reporter';

/** The engine as the workspace holds it: the adaptation's port, and a way to stop it. */
export type EngineHandle = EnginePort & { terminate(): Promise<void> };

/**
 * What a native folder dialog picks a folder for (FolderPurpose), with what the two Locate…
 * dialogs name and start beside: the recent project's or the model's `name`, and `listedAt`,
 * where its folder was.
 */
export type FolderPick = { purpose: Exclude<FolderPurpose, 'locateProject' | 'locateModel'> } | { purpose: 'locateProject' | 'locateModel'; name: string; listedAt: string };

export interface WorkspaceOptions {
  stateDir: string;
  shell: 'electron' | 'web';
  version: string;
  /** Native folder dialog, where the shell has one; `pick` says what the folder is for (its title and button). */
  pickFolder?: (pick: FolderPick) => Promise<string | null>;
  /** Native file dialog, where the shell has one; `pick` says what the file is for (its title, button and filters). */
  pickFile?: (pick: PickFileArgs) => Promise<string | null>;
  log?: (message: string) => void;
  /** Model cache and shipped resources (packaged apps pass their resources folder). */
  places?: ModelPlaces;
  /** Engine factory (tests may run the worker from sources, or pass a fake). */
  createEngine?: () => EngineHandle;
  /**
   * Watch the open project's folder and scan it when files change (folder-watch.ts). The shells
   * turn it on; tests that change files and then rescan by hand leave it off, or their rescan
   * would race the watch's.
   */
  watchFolders?: boolean;
  /** A fixed seed for every project's active loop (reproducible runs: tests, benchmarks); by default each project derives its own. */
  seed?: number;
}

/** How many past openings keep their project's name, for messages naming what a window shows. */
const SESSION_NAMES_KEPT = 32;

export class Workspace {
  readonly events = new EventHub();
  readonly recent: RecentProjects;
  private project: Project | null = null;
  /** The identity of this opening of the project (a new one each time a project is opened). */
  private sessionId: string | null = null;
  private readonly sessionNames = new Map<string, string>();
  private adaptationService: Adaptation | null = null;
  private engineClient: EngineHandle | null = null;
  /** The report of the scan run at this opening, when it found the folder changed (until dismissed). */
  private openingScan: ScanReport | null = null;
  /** The latest scan's report, for the windows that did not ask for it (`project:scans`). */
  private latestScan: ScanReport | null = null;
  /** The latest scan was the folder watch's. */
  private latestScanWatched = false;
  /** A window asked for the scan running now (a plain rescan shares it): its report is not the watch's alone. */
  private scanAskedFor = false;
  private folderWatch: FolderWatch | null = null;
  /** The next scan to finish is the opening's (the one `open` starts, shared by any rescan asked for meanwhile). */
  private openingScanDue = false;

  constructor(readonly options: WorkspaceOptions) {
    this.recent = new RecentProjects(options.stateDir);
  }

  get current(): Project | null {
    return this.project;
  }

  /** The open project's session, or null when none is open. */
  get session(): string | null {
    return this.sessionId;
  }

  /** The name of the project opened as `session` (kept for the last few openings), or null. */
  sessionName(session: string): string | null {
    return this.sessionNames.get(session) ?? null;
  }

  /** The open project's summary with the identity of this opening (what windows are told). */
  summary(): OpenProjectSummary | null {
    if (!this.project || !this.sessionId) return null;
    return { ...this.project.summary(), session: this.sessionId };
  }

  private requireSummary(): OpenProjectSummary {
    const summary = this.summary();
    if (!summary) throw new AppError('NO_PROJECT', 'No project is open. Open or create a project first.');
    return summary;
  }

  requireProject(): Project {
    if (!this.project) throw new AppError('NO_PROJECT', 'No project is open. Open or create a project first.');
    return this.project;
  }

  /** Whether `project` is the one open now (not closed or replaced while a request waited). */
  isOpen(project: Project): boolean {
    return this.project === project;
  }

  /** The open project's active loop. */
  adaptation(): Adaptation {
    this.requireProject();
    return this.adaptationService as Adaptation;
  }

  /** Classes changed (created, renamed, reordered, deleted): announce the new list. */
  classesChanged(): void {
    this.events.emit('project:changed', { change: 'classes', classes: this.requireProject().classes.list() });
  }

  /**
   * Labels changed: announce the action with the window that asked for it (`origin`, null for
   * none) and the new counts, then let the active loop train or query when due (`loop` false:
   * nothing was labeled, as in an import that matched no row). An import has no action:
   * `imported` says how many images it changed.
   */
  labelsChanged(action: LabelAction | null, origin: string | null, { loop = true, imported = 0 }: { loop?: boolean; imported?: number } = {}): void {
    const project = this.requireProject();
    const counts = project.images.labelCounts();
    this.events.emit('project:changed', {
      change: 'labels',
      action,
      origin,
      imported,
      labeledCount: counts.labeled,
      unsureCount: counts.unsure,
      classes: project.classes.list(),
    });
    if (loop) this.adaptation().loop.onLabelsChanged();
  }

  /** The engine worker, started on first use and kept for the life of the workspace. */
  engine(): EngineHandle {
    this.engineClient ??= this.options.createEngine ? this.options.createEngine() : new EngineClient();
    return this.engineClient;
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }

  /** Write the starter model's demo images into an empty folder and open it as a project. */
  async createDemo(folder: string): Promise<OpenProjectSummary> {
    const demoDir = findDemoDir(this.options.places?.resourcesDir);
    if (!demoDir) throw new AppError('NOT_FOUND', 'The demo images are not installed with this copy of ADMA Studio.');
    const check = checkPath(expandPath(folder)); // a relative path is refused with its own message
    if (check.exists && !check.empty) {
      throw new AppError('CONFLICT', `${check.path} is not empty: choose a new or empty folder for the demo project.`);
    }
    fs.mkdirSync(check.path, { recursive: true });
    const { files } = await writeDemoSet(demoDir, check.path);
    await this.open(check.path, true);
    await this.rescan();
    const project = this.requireProject();
    const names = [...new Set(files.map((f) => f.label))].sort();
    for (const name of names) project.classes.create(name, undefined); // "0"–"9" get the keys 0–9 (ClassStore.create)
    this.classesChanged();
    await this.adaptation().chooseModel({ kind: 'starter' });
    return this.requireSummary();
  }

  /** The typed folder, checked as a project's folder must be before anything is read in it. */
  private existingFolder(folder: string): PathCheck {
    const check = checkPath(expandPath(folder)); // a relative path is refused with its own message
    if (!check.exists) throw new AppError('NOT_FOUND', `The folder ${check.path} does not exist.`);
    if (!check.isDirectory) throw new AppError('NOT_A_FOLDER', `${check.path} is a file; choose the folder that holds your images.`);
    if (!check.readable) throw new AppError('UNREADABLE', `The folder ${check.path} cannot be read (permission denied).`);
    return check;
  }

  /**
   * Open the project in `folder` (create one there when `create`). `replaces`: the recent entry
   * this opening was asked for in its place (`locate`), taken out of the list in the same write
   * that lists the project at its path.
   */
  async open(folder: string, create: boolean, replaces?: string): Promise<OpenProjectSummary> {
    const check = this.existingFolder(folder);
    if (this.project?.root === check.path) {
      if (replaces !== undefined) this.recent.touch(this.project.root, this.requireSummary().name, this.project.identity(), replaces);
      return this.requireSummary();
    }
    const next = Project.open(check.path, create, (message) => {
      this.log(message);
      this.events.emit('project:changed', { change: 'warning', message });
    });
    await this.close();
    this.project = next;
    this.adaptationService = new Adaptation({
      project: next,
      engine: () => this.engine(),
      events: this.events,
      places: this.options.places ?? {},
      log: (m) => this.log(m),
      ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
    });
    this.adaptationService.start();
    const session = randomUUID();
    this.sessionId = session;
    const summary = { ...next.summary(), session };
    this.sessionNames.set(session, summary.name);
    if (this.sessionNames.size > SESSION_NAMES_KEPT) this.sessionNames.delete(this.sessionNames.keys().next().value as string);
    this.recent.touch(next.root, summary.name, next.identity(), replaces);
    this.events.emit('project:changed', { change: 'opened', session, name: summary.name });
    this.openingScan = null;
    this.latestScan = null;
    this.latestScanWatched = false;
    this.openingScanDue = true;
    this.rescan().catch((error: Error) => this.log(`scan of ${next.root} failed: ${error.message}`));
    if (this.options.watchFolders) {
      this.folderWatch = new FolderWatch(next.root, {
        onChanged: () => this.rescanChanged(next),
        onError: (message) => {
          this.log(message);
          if (this.project === next) this.events.emit('project:changed', { change: 'warning', message });
        },
      });
    }
    return summary;
  }

  /** The recent entry listed at `listed`, sought by Locate…; NOT_FOUND when it is no longer listed. */
  listedEntry(listed: string): RecentEntry {
    const entry = this.recent.entry(listed);
    if (!entry) throw new AppError('NOT_FOUND', `${listed} is no longer in the recent projects list; open the project from its folder instead.`);
    return entry;
  }

  /**
   * Locate…: the recent entry `listed` (its folder moved, renamed, or on another drive now) is
   * found in `folder`. The folder must hold a project and it must be the entry's own
   * (project-identity.ts); then it opens and the entry's path becomes `folder`, listed once.
   * Anything else is refused before a byte is written, the list and the folder as they were.
   *
   * An entry written by a version that recorded no identity (its project not opened since) cannot
   * be compared: the project in `folder` is taken on the expert's word, unless the list already
   * holds it under another entry (which recorded its identity): then this entry cannot be told
   * apart from that one, and the expert is told to forget it if it was the same.
   */
  async locate(listed: string, folder: string): Promise<OpenProjectSummary> {
    const entry = this.listedEntry(listed);
    const check = this.existingFolder(folder);
    if (!check.hasProject) {
      throw new AppError('NOT_FOUND', `${check.path} holds no ADMA Studio project (no .adma folder with its database): choose the folder ${entry.name} was moved to. Nothing was changed.`);
    }
    const found = readProjectIdentity(check.path);
    const verdict = sameProject(entry, found);
    if (verdict === 'unknown') {
      const listedAs = found.id === null ? undefined : this.recent.entries().find((e) => e.id === found.id && e.path !== listed);
      if (listedAs) {
        throw new AppError(
          'CONFLICT',
          `${check.path} holds the project listed as ${listedAs.name} (${listedAs.path}). This entry was listed by an earlier version of ADMA Studio, which did not record which project it was, so it cannot be told apart: if it was that project, Forget this entry. Nothing was changed.`,
        );
      }
    }
    if (verdict === 'different') {
      throw new AppError(
        'CONFLICT',
        `${check.path} holds another project, not the ${entry.name} last opened at ${listed}. Choose the folder ${entry.name} was moved to. Nothing was changed.`,
      );
    }
    return this.open(check.path, false, listed);
  }

  private scanFinished(report: ScanReport, watched: boolean): void {
    this.latestScan = report;
    this.latestScanWatched = watched;
    if (!this.openingScanDue) return;
    this.openingScanDue = false;
    // What changed in the folder while the project was closed is news; a new project's first scan is not.
    if (!report.first && changedAnyFile(report)) this.openingScan = report;
  }

  /**
   * Resolves once the open project's folder is watched (every folder has its watch; changes made
   * before may go unnoticed until the next scan); at once when nothing is watched.
   */
  async folderWatchReady(): Promise<void> {
    await this.folderWatch?.ready();
  }

  /** What this opening's scans found (see `project:scans`). */
  scans(): ScanReports {
    this.requireProject();
    return { opening: this.openingScan, latest: this.latestScan, latestWatched: this.latestScanWatched };
  }

  dismissOpenScan(): void {
    this.requireProject();
    this.openingScan = null;
  }

  /**
   * Scan the open project's folder. A plain rescan asked for while a scan runs shares it; one
   * that checks every file (reads and hashes each, scan-project.ts) waits for it, then runs.
   */
  async rescan(options: { checkEveryFile?: boolean } = {}, watched = false): Promise<ScanReport> {
    const project = this.requireProject();
    if (project.isScanning) {
      if (!options.checkEveryFile) {
        if (!watched) this.scanAskedFor = true;
        return project.rescan();
      }
      await project.rescan().catch(() => undefined);
      if (!this.isOpen(project)) throw new AppError('NO_PROJECT', 'The project was closed before its files were checked.');
      return this.rescan(options);
    }
    this.scanAskedFor = !watched;
    const job = new JobReporter(this.events, 'scan');
    const report = await job.run(async (reporter) => {
      reporter.progress('indexing', 0, 0, true);
      const result = await project.rescan(
        (p) => {
          reporter.progress(p.phase, p.done, p.total);
          this.events.emit('project:changed', { change: 'scanned' });
        },
        { checkEveryFile: options.checkEveryFile === true },
      );
      reporter.progress('indexing', result.total, result.total, true);
      // Recorded before the job's end is announced: windows ask for it then.
      if (this.project === project) this.scanFinished(result, watched && !this.scanAskedFor);
      return result;
    });
    if (this.project === project) {
      this.events.emit('project:changed', { change: 'scanned' });
      this.adaptationService?.onScanned(report);
    }
    return report;
  }

  /**
   * The folder watch saw files change: scan. A scan already running may have walked past the
   * change, so it is not shared: this one starts after it.
   */
  private async rescanChanged(project: Project): Promise<void> {
    if (project.isScanning) await project.rescan().catch(() => undefined);
    if (!this.isOpen(project)) return;
    await this.rescan({}, true).catch((error: Error) => this.log(`scan of ${project.root} after a change failed: ${error.message}`));
  }

  async close(): Promise<void> {
    const project = this.project;
    if (!project) return;
    // Everything of the open project is let go before the first await: a close or an open that
    // comes meanwhile (another window) finds no project here, not this one half closed (it would
    // close the project opened meanwhile in its place).
    const watch = this.folderWatch;
    this.folderWatch = null;
    const adaptation = this.adaptationService;
    const session = this.sessionId ?? '';
    const name = this.sessionNames.get(session) ?? '';
    this.project = null;
    this.sessionId = null;
    this.openingScan = null;
    this.latestScan = null;
    this.latestScanWatched = false;
    this.openingScanDue = false;
    this.adaptationService = null;
    // Not waited for: a watch still setting up on a large folder would hold the close for
    // seconds; its events are ignored from now on (FolderWatch.close).
    watch?.close().catch((error: Error) => this.log(`the folder watch of ${project.root} did not stop cleanly: ${error.message}`));
    await adaptation?.close();
    if (this.engineClient) await this.engineClient.request('loopReset', {}).catch(() => undefined);
    await project.close();
    this.events.emit('project:changed', { change: 'closed', session, name });
  }

  /** Close the project and stop the engine worker (process exit). */
  async shutdown(): Promise<void> {
    await this.close();
    await this.engineClient?.terminate();
    this.engineClient = null;
  }
}
