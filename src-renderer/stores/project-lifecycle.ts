/**
 * What happens to every store when a project opens or closes, and how pushed events and
 * reconnections keep them current.
 */
import type { ProjectChange } from '../../src-preload/contract';
import { subscribe } from '../api/client';
import { classes } from './classes.svelte';
import { connection } from './connection.svelte';
import { gallery } from './gallery.svelte';
import { history } from './history.svelte';
import { jobs } from './jobs.svelte';
import { labeling } from './labeling.svelte';
import { project } from './project.svelte';
import { toasts } from './toasts.svelte';
import { ui } from './ui.svelte';

let openPath: string | null = null;

/** Load everything for the project now in `project.summary` (if it changed). */
export async function enterProject(): Promise<void> {
  const summary = project.summary;
  if (!summary) {
    leaveProject();
    return;
  }
  if (summary.path === openPath) return;
  openPath = summary.path;
  gallery.reset();
  labeling.reset();
  ui.view = 'label';
  await Promise.all([classes.load(), labeling.start({ kind: 'queue' })]);
}

export function leaveProject(): void {
  openPath = null;
  classes.clear();
  gallery.reset();
  labeling.reset();
  history.entries = [];
  project.unreadable = [];
}

export async function openProject(path: string, create: boolean): Promise<void> {
  await project.open(path, create);
  await enterProject();
}

export async function closeProject(): Promise<void> {
  await project.close();
  leaveProject();
}

/**
 * Coalesce bursts of events: the refresh runs `ms` after the first event of a burst (not
 * the last, so counts keep moving during fast labeling), and once more if events arrived
 * while it ran.
 */
function coalesce(fn: () => Promise<void>, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  const fire = (): void => {
    timer = null;
    running = true;
    fn()
      .catch((error: unknown) => toasts.error(error, 'Could not refresh'))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          timer = setTimeout(fire, ms);
        }
      });
  };
  return () => {
    if (running) again = true;
    else if (!timer) timer = setTimeout(fire, ms);
  };
}

const refreshCounts = coalesce(async () => {
  if (!project.summary) return;
  await Promise.all([project.refreshSummary(), classes.load()]);
  if (ui.view === 'history') await history.load();
}, 150);

const refreshAfterScan = coalesce(async () => {
  if (!project.summary) return;
  await project.refreshSummary();
  // A session that found nothing yet (the scan had just begun) starts again with what is there now.
  if (labeling.items.length === 0) await labeling.start({ kind: 'queue' });
  else {
    await labeling.refreshCurrent();
    await labeling.sourceGrew();
  }
  if (gallery.loaded) await gallery.reload();
  if (project.unreadable.length > 0 || ui.view === 'history') await project.loadUnreadable();
}, 300);

async function followOpenState(): Promise<void> {
  await project.refreshSummary();
  if (project.summary) await enterProject();
  else leaveProject();
  await project.refreshRecent();
}

function onProjectChanged(change: ProjectChange): void {
  switch (change) {
    case 'opened':
    case 'closed':
      followOpenState().catch((error: unknown) => toasts.error(error));
      return;
    case 'scanned':
      refreshAfterScan();
      return;
    case 'classes':
    case 'labels':
      refreshCounts();
      return;
  }
}

/** After a lost connection: re-read everything (other windows may have changed things). */
async function resync(): Promise<void> {
  const before = openPath;
  await project.load();
  if (project.summary && project.summary.path === before) {
    await Promise.all([classes.load(), labeling.refreshCurrent(), gallery.loaded ? gallery.reload() : Promise.resolve()]);
  } else {
    openPath = null;
    await enterProject();
  }
}

export function wireEvents(): () => void {
  const offs = [
    subscribe('job:progress', (p) => jobs.progress(p)),
    subscribe('job:completed', (e) => {
      jobs.end(e.jobId);
      if (e.kind === 'scan') refreshAfterScan();
    }),
    subscribe('job:failed', (e) => {
      jobs.end(e.jobId);
      toasts.error(e.error.message, e.kind === 'scan' ? 'The scan failed' : 'A job failed');
    }),
    subscribe('project:changed', ({ change }) => onProjectChanged(change)),
    connection.watch(
      () => {
        toasts.info('Connection restored.');
        resync().catch((error: unknown) => toasts.error(error));
      },
      // Progress events may have been missed: running jobs report again if they still run.
      () => jobs.clear(),
    ),
  ];
  return () => offs.forEach((off) => off());
}
