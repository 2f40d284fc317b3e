/**
 * The back end's state: which project is open, the recent list, and pushed events. Plain
 * Node: the Electron shell and the web host both wrap one Workspace.
 */
import { AppError } from '../../src-preload/app-error';
import type { ProjectSummary, ScanReport } from '../../src-preload/contract';
import { checkPath } from '../project/path-check';
import { Project } from '../project/project';
import { RecentProjects } from '../project/recent-projects';
import { EventHub } from './event-hub';
import { JobReporter } from './job-progress';

export interface WorkspaceOptions {
  stateDir: string;
  shell: 'electron' | 'web';
  version: string;
  /** Native folder dialog, where the shell has one. */
  pickFolder?: () => Promise<string | null>;
  log?: (message: string) => void;
}

export class Workspace {
  readonly events = new EventHub();
  readonly recent: RecentProjects;
  private project: Project | null = null;

  constructor(readonly options: WorkspaceOptions) {
    this.recent = new RecentProjects(options.stateDir);
  }

  get current(): Project | null {
    return this.project;
  }

  requireProject(): Project {
    if (!this.project) throw new AppError('NO_PROJECT', 'No project is open. Open or create a project first.');
    return this.project;
  }

  async open(folder: string, create: boolean): Promise<ProjectSummary> {
    const check = checkPath(folder);
    if (!check.exists) throw new AppError('NOT_FOUND', `The folder ${check.path} does not exist.`);
    if (!check.isDirectory) throw new AppError('NOT_A_FOLDER', `${check.path} is a file; choose the folder that holds your images.`);
    if (!check.readable) throw new AppError('UNREADABLE', `The folder ${check.path} cannot be read (permission denied).`);
    if (this.project?.root === check.path) return this.project.summary();
    const next = Project.open(check.path, create);
    await this.close();
    this.project = next;
    const summary = next.summary();
    this.recent.touch(next.root, summary.name);
    this.events.emit('project:changed', { change: 'opened' });
    this.rescan().catch((error: Error) => this.options.log?.(`scan of ${next.root} failed: ${error.message}`));
    return summary;
  }

  async rescan(): Promise<ScanReport> {
    const project = this.requireProject();
    if (project.isScanning) return project.rescan();
    const job = new JobReporter(this.events, 'scan');
    const report = await job.run(async (reporter) => {
      reporter.progress('indexing', 0, 0, true);
      const result = await project.rescan((p) => {
        reporter.progress(p.phase, p.done, p.total);
        this.events.emit('project:changed', { change: 'scanned' });
      });
      reporter.progress('indexing', result.total, result.total, true);
      return result;
    });
    if (this.project === project) this.events.emit('project:changed', { change: 'scanned' });
    return report;
  }

  async close(): Promise<void> {
    const project = this.project;
    if (!project) return;
    this.project = null;
    await project.close();
    this.events.emit('project:changed', { change: 'closed' });
  }
}
