/**
 * What happens to every store when a project opens or closes, and how pushed events and
 * reconnections keep them current.
 */
import { tick } from 'svelte';
import { AppError } from '../../src-shared/app-error';
import type { JobKind, LabelAction, ProjectChanged, RoundInfo } from '../../src-shared/contract';
import { mediaContentChanged } from '../api/bridge';
import { call, subscribe } from '../api/client';
import { windowSession } from '../api/session';
import { thisWindow } from '../api/window-id';
import { classes } from '../stores/classes.svelte';
import { connection } from '../stores/connection.svelte';
import { dashboard } from '../stores/dashboard.svelte';
import { suspects } from '../stores/suspects.svelte';
import { duplicates } from '../stores/duplicates.svelte';
import { engine } from '../stores/engine.svelte';
import { gallery } from '../stores/gallery.svelte';
import { history } from '../stores/history.svelte';
import { jobs } from '../stores/jobs.svelte';
import type { SourceCounts } from '../logic/labeling-sequence';
import { labeling } from '../stores/labeling.svelte';
import { sourceAtOpen } from '../logic/round-sequence';
import { loop } from '../stores/loop.svelte';
import { fileName } from '../logic/file-name';
import { scanChangeSummary, scanNewsHeading } from '../logic/scan-report-text';
import { namesNeeded, otherWindowNotice, type OtherWindowChange } from '../logic/other-window-labels';
import { otherWindows } from '../stores/other-windows.svelte';
import { pendingUndo } from '../stores/undo-question.svelte';
import { clearPrefetches } from '../stores/prefetch';
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
  await Promise.all([classes.load(), refreshLoop(), followScans(false)]);
  // The project began to close (or another one opened) meanwhile: nothing more to load for it.
  if (project.closing || openPath !== summary.path) return;
  // Back to the loop's queue, also between rounds (the next one opens there); before the first round, folder order.
  await labeling.start({ kind: sourceAtOpen(loop.round) }, { openDefault: true });
}

/** Engine status and loop state: loaded with the project and after engine or round changes. */
async function refreshLoop(): Promise<void> {
  await Promise.all([engine.refresh(), loop.refresh()]);
}

/**
 * Empty the stores that hold what was loaded for a project: images, labeling, suggestions,
 * dashboard, engine and loop; and go back to the Label view, where a project opens. Done when a
 * project is left, not only when the next one is entered: the next one's workstation shows as
 * soon as its opening is answered, before it is entered (a created project asks for its model
 * first), and showed meanwhile the view the last project was left on (its Dashboard, with
 * Import labels… to click, until the view jumped to Label under the user).
 */
function clearLoadedProject(): void {
  ui.show('label');
  // Image ids restart in every project: the next project's media URLs must not be the last one's,
  // or the page shows its decoded pictures under the same ids.
  mediaContentChanged();
  gallery.reset();
  labeling.reset();
  suggestions.clear();
  dashboard.clear();
  suspects.clear();
  duplicates.clear();
  engine.clear();
  loop.clear();
  otherWindows.clear();
  // A question about another project's change: answered here, its action id would be this one's.
  pendingUndo.take();
}

export function leaveProject(): void {
  openPath = null;
  classes.clear();
  clearLoadedProject();
  history.clear();
  project.clearUnreadable();
  project.forgetScanNews();
}

/**
 * What the scans found that this window did not ask for (the opening's, after a reload too until
 * dismissed; another window's rescan): asked when the project is entered and when a scan ends.
 */
async function followScans(scanEnded: boolean): Promise<void> {
  try {
    const passing = await project.loadScans(scanEnded);
    if (passing) toasts.info(`${scanNewsHeading(passing.where)}: ${scanChangeSummary(passing.report)}.`);
  } catch (error) {
    if (!windowSession.stale) toasts.error(error, 'Could not read what the scan found');
  }
}

export async function openProject(path: string, create: boolean): Promise<void> {
  await project.open(path, create);
  await enterProject();
}

/** Locate…: open the recent entry `listed` from the folder it was moved to. */
export async function locateProject(listed: string, folder: string): Promise<void> {
  await project.locate(listed, folder);
  await enterProject();
}

export async function createDemoProject(path: string): Promise<void> {
  await project.createDemo(path);
  // The demo's images were indexed while the request ran, before this page knew the project:
  // read the counts again rather than trust those captured when the project was opened.
  await project.refreshSummary();
  await enterProject();
}

/**
 * Leave the project's views before the close request: the workstation unmounts while the
 * project is closing (its images' loads are cancelled), the prefetches stop, and the project's
 * changes pushed meanwhile are not followed (`following()`), so no image load is started or
 * overtaken by the close (the media route answers those 409). When the close fails the project
 * is shown again. Labels given but not committed yet are committed first.
 */
export async function closeProject(): Promise<void> {
  // Labels still being committed reach the project before it closes.
  await labeling.committed();
  project.beginClose();
  clearPrefetches();
  clearLoadedProject();
  await tick();
  // The browser cancels the loads just dropped (unmounted images, cleared prefetches) in tasks
  // it has queued, not at once: the close request goes after them, so that no answer from the
  // closed project reaches a load not yet cancelled.
  await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    await project.close();
  } catch (error) {
    openPath = null;
    await enterProject().catch(() => undefined);
    throw error;
  }
  // Left before anything else is awaited: the picker shows as soon as the close is answered, and
  // a project opened from it while the recent list below was on its way had its images, classes
  // and views emptied by this closed project's leaving.
  leaveProject();
  await project.refreshRecent();
}

/**
 * Whether this window follows the open project's changes: it shows one, and is neither stale (a
 * stale window shows the project it had; the changes announced now are another one's) nor
 * closing (its views are gone, and what it would load is refused once the close is done).
 */
function following(): boolean {
  return project.summary !== null && !project.closing && !windowSession.stale;
}

/**
 * Coalesce bursts of events: the refresh runs `ms` after the first event of a burst (not
 * the last, so counts keep moving during fast labeling), and once more if events arrived
 * while it ran.
 */
const coalescers: Array<() => boolean> = [];

/** True when no coalesced refresh is scheduled or running (tests wait for it before counting requests). */
export function refreshesIdle(): boolean {
  return coalescers.every((idle) => idle());
}

function coalesce(fn: () => Promise<void>, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  coalescers.push(() => timer === null && !running);
  const fire = (): void => {
    timer = null;
    running = true;
    fn()
      // A stale window's refreshes are refused; the banner already says why.
      .catch((error: unknown) => {
        if (!windowSession.stale) toasts.error(error, 'Could not refresh');
      })
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
  if (!following()) return;
  if (ui.view === 'history') await history.load();
  if (ui.view === 'adapt' && loop.stale) await loop.refreshRound();
  if (ui.view === 'dashboard' || ui.view === 'adapt') await dashboard.load();
}, 150);

const refreshEngine = coalesce(async () => {
  if (!following()) return;
  await engine.refresh();
}, 200);

/** A label change another window made: the gallery's tiles show it (an import, with no per-image list, reloads it). */
async function followInGallery(action: LabelAction | null): Promise<void> {
  try {
    if (action) await gallery.apply(action);
    else await gallery.outdated(ui.view === 'gallery');
  } catch (error) {
    toasts.error(error, 'The gallery could not show another window’s labels');
  }
}

/** A new round, or the open one re-ranked (carried by the event): suggestions and a session on the queue follow. */
function followRound(round: RoundInfo): void {
  suggestions.seed(round.items);
  // The first round queried (from Adapt) while the label view still shows the folder order the
  // project opened on, not one the labeler chose: the label view opens on the round's queue, as
  // it would after a reload. Not while it is on screen: the image being looked at stays, and the
  // view offers the batch (labeling.batchOffer, Ctrl+B), as it does for a folder order chosen by hand.
  if (labeling.onOpenDefault && labeling.source.kind === 'queue' && ui.view !== 'label' && round.items.length > 0) {
    labeling.start({ kind: 'round' }).catch((error: unknown) => toasts.error(error, 'Could not open the new round'));
    return;
  }
  labeling.followRound(round).catch((error: unknown) => toasts.error(error, 'Could not follow the new round'));
}

/** A newly trained model: new suggestions, a new point on the learning curve (its status comes with the 'engine' change). */
const refreshModel = coalesce(async () => {
  if (!following()) return;
  suggestions.clear();
  // The gallery shows each image's suggestion, and may be filtered or sorted by the prediction
  // (reloaded while shown; hidden, once when shown again).
  await gallery.outdated(ui.view === 'gallery');
  if (ui.view === 'dashboard') await Promise.all([dashboard.load(), duplicates.loadLeakage()]);
}, 150);

const refreshEvaluation = coalesce(async () => {
  if (!following()) return;
  if (ui.view === 'dashboard' || dashboard.data) await dashboard.load();
  else if (dashboard.room) await dashboard.loadRoom();
  if (ui.view === 'dashboard') await duplicates.loadLeakage();
  // Evaluation images show no suggestion (project/suggestions.ts).
  await gallery.outdated(ui.view === 'gallery');
  if (labeling.source.kind === 'evaluation' && labeling.items.length === 0) await labeling.start({ kind: 'evaluation' });
}, 150);

/** The counts the label view's sequence length follows (the project store and class store are current). */
function sourceCounts(): SourceCounts | null {
  const summary = project.summary;
  return summary ? { imageCount: summary.imageCount, labeledCount: summary.labeledCount, unsureCount: summary.unsureCount, classes: classes.list } : null;
}

const refreshAfterScan = coalesce(async () => {
  if (!following()) return;
  // The classes' label counts too: a labeled image's file that went (or came back) moves them.
  await Promise.all([project.refreshSummary(), classes.load()]);
  const counts = sourceCounts();
  if (counts) labeling.recount(counts);
  // The session the project opened on that found nothing yet (the scan had just begun) starts again
  // with what is there now. An empty source the expert chose (the evaluation set, the unsure
  // images) stays theirs and takes what the scan brought; a list to review is left alone (the scan
  // report's Review may have just started it: its images are on their way).
  if (labeling.items.length === 0) {
    if (labeling.onOpenDefault) await labeling.start({ kind: 'queue' }, { openDefault: true });
    else if (labeling.source.kind !== 'list') await labeling.sourceGrew();
  } else if (labeling.source.kind === 'round') {
    // The batch without the images whose files went, on the image shown.
    await labeling.followRound(await loop.refreshRound());
  } else {
    await labeling.dropGone();
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

/**
 * Another window opened or closed a project. A window showing no project follows; a window
 * showing one whose opening ended becomes stale (banner, no more project requests) rather
 * than silently showing, and writing into, the new one. This window's own open or close
 * sets its session from the answer, so its own events are passed over.
 */
function onOpenStateChanged(event: ProjectChanged & { change: 'opened' | 'closed' }): void {
  if (windowSession.switching) return;
  const mine = windowSession.id;
  if (windowSession.stale) {
    // Opening another project closes this one first: the `opened` that follows names the new one.
    if (event.change === 'opened' && event.session !== mine) windowSession.replacedBy(event);
    return;
  }
  if (mine === null) {
    followOpenState().catch((error: unknown) => toasts.error(error));
    return;
  }
  if (event.change === 'opened' && event.session !== mine) windowSession.replacedBy(event);
  else if (event.change === 'closed' && event.session === mine) windowSession.replacedBy(null);
}

function onProjectChanged(event: ProjectChanged): void {
  if (event.change === 'opened' || event.change === 'closed') {
    onOpenStateChanged(event);
    return;
  }
  if (!following()) return;
  for (const store of followers) if (store.follows.includes(event.change)) store.follow(event);
  switch (event.change) {
    case 'scanned':
      refreshAfterScan();
      return;
    case 'labels': {
      // Before the label view applies it: what it showed is what another window's change replaced.
      const news = otherWindows.follow(event, ui.view === 'label' ? labeling.current : null, labeling.committingIds());
      if (news) void tellOtherWindowChange(news);
      const counts = sourceCounts();
      if (counts) labeling.followLabels(event.action, counts);
      // The gallery applies this window's own writes when they are answered (label-commands);
      // another window's, or one no window made, reach it here.
      if (!thisWindow.made(event.origin)) void followInGallery(event.action);
      if (event.action) {
        suspects.apply(event.action);
        // The Duplicates view's groups show each image's label: a label given in the label view
        // (or another window) after its search must show there too.
        duplicates.apply(event.action);
      }
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
    case 'scores':
      refreshViews();
      return;
    case 'evaluation':
      // Images just added to the evaluation set lose the suggestions shown for them before.
      suggestions.clear();
      refreshEvaluation();
      return;
    case 'warning':
      toasts.error(event.message, 'Project repaired');
      return;
  }
}

/**
 * Tell the expert of another window's label change that concerns this window, naming the image
 * when the notice does (from the images loaded here, else asked for).
 */
async function tellOtherWindowChange(change: OtherWindowChange): Promise<void> {
  const names = new Map<number, string>();
  for (const id of namesNeeded(change)) {
    const relPath = labeling.items.find((item) => item.id === id)?.relPath ?? (await call('images:get', { id }).then((item) => item.relPath, () => null));
    if (relPath !== null) names.set(id, fileName(relPath));
  }
  const deletion = change.action?.classDeletion;
  const message = otherWindowNotice(change, {
    className: (id) => classes.byId.get(id)?.name ?? (deletion?.classId === id ? deletion.name : 'a deleted class'),
    imageName: (id) => names.get(id) ?? null,
  });
  if (message && following()) otherWindows.tell(message, change.concerned.length || change.images);
}

const JOB_FAILED: Record<JobKind, string> = {
  scan: 'The scan failed',
  download: 'The model download failed',
  extract: 'Feature extraction stopped',
  train: 'Training failed',
  export: 'The export failed',
  'check-labels': 'Checking labels failed',
  import: 'The import failed',
  duplicates: 'Finding duplicates failed',
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
  // A stale window shows the project it had: another project's jobs are not its own.
  const offs = [
    subscribe('job:progress', (p) => {
      if (!windowSession.stale) jobs.progress(p);
    }),
    subscribe('job:completed', (e) => {
      jobs.end(e.jobId);
      if (windowSession.stale) return;
      // The engine status itself comes with the 'engine' change.
      if (e.kind === 'scan') {
        refreshAfterScan();
        if (following()) void followScans(true);
      }
    }),
    subscribe('job:failed', (e) => {
      jobs.end(e.jobId);
      if (windowSession.stale) return;
      // A cancelled job (an extraction, a download) is the user's own doing: the engine status
      // says so, no alarm. A download started from the model picker fails into the picker,
      // beside the model chosen; an import, export or label check into its open dialog or view.
      const shownThere = (e.kind === 'download' && engine.choosing !== null) || jobs.failuresShownHere(e.kind);
      if (e.error.code !== 'CANCELLED' && !shownThere) toasts.error(AppError.from(e.error), JOB_FAILED[e.kind]);
      if (e.kind !== 'scan') refreshEngine();
    }),
    subscribe('project:changed', onProjectChanged),
    connection.watch(
      () => {
        toasts.info('Connection restored.');
        // A project switched elsewhere while disconnected makes this window stale (the banner says so).
        resync().catch((error: unknown) => {
          if (!windowSession.stale) toasts.error(error);
        });
      },
      // Progress events may have been missed: running jobs report again if they still run.
      () => jobs.clear(),
    ),
  ];
  return () => offs.forEach((off) => off());
}
