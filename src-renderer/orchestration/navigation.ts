/** Moving between views, loading what a view needs the first time it is shown. */
import type { ImageFilter } from '../../src-shared/contract';
import type { ViewName } from '../logic/keymap';
import { classes } from '../stores/classes.svelte';
import { dashboard } from '../stores/dashboard.svelte';
import { duplicates } from '../stores/duplicates.svelte';
import { engine } from '../stores/engine.svelte';
import { gallery } from '../stores/gallery.svelte';
import { history } from '../stores/history.svelte';
import { labeling } from '../stores/labeling.svelte';
import { loop } from '../stores/loop.svelte';
import { project } from '../stores/project.svelte';
import { toasts } from '../stores/toasts.svelte';
import { ui } from '../stores/ui.svelte';

export function filterTitle(filter: ImageFilter): string {
  switch (filter.kind) {
    case 'all':
      return 'All images';
    case 'unlabeled':
      return 'Unlabeled images';
    case 'labeled':
      return 'Labeled images';
    case 'unsure':
      return 'Unsure images';
    case 'class':
      return `Class “${classes.byId.get(filter.classId)?.name ?? 'deleted'}”`;
    case 'evaluation':
      return 'Evaluation set';
    case 'predicted':
      return `Predicted “${classes.byId.get(filter.classId)?.name ?? 'deleted'}”`;
    case 'name':
      return `Names with “${filter.text}”`;
  }
}

export function showView(view: ViewName): void {
  void openView(view);
}

/** Show a view; resolves once the data it shows is loaded (a failure is a toast). */
export async function openView(view: ViewName): Promise<void> {
  ui.show(view);
  ui.setHelpOpen(false);
  const load = async (): Promise<void> => {
    if (view === 'gallery') await gallery.shown();
    if (view === 'history') await Promise.all([history.load(), project.loadUnreadable()]);
    if (view === 'adapt') {
      await Promise.all([engine.refresh(), loop.refresh(), dashboard.load(), engine.loadModels()]);
    }
    if (view === 'dashboard') await Promise.all([dashboard.load(), duplicates.loadLeakage()]);
    if (view === 'duplicates' && !duplicates.report) await duplicates.load();
  };
  await load().catch((error: unknown) => toasts.error(error));
}

/** Open one image in the labeling view, browsing the gallery's current filter from there. */
export async function openInLabeling(imageId: number): Promise<void> {
  const filter = gallery.filter;
  const source = filter.kind === 'unlabeled' ? ({ kind: 'queue' } as const) : { kind: 'browse' as const, filter, title: filterTitle(filter) };
  showView('label');
  await labeling.start(source, { startAt: imageId, byHand: true });
}

/** Label the loop's queue (the open round, querying the first one when none exists). */
export async function labelQueue(): Promise<void> {
  await loop.ensureRound();
  showView('label');
  await labeling.start({ kind: 'round' });
}

/**
 * Label the loop's open batch from the label view's folder order (Ctrl+B, the batch offer): the
 * image on screen stays until the batch is read, and a key pressed meanwhile is that image's
 * (labeling.switchToRound). Never queries a batch: with none open, says where to.
 */
export async function switchToBatch(): Promise<void> {
  if (labeling.source.kind === 'round') return;
  if (!(await labeling.switchToRound())) toasts.info('No batch with images to label is open: query one in Adapt (Alt+5).');
}

/** Label the evaluation set's unlabeled images. */
export async function labelEvaluation(): Promise<void> {
  showView('label');
  await labeling.start({ kind: 'evaluation' });
}

export async function browse(filter: ImageFilter): Promise<void> {
  await labeling.start(filter.kind === 'unlabeled' ? { kind: 'queue' } : { kind: 'browse', filter, title: filterTitle(filter) }, { byHand: true });
}

/** Go through these images one by one in the labeling view, in this order (the labeled images whose file changed). */
export async function reviewImages(ids: readonly number[], title: string): Promise<void> {
  showView('label');
  await labeling.start({ kind: 'list', ids, title });
}

/** Show one image in the labeling view within the current session (from the history). */
export async function showImage(imageId: number): Promise<void> {
  showView('label');
  await labeling.enqueue(() => labeling.showImage(imageId));
}
