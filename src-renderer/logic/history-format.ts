/** The History view's words: the action column of every row, and what a class change did, in a sentence. */
import type { ClassHistoryEntry, HistoryItem } from '../../src-shared/contract';

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The action column: a class delete's undo and redo say what they did to the class; an import names its file. */
export function historyActionLabel(e: HistoryItem): string {
  if (e.subject === 'class') {
    switch (e.kind) {
      case 'class-deleted':
        return 'Class deleted';
      case 'undo':
        return 'Undo: class back';
      case 'redo':
        return 'Redo: class deleted';
      case 'renamed':
        return 'Class renamed';
    }
  }
  if (e.kind === 'set' && e.importedFrom !== null) return `Import (${e.importedFrom})`;
  if (e.kind === 'set') return e.newUnsure ? 'Unsure' : e.newClassId === null ? 'Clear' : 'Label';
  if (e.classDeletion && e.kind === 'undo') return 'Undo: class back';
  if (e.classDeletion && e.kind === 'redo') return 'Redo: class deleted';
  return e.kind === 'undo' ? 'Undo' : e.kind === 'redo' ? 'Redo' : 'Class deleted';
}

/** What a change of a class did, with the names it had then: "Deleted class “bee” – 12 images unlabeled". */
export function classChangeText(e: ClassHistoryEntry): string {
  const name = `“${e.oldName ?? e.newName ?? `class ${e.classId}`}”`;
  switch (e.kind) {
    case 'class-deleted':
      return e.images === 0 ? `Deleted class ${name} (no labels)` : `Deleted class ${name} – ${count(e.images, 'image', 'images')} unlabeled`;
    case 'redo':
      return e.images === 0 ? `Deleted class ${name} again (no labels)` : `Deleted class ${name} again – ${count(e.images, 'image', 'images')} unlabeled`;
    case 'undo': {
      const as = e.newName !== null && e.oldName !== null && e.newName !== e.oldName ? ` as “${e.newName}”` : '';
      return e.images === 0 ? `Class ${name} back${as} (no labels)` : `Class ${name} back${as} – ${count(e.images, 'image', 'images')} labeled again`;
    }
    case 'renamed':
      return `Renamed class ${name} to “${e.newName ?? ''}” (${e.images === 0 ? 'no labels' : count(e.images, 'label', 'labels')})`;
  }
}

/** Who made a change; an older version's change read back from what it left does not say. */
export const historyActor = (e: HistoryItem): string => e.actor ?? 'not recorded';

/** A key unique across both kinds of row (their ids come from two tables). */
export const historyKey = (e: HistoryItem): string => `${e.subject}-${e.id}`;

/** Whether the class names a row shows are those at the project's upgrade, not at the change (see HistoryEntry.classNamesBackfilled). */
export const namesBackfilled = (e: HistoryItem): boolean => (e.subject === 'image' ? e.classNamesBackfilled : e.backfilled);

/** The note under the heading when some rows' names were read back at the upgrade. */
export const BACKFILLED_NOTE =
  '* A change made before this project was upgraded to keep class names: the name shown is the one the class had at the upgrade (a rename before it was not recorded).';
