/**
 * The label writes a request can ask for, as data, and the one function that applies one to
 * a project database's stores. The host applies small ones itself; large ones (a Ctrl+A
 * label of a 100,000-image project, its undo and redo, a class delete) are applied by the label writer thread
 * (label-writer-worker.ts) on its own connection, with the same code: each is one transaction
 * there, so a reader sees all of it or none of it, and a crash at any moment leaves no
 * half-applied action.
 */
import { AppError } from '../../src-shared/app-error';
import type { GallerySelection, LabelAction, LabelReplacement } from '../../src-shared/contract';
import type { ImageFilter } from '../../src-shared/requests/images';
import type { ClassStore } from './class-store';
import type { ImageIndex } from './image-index';
import type { LabelStore } from './label-store';
import { workerEntryPath } from '../core/worker-thread';
import { WriterThread, type WriterThreadSetup } from './writer-thread';

export type LabelOperation = (
  | { kind: 'set'; imageIds: readonly number[]; classId: number | null }
  | { kind: 'setMatching'; filter: ImageFilter; exceptIds: readonly number[]; classId: number | null }
  | { kind: 'setUnsure'; imageIds: readonly number[]; unsure: boolean }
  | { kind: 'setUnsureMatching'; filter: ImageFilter; exceptIds: readonly number[]; unsure: boolean }
  | { kind: 'deleteClass'; classId: number }
  /** `actionId`: only if the latest done change is still this one (see LabelStore.undo). */
  | { kind: 'undo'; actionId?: number }
  /** `actionId`: only if the latest undone change is still this one (see LabelStore.redo). */
  | { kind: 'redo'; actionId?: number }
) & {
  /**
   * The id of the window that asked (src-shared/window-id.ts; null or left out: none), kept with
   * the action the operation begins. Undo and redo begin none: the change stays its maker's.
   */
  window?: string | null;
};

export interface LabelStores {
  images: ImageIndex;
  classes: ClassStore;
  labels: LabelStore;
}

function assertClassExists(stores: LabelStores, classId: number | null): void {
  if (classId !== null && !stores.classes.list().some((c) => c.id === classId)) {
    throw new AppError('NOT_FOUND', `Class ${classId} does not exist; it may have been deleted.`);
  }
}

/** Every image `filter` matches but those in `exceptIds` (a Ctrl+A selection, resolved here whatever its size). */
function matching(stores: LabelStores, filter: ImageFilter, exceptIds: readonly number[]): number[] {
  const except = new Set(exceptIds);
  return stores.images.idsMatching(filter).filter((id) => !except.has(id));
}

/** The ids a gallery selection names: listed, or resolved from its filter (Ctrl+A). */
function selectionIds(stores: LabelStores, selection: GallerySelection): readonly number[] {
  return selection.kind === 'ids' ? selection.imageIds : matching(stores, selection.filter, selection.exceptIds);
}

/** What labeling a selection as `classId` (null: clearing it) would replace; reads only. */
export function labelReplacement(stores: LabelStores, selection: GallerySelection, classId: number | null): LabelReplacement {
  return stores.labels.replacement(selectionIds(stores, selection), classId);
}

/** Apply one label operation (one transaction of the label store); null: nothing to undo or redo. */
export function applyLabelOperation(stores: LabelStores, operation: LabelOperation): LabelAction | null {
  const window = operation.window ?? null;
  switch (operation.kind) {
    case 'set':
      assertClassExists(stores, operation.classId);
      return stores.labels.set(operation.imageIds, operation.classId, stores.images.existingIds(operation.imageIds), true, window);
    case 'setMatching': {
      assertClassExists(stores, operation.classId);
      const ids = matching(stores, operation.filter, operation.exceptIds);
      return stores.labels.set(ids, operation.classId, stores.images.existingIds(ids), true, window);
    }
    case 'setUnsure':
      return stores.labels.setUnsure(operation.imageIds, operation.unsure, stores.images.existingIds(operation.imageIds), window);
    case 'setUnsureMatching': {
      const ids = matching(stores, operation.filter, operation.exceptIds);
      return stores.labels.setUnsure(ids, operation.unsure, stores.images.existingIds(ids), window);
    }
    case 'deleteClass':
      return stores.labels.deleteClass(operation.classId, window);
    case 'undo':
      return stores.labels.undo(operation.actionId);
    case 'redo':
      return stores.labels.redo(operation.actionId);
  }
}

/** The label writer thread (label-writer-worker.ts), which applies large label operations off the host's main thread. */
export function startLabelWriter(setup: WriterThreadSetup): WriterThread<LabelOperation, LabelAction | null> {
  return new WriterThread(workerEntryPath(import.meta.url, './label-writer-worker.ts', 'label-writer.js', 'label writer'), setup, 'label writer');
}
