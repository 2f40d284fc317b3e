import { describe, expect, it } from 'vitest';
import { endAnnouncement, labelAnnouncement, type ShownImage } from '../../../src-renderer/logic/label-announcement';

const names = new Map([
  [1, 'neutrophil'],
  [2, 'platelet'],
]);
const className = (id: number): string => names.get(id) ?? `class ${id}`;
const shown = (id: number, position: number, state: Partial<ShownImage> = {}): ShownImage => ({ id, name: `cell-${id}.jpg`, classId: null, unsure: false, position, total: 10, ...state });

describe('label view announcements', () => {
  it('says the first image with its place, name and state', () => {
    expect(labelAnnouncement(null, null, shown(7, 1), className)).toBe('Image 1 of 10: cell-7.jpg, unlabeled.');
    expect(labelAnnouncement(null, null, shown(7, 1, { classId: 2 }), className)).toBe('Image 1 of 10: cell-7.jpg, platelet.');
    expect(labelAnnouncement(null, null, shown(7, 1, { unsure: true }), className)).toBe('Image 1 of 10: cell-7.jpg, unsure.');
  });

  it('a class key that moves on says the label given, then the next image, in one message', () => {
    const last = { id: 7, classId: null, unsure: false };
    expect(labelAnnouncement(last, { classId: 1, unsure: false }, shown(8, 2), className)).toBe('Labeled neutrophil. Image 2 of 10: cell-8.jpg, unlabeled.');
    expect(labelAnnouncement(last, { classId: null, unsure: true }, shown(8, 2), className)).toBe('Marked unsure. Image 2 of 10: cell-8.jpg, unlabeled.');
  });

  it('a skip or a move says the image only; a change in place says the change only', () => {
    const last = { id: 7, classId: 2, unsure: false };
    expect(labelAnnouncement(last, { classId: 2, unsure: false }, shown(8, 2), className)).toBe('Image 2 of 10: cell-8.jpg, unlabeled.');
    // Backspace on the image shown: the view stays.
    expect(labelAnnouncement(last, { classId: null, unsure: false }, shown(7, 1), className)).toBe('Label cleared.');
    expect(labelAnnouncement({ id: 7, classId: null, unsure: true }, { classId: null, unsure: false }, shown(7, 1), className)).toBe('Unsure mark taken away.');
    // Nothing new: nothing said.
    expect(labelAnnouncement(last, { classId: 2, unsure: false }, shown(7, 1, { classId: 2 }), className)).toBeNull();
  });

  it('an image that left the list (undo, a new round) says only the image now shown', () => {
    expect(labelAnnouncement({ id: 7, classId: null, unsure: false }, null, shown(3, 1, { classId: 1 }), className)).toBe('Image 1 of 10: cell-3.jpg, neutrophil.');
  });

  it('the last key of a batch says the label given and the panel that follows, not the image as unlabeled (verify 8)', () => {
    const last = { id: 7, classId: null, unsure: false };
    expect(endAnnouncement(last, { classId: 2, unsure: false }, 'Batch labeled', className)).toBe('Labeled platelet. Batch labeled.');
    expect(endAnnouncement(null, null, 'Every evaluation image is labeled', className)).toBe('Every evaluation image is labeled.');
  });
});
