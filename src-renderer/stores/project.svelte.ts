/** The open project, the recent list, the shell's capabilities and the last scan report. */
import type { AppInfo, ProjectChange, ProjectChanged, ProjectSummary, RecentProject, ScanReport, UnreadableFile } from '../../src-shared/contract';
import { mediaContentChanged } from '../api/bridge';
import { call } from '../api/client';
import { changedAnyFile } from '../../src-shared/requests/project';

class ProjectState {
  #appInfo = $state<AppInfo | null>(null);
  #summary = $state<ProjectSummary | null>(null);
  #recent = $state<RecentProject[]>([]);
  #starting = $state(true);
  #opening = $state(false);
  #closing = $state(false);
  #rescanning = $state(false);
  #lastScan = $state<ScanReport | null>(null);
  /** What a scan this window did not ask for found changed in the folder, until dismissed. */
  #scanNews = $state<ScanNews | null>(null);
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
  get scanNews(): ScanNews | null {
    return this.#scanNews;
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

  /** Ask the host to open a project (`request`) and show it: the one path of open, Locate… and the demo. */
  async #opened(request: () => Promise<ProjectSummary>, after?: () => Promise<void>): Promise<ProjectSummary> {
    this.#opening = true;
    try {
      const summary = await request();
      this.#summary = summary;
      this.#lastScan = null;
      this.#scanNews = null;
      await after?.();
      return summary;
    } finally {
      this.#opening = false;
    }
  }

  open(path: string, create: boolean): Promise<ProjectSummary> {
    return this.#opened(
      () => call('project:open', { path, create }),
      async () => {
        // "Create" on a folder that already holds a project opens that project, whose model was
        // chosen then: the model step is only for a project without one (it would offer to replace it).
        this.#askModel = create && (await call('engine:status')).choice === null;
      },
    );
  }

  /**
   * Locate…: open the recent entry listed at `listed` from `folder`, where its folder is now (the
   * host checks it is the same project). On success the host lists it at `folder` in the entry's
   * place; on a refusal nothing changed, and the error says why.
   */
  locate(listed: string, folder: string): Promise<ProjectSummary> {
    return this.#opened(() => call('project:locate', { path: listed, folder }));
  }

  /** Create the offline demo project (MNIST digits, classes 0–9, the starter model) in `path` and open it. */
  createDemo(path: string): Promise<ProjectSummary> {
    return this.#opened(() => call('project:createDemo', { path }));
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
      this.#scanNews = null;
    } finally {
      this.#closing = false;
    }
  }

  /** The model step was answered (a model chosen, or left for later). */
  modelAsked(): void {
    this.#askModel = false;
  }

  async forget(path: string): Promise<void> {
    this.#recent = await call('project:forgetRecent', { path });
  }

  /** `checkEveryFile`: read and hash every file, not only those whose size or date changed. */
  async rescan(checkEveryFile = false): Promise<ScanReport> {
    this.#rescanning = true;
    try {
      const report = await call('project:rescan', checkEveryFile ? { checkEveryFile } : undefined);
      if (changedContent(report)) mediaContentChanged();
      this.#lastScan = report;
      await this.refreshSummary();
      return report;
    } finally {
      this.#rescanning = false;
    }
  }

  /**
   * What the scans found that this window did not ask for: the opening's scan (news until
   * dismissed, in every window and after a reload) and, when `scanEnded`, a scan the app started
   * itself on seeing files change in the folder, or another window's rescan. One that found
   * labeled images changed or gone becomes the notice; one that changed only other files is
   * returned, to be said in passing (null: nothing to say). A latest scan not seen here that
   * changed file contents gives the media URLs a new version (this page may hold the old pixels).
   */
  async loadScans(scanEnded: boolean): Promise<ScanNews | null> {
    const { opening, latest, latestWatched } = await call('project:scans');
    // This window's own rescan is told by its answer.
    const unseen = latest !== null && !this.#rescanning && latest.finishedAt !== this.#lastScan?.finishedAt;
    if (unseen) {
      this.#lastScan = latest;
      if (changedContent(latest)) mediaContentChanged();
    }
    const news: ScanNews | null =
      unseen && scanEnded && latest.finishedAt !== opening?.finishedAt && !latest.first ? { report: latest, where: latestWatched ? 'watched' : 'elsewhere' } : null;
    const labeledNews = news !== null && tellsOfLabels(news.report);
    if (labeledNews) this.#scanNews = news;
    else if (opening) this.#scanNews = this.#scanNews && this.#scanNews.where !== 'opening' ? this.#scanNews : { report: opening, where: 'opening' };
    // Dismissed in another window.
    else if (this.#scanNews?.where === 'opening') this.#scanNews = null;
    return news !== null && !labeledNews && changedAnyFile(news.report) ? news : null;
  }

  /** The project left this window. */
  forgetScanNews(): void {
    this.#scanNews = null;
  }

  /** The news was read: the opening's is not shown again in any window. */
  /**
   * The expert went through these images to the end of the list: if they are every labeled
   * image whose file changed that the notice asks to review, the notice has done its work and
   * goes, as if dismissed (a notice with nothing to review stays until dismissed).
   */
  async reviewedThrough(ids: readonly number[]): Promise<void> {
    const changed = this.#scanNews?.report.labeledChanged ?? [];
    if (changed.length === 0) return;
    const seen = new Set(ids);
    if (changed.every((image) => seen.has(image.imageId))) await this.dismissScanNews();
  }

  async dismissScanNews(): Promise<void> {
    const news = this.#scanNews;
    this.#scanNews = null;
    if (news?.where === 'opening') await call('project:dismissOpenScan');
  }

  clearUnreadable(): void {
    this.#unreadable = [];
  }

  async loadUnreadable(): Promise<void> {
    this.#unreadable = await call('project:unreadable');
  }
}

/**
 * What a scan found that this window did not ask for: at the project's opening, in a scan the app
 * started on seeing files change in the folder ('watched'), or in another window's rescan.
 */
export interface ScanNews {
  report: ScanReport;
  where: 'opening' | 'watched' | 'elsewhere';
}

/** The scan found files whose content is new under an image id they had before. */
const changedContent = (report: ScanReport): boolean => report.changed > 0 || report.labeledChanged.length > 0;

/** The scan found labeled images whose file changed, went, came back or moved. */
const tellsOfLabels = (report: ScanReport): boolean =>
  report.labeledChanged.length + report.labeledRemoved.length + report.labeledReturned.length > 0 || report.movedFiles.some((file) => file.labeled);

export const project = new ProjectState();
