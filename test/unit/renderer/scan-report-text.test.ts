import { describe, expect, it } from 'vitest';
import { moreThanListed, reviewChangedLabel, scanChangeSummary } from '../../../src-renderer/logic/scan-report-text';
import type { ScanReport, ScannedLabeledImage } from '../../../src-shared/contract';

const labeled = (imageId: number): ScannedLabeledImage => ({ imageId, relPath: `img-${imageId}.png`, classId: 1, className: 'ig', unsure: false, evaluation: false });
const report = (over: Partial<ScanReport>): ScanReport => ({
  total: 10,
  added: 0,
  removed: 0,
  changed: 0,
  unchanged: 10,
  moved: 0,
  unreadable: [],
  durationMs: 5,
  finishedAt: '2026-11-30T22:00:00.000Z',
  first: false,
  addedFiles: [],
  removedFiles: [],
  changedFiles: [],
  movedFiles: [],
  checkedEveryFile: false,
  labeledChanged: [],
  labeledRemoved: [],
  labeledReturned: [],
  ...over,
});

describe('the words of a scan report', () => {
  it('names the labeled images first and counts the rest apart', () => {
    const r = report({ changed: 3, removed: 1, added: 2, labeledChanged: [labeled(1)], labeledRemoved: [labeled(2)], labeledReturned: [labeled(3)] });
    expect(scanChangeSummary(r)).toBe("1 labeled image's file changed, 1 labeled file is missing, 1 labeled file is back, 2 other files changed, 1 file added");
    expect(reviewChangedLabel(r)).toBe('Review 1 labeled image whose file changed');
    expect(reviewChangedLabel(report({ labeledChanged: [labeled(1), labeled(2)] }))).toBe('Review 2 labeled images whose file changed');
  });

  it('says how many files moved or were renamed, with their labels kept', () => {
    const moved = { imageId: 1, from: 'a.png', to: 'moved/b.png', labeled: true };
    expect(scanChangeSummary(report({ moved: 1, movedFiles: [moved] }))).toBe('1 file moved or renamed (labels kept)');
    expect(scanChangeSummary(report({ moved: 20, added: 2, removed: 1, labeledRemoved: [labeled(2)] }))).toBe(
      '1 labeled file is missing, 20 files moved or renamed (labels kept), 2 files added',
    );
  });

  it('says plain counts when no labeled image is concerned, and nothing when nothing changed', () => {
    expect(scanChangeSummary(report({ changed: 1, removed: 2 }))).toBe('1 file changed, 2 files removed');
    expect(scanChangeSummary(report({}))).toBe('');
  });

  it('says how many names a cut list leaves out', () => {
    expect(moreThanListed(200, 205)).toBe('… and 5 more');
    expect(moreThanListed(3, 3)).toBe('');
  });
});
