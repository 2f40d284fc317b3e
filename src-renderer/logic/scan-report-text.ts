/** The words of a scan report: what changed in the folder, with the expert's labeled images named apart. */
import type { ScanReport } from '../../src-shared/contract';

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * One sentence of what a scan changed, labeled images first: "1 labeled image's file changed,
 * 1 labeled file is missing, 2 files moved or renamed (labels kept), 3 files added". Empty when
 * nothing changed.
 */
export function scanChangeSummary(report: ScanReport): string {
  const labeledChanged = report.labeledChanged.length;
  const labeledRemoved = report.labeledRemoved.length;
  const labeledReturned = report.labeledReturned.length;
  const otherChanged = report.changed - labeledChanged;
  const otherRemoved = report.removed - labeledRemoved;
  const otherAdded = report.added - labeledReturned;
  const parts = [
    labeledChanged > 0 ? `${count(labeledChanged, "labeled image's file", "labeled images' files")} changed` : '',
    labeledRemoved > 0 ? `${count(labeledRemoved, 'labeled file is', 'labeled files are')} missing` : '',
    labeledReturned > 0 ? `${count(labeledReturned, 'labeled file is', 'labeled files are')} back` : '',
    report.moved > 0 ? `${count(report.moved, 'file', 'files')} moved or renamed (labels kept)` : '',
    otherChanged > 0 ? `${count(otherChanged, labeledChanged > 0 ? 'other file' : 'file', labeledChanged > 0 ? 'other files' : 'files')} changed` : '',
    otherRemoved > 0 ? `${count(otherRemoved, labeledRemoved > 0 ? 'other file' : 'file', labeledRemoved > 0 ? 'other files' : 'files')} removed` : '',
    otherAdded > 0 ? `${count(otherAdded, 'file', 'files')} added` : '',
  ].filter((part) => part !== '');
  return parts.join(', ');
}

/** Who found what a scan this window did not ask for found: the words before its summary. */
export function scanNewsHeading(where: 'opening' | 'watched' | 'elsewhere'): string {
  return where === 'opening' ? 'The folder changed while the project was closed' : where === 'watched' ? 'Files changed in the folder' : 'A rescan in another window found';
}

/** The button that opens the labeled images whose file changed in the labeling view. */
export function reviewChangedLabel(report: ScanReport): string {
  const n = report.labeledChanged.length;
  return `Review ${n} labeled image${n === 1 ? '' : 's'} whose file changed`;
}

/** The labeling view's title while going through them. */
export const REVIEW_CHANGED_TITLE = 'Labeled images whose file changed · check each label';

/** "… and 12 more" under a list of names cut at the report's limit; empty when every name is listed. */
export function moreThanListed(listed: number, total: number): string {
  return total > listed ? `… and ${total - listed} more` : '';
}
