/** The open project, the recent list, the shell's capabilities and the last scan report. */
import type { AppInfo, ProjectChange, ProjectChanged, ProjectSummary, RecentProject, ScanReport, UnreadableFile } from '../../src-shared/contract';
import { mediaContentChanged } from '../api/bridge';
import { call } from '../api/client';

class ProjectState {
  #appInfo = $state<AppInfo | null>(null);
  #summary = $state<ProjectSummary | null>(null);
  #recent = $state<RecentProject[]>([]);
  #starting = $state(true);
  #opening = $state(false);
  #closing = $state(false);
  #rescanning = $state(false);
  #lastScan = $state<ScanReport | null>(null);
  /** What the scan run at the project's opening found changed in the folder, until dismissed. */
  #openScan = $state<ScanReport | null>(null);
  #unreadable = $state<UnreadableFile[]>([]);
  #askModel = $state(false);

  get appInfo(): AppInfo | null {
    return this.#appInfo;
  }
  get summary(): ProjectSummary | null {
    return this.#summary;
  }
  get recent(): RecentProject[] {
    return this.#recent;
  }
  /** True until the first answer says whether a project is already open. */
  get starting(): boolean {
    return this.#starting;
  }
  get opening(): boolean {
    return this.#opening;
  }
  /**
   * The project is closing: from `beginClose()` until the close request is answered. Its views
   * are not shown and its changes are not followed meanwhile, so nothing loads the images of a
   * project the host is closing (their requests would be refused).
   */
  get closing(): boolean {
    return this.#closing;
  }
  get rescanning(): boolean {
    return this.#rescanning;
  }
  get lastScan(): ScanReport | null {
    return this.#lastScan;
  }
  get openScan(): ScanReport | null {
    return this.#openScan;
  }
  get unreadable(): UnreadableFile[] {
    return this.#unreadable;
  }
  /** A project was just created here: its pre-trained model is the last step of the creation. */
  get askModel(): boolean {
    return this.#askModel;
  }

  async load(): Promise<void> {
    try {
      const [info, current, recent] = await Promise.all([call('app:info'), call('project:current'), call('project:recent')]);
      this.#appInfo = info;
      this.#summary = current;
      this.#recent = recent;
    } finally {
      this.#starting = false;
    }
  }

  async refreshSummary(): Promise<void> {
    this.#summary = await call('project:current');
  }

  /** The project changes that carry new counts. */
  readonly follows: readonly ProjectChange[] = ['classes', 'labels'];

  follow(event: ProjectChanged): void {
    if (!this.#summary) return;
    if (event.change === 'classes') this.#summary = { ...this.#summary, classCount: event.classes.length };
    if (event.change === 'labels') this.#summary = { ...this.#summary, labeledCount: event.labeledCount, unsureCount: event.unsureCount, classCount: event.classes.length };
  }

  async refreshRecent(): Promise<void> {
    this.#recent = await call('project:recent');
  }

  async open(path: string, create: boolean): Promise<ProjectSummary> {
    this.#opening = true;
    try {
      const summary = await call('project:open', { path, create });
      this.#summary = summary;
      this.#lastScan = null;
      this.#openScan = null;
      // "Create" on a folder that already holds a project opens that project, whose model was
      // chosen then: the model step is only for a project without one (it would offer to replace it).
      this.#askModel = create && (await call('engine:status')).choice === null;
      return summary;
    } finally {
      this.#opening = false;
    }
  }

  /** Create the offline demo project (MNIST digits, classes 0–9, the starter model) in `path` and open it. */
  async createDemo(path: string): Promise<ProjectSummary> {
    this.#opening = true;
    try {
      const summary = await call('project:createDemo', { path });
      this.#summary = summary;
      this.#lastScan = null;
      this.#openScan = null;
      return summary;
    } finally {
      this.#opening = false;
    }
  }

  /** The close is about to be asked for (`close()` ends it, whether or not the host closed the project). */
  beginClose(): void {
    this.#closing = true;
  }

  async close(): Promise<void> {
    this.#closing = true;
    try {
      await call('project:close');
      this.#summary = null;
      this.#askModel = false;
      this.#lastScan = null;
      this.#openScan = null;
    } finally {
      this.#closing = false;
    }
    await this.refreshRecent();
  }

  /** The model step was answered (a model chosen, or left for later). */
  modelAsked(): void {
    this.#askModel = false;
  }

  async forget(path: string): Promise<void> {
    this.#recent = await call('project:forgetRecent', { path });
  }

  async rescan(): Promise<ScanReport> {
    this.#rescanning = true;
    try {
      const report = await call('project:rescan');
      if (changedContent(report)) mediaContentChanged();
      this.#lastScan = report;
      await this.refreshSummary();
      return report;
    } finally {
      this.#rescanning = false;
    }
  }

  /** Ask whether the scan of this opening found the folder changed (null while it runs, or when nothing changed). */
  async loadOpenScan(): Promise<void> {
    const report = await call('project:openScan');
    // Images of this project shown in this page before it was closed may be cached under their ids.
    if (report && this.#openScan === null && changedContent(report)) mediaContentChanged();
    this.#openScan = report;
  }

  /** The project left this window. */
  forgetOpenScan(): void {
    this.#openScan = null;
  }

  /** The opening scan's changes were seen: no window shows them again. */
  async dismissOpenScan(): Promise<void> {
    this.#openScan = null;
    await call('project:dismissOpenScan');
  }

  clearUnreadable(): void {
    this.#unreadable = [];
  }

  async loadUnreadable(): Promise<void> {
    this.#unreadable = await call('project:unreadable');
  }
}

/** The scan found files whose content is new under an image id they had before. */
const changedContent = (report: ScanReport): boolean => report.changed > 0 || report.labeledChanged.length > 0;

export const project = new ProjectState();
