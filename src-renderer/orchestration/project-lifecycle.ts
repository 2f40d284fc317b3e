/**
 * What happens to every store when a project opens or closes, and how pushed events and
 * reconnections keep them current.
 */
import type { JobKind, ProjectChanged, RoundInfo } from '../../src-shared/contract';
import { subscribe } from '../api/client';
import { classes } from '../stores/classes.svelte';
import { connection } from '../stores/connection.svelte';
import { dashboard } from '../stores/dashboard.svelte';
import { engine } from '../stores/engine.svelte';
import { gallery } from '../stores/gallery.svelte';
import { history } from '../stores/history.svelte';
import { jobs } from '../stores/jobs.svelte';
import type { SourceCounts } from '../logic/labeling-sequence';
import { labeling } from '../stores/labeling.svelte';
import { loop } from '../stores/loop.svelte';
import { project } from '../stores/project.svelte';
import { suggestions } from '../stores/suggestions.svelte';
import { toasts } from '../stores/toasts.svelte';
import { ui } from '../stores/ui.svelte';

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
  clearLoadedProject();
  ui.show('label');
  await Promise.all([classes.load(), refreshLoop()]);
  // Back to the loop's queue when a batch is waiting; otherwise the unlabeled images in folder order.
  const round = loop.round;
  await labeling.start(round && round.labeled < round.items.length ? { kind: 'round' } : { kind: 'queue' });
}

/** Engine status and loop state: loaded with the project and after engine or round changes. */
async function refreshLoop(): Promise<void> {
  await Promise.all([engine.refresh(), loop.refresh()]);
}

/** Empty the stores that hold what was loaded for a project: images, labeling, suggestions, dashboard, engine and loop. */
function clearLoadedProject(): void {
  gallery.reset();
  labeling.reset();
  suggestions.clear();
  dashboard.clear();
  engine.clear();
  loop.clear();
}

export function leaveProject(): void {
  openPath = null;
  classes.clear();
  clearLoadedProject();
  history.clear();
  project.clearUnreadable();
}

export async function openProject(path: string, create: boolean): Promise<void> {
  await project.open(path, create);
  await enterProject();
}

export async function createDemoProject(path: string): Promise<void> {
  await project.createDemo(path);
  // The demo's images were indexed while the request ran, before this page knew the project:
  // read the counts again rather than trust those captured when the project was opened.
  await project.refreshSummary();
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

/** Views showing data derived on the server (history, dashboard, the queue panel after an import) follow label and class changes. */
const refreshViews = coalesce(async () => {
  if (!project.summary) return;
  if (ui.view === 'history') await history.load();
  if (ui.view === 'adapt' && loop.stale) await loop.refreshRound();
  if (ui.view === 'dashboard' || ui.view === 'adapt') await dashboard.load();
}, 150);

const refreshEngine = coalesce(async () => {
  if (!project.summary) return;
  await engine.refresh();
}, 200);

/** A new round, or the open one re-ranked (carried by the event): suggestions and a session on the queue follow. */
function followRound(round: RoundInfo): void {
  suggestions.seed(round.items);
  labeling.followRound(round).catch((error: unknown) => toasts.error(error, 'Could not follow the new round'));
}

/** A newly trained model: new suggestions, a new point on the learning curve (its status comes with the 'engine' change). */
const refreshModel = coalesce(async () => {
  if (!project.summary) return;
  suggestions.clear();
  if (ui.view === 'dashboard') await dashboard.load();
}, 150);

const refreshEvaluation = coalesce(async () => {
  if (!project.summary) return;
  if (ui.view === 'dashboard' || dashboard.data) await dashboard.load();
  if (labeling.source.kind === 'evaluation' && labeling.items.length === 0) await labeling.start({ kind: 'evaluation' });
}, 150);

/** The counts the label view's sequence length follows (the project store and class store are current). */
function sourceCounts(): SourceCounts | null {
  const summary = project.summary;
  return summary ? { imageCount: summary.imageCount, labeledCount: summary.labeledCount, classes: classes.list } : null;
}

const refreshAfterScan = coalesce(async () => {
  if (!project.summary) return;
  await project.refreshSummary();
  const counts = sourceCounts();
  if (counts) labeling.recount(counts);
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

/** Stores that follow project changes by themselves, each declaring which (`follows`). */
const followers = [project, classes, engine, loop];

function onProjectChanged(event: ProjectChanged): void {
  if (event.change === 'opened' || event.change === 'closed') {
    followOpenState().catch((error: unknown) => toasts.error(error));
    return;
  }
  if (!project.summary) return;
  for (const store of followers) if (store.follows.includes(event.change)) store.follow(event);
  switch (event.change) {
    case 'scanned':
      refreshAfterScan();
      return;
    case 'labels': {
      const counts = sourceCounts();
      if (counts) labeling.followLabels(event.action, counts);
      refreshViews();
      return;
    }
    case 'classes':
      refreshViews();
      return;
    case 'round':
      followRound(event.round);
      return;
    case 'model':
      refreshModel();
      return;
    case 'evaluation':
      // Images just added to the evaluation set lose the suggestions shown for them before.
      suggestions.clear();
      refreshEvaluation();
      return;
  }
}

const JOB_FAILED: Record<JobKind, string> = {
  scan: 'The scan failed',
  download: 'The model download failed',
  extract: 'Feature extraction stopped',
  train: 'Training failed',
  export: 'The export failed',
};

/** After a lost connection: re-read everything (other windows may have changed things). */
async function resync(): Promise<void> {
  const before = openPath;
  await project.load();
  if (project.summary && project.summary.path === before) {
    await Promise.all([
      classes.load(),
      labeling.source.kind === 'round' ? loop.refreshRound().then((round) => labeling.followRound(round)) : labeling.refreshCurrent(),
      gallery.loaded ? gallery.reload() : Promise.resolve(),
      refreshLoop(),
    ]);
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
      // The engine status itself comes with the 'engine' change.
      if (e.kind === 'scan') refreshAfterScan();
    }),
    subscribe('job:failed', (e) => {
      jobs.end(e.jobId);
      // A cancelled extraction is the user's own doing: the engine status says so, no alarm. A
      // download started from the model picker fails into the picker, beside the model chosen.
      const shownByPicker = e.kind === 'download' && engine.choosing !== null;
      if (e.error.code !== 'CANCELLED' && !shownByPicker) toasts.error(e.error.message, JOB_FAILED[e.kind]);
      if (e.kind !== 'scan') refreshEngine();
    }),
    subscribe('project:changed', onProjectChanged),
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
