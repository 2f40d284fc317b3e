/**
 * When another window's label change is told here, in what words, and how bursts and bulk
 * changes are summarised (src-renderer/logic/other-window-labels.ts).
 */
import { describe, expect, it } from 'vitest';
import { concernedImages, NoticeBurst, otherWindowNotice, QUIET_MS, type NoticeNames, type OtherWindowChange } from '../../../src-renderer/logic/other-window-labels';
import type { LabelAction } from '../../../src-shared/contract';
import { ManualTimers } from '../../support/manual-timers';

const NEUTROPHIL = 1;
const MONOCYTE = 2;
const names: NoticeNames = {
  className: (id) => ({ [NEUTROPHIL]: 'neutrophil', [MONOCYTE]: 'monocyte' })[id] ?? `class ${id}`,
  imageName: (id) => `cell_${String(id).padStart(4, '0')}.jpg`,
};

/** An action giving every image in `ids` the class `classId` (null: clearing them). */
const action = (ids: number[], classId: number | null, unsure = false): LabelAction => ({ actionId: 9, imageIds: ids, classIds: ids.map(() => classId), unsure: ids.map(() => unsure) });
const labeled = (classId: number) => ({ classId, unsure: false });

/** What another window's action means here, with the labels this window gave and the image it shows. */
function change(act: LabelAction, given: Map<number, { classId: number | null; unsure: boolean }>, shown: { id: number; classId: number | null; unsure: boolean } | null = null): OtherWindowChange {
  return { action: act, images: act.imageIds.length, concerned: concernedImages(act, given, shown) };
}

describe('which images of another window’s change concern this window', () => {
  it('a label given here that now has another state, and the image shown when its state changes', () => {
    const given = new Map([
      [413, labeled(NEUTROPHIL)],
      [414, labeled(MONOCYTE)],
    ]);
    const act: LabelAction = { actionId: 3, imageIds: [413, 414, 415, 500], classIds: [MONOCYTE, MONOCYTE, MONOCYTE, MONOCYTE], unsure: [false, false, false, false] };
    const concerned = concernedImages(act, given, { id: 415, classId: null, unsure: false });
    // 414 already had monocyte (nothing replaced), 500 is neither given here nor shown
    expect(concerned).toEqual([
      { imageId: 413, before: labeled(NEUTROPHIL), after: labeled(MONOCYTE), shown: false, mine: true },
      { imageId: 415, before: { classId: null, unsure: false }, after: labeled(MONOCYTE), shown: true, mine: false },
    ]);
  });

  it('leaves out an image whose label from this window is still being committed (that commit wins)', () => {
    const given = new Map([[413, labeled(NEUTROPHIL)]]);
    expect(concernedImages(action([413], MONOCYTE), given, { id: 413, classId: NEUTROPHIL, unsure: false }, (id) => id === 413)).toEqual([]);
  });
});

describe('the notice', () => {
  it('names the image and its label before and after for a change of one image', () => {
    const given = new Map([[413, labeled(NEUTROPHIL)]]);
    expect(otherWindowNotice(change(action([413], MONOCYTE), given), names)).toBe('Another window changed cell_0413.jpg from neutrophil to monocyte.');
    expect(otherWindowNotice(change(action([413], null), given), names)).toBe('Another window changed cell_0413.jpg from neutrophil to unlabeled.');
    expect(otherWindowNotice(change(action([413], null, true), given), names)).toBe('Another window changed cell_0413.jpg from neutrophil to unsure.');
    // the image shown, unlabeled until now
    expect(otherWindowNotice(change(action([7], MONOCYTE), new Map(), { id: 7, classId: null, unsure: false }), names)).toBe('Another window labeled cell_0007.jpg as monocyte.');
  });

  it('says nothing when the change concerns no label given here and not the image shown', () => {
    const given = new Map([[413, labeled(MONOCYTE)]]);
    expect(otherWindowNotice(change(action([413], MONOCYTE), given), names)).toBeNull();
    expect(otherWindowNotice(change(action([1, 2, 3], MONOCYTE), given, { id: 3, classId: MONOCYTE, unsure: false }), names)).toBeNull();
  });

  it('summarises a bulk change in one notice, naming the image when only one concerns this window', () => {
    const ids = Array.from({ length: 120 }, (_, i) => i + 1);
    const given = new Map(ids.slice(0, 3).map((id) => [id, labeled(NEUTROPHIL)] as const));
    expect(otherWindowNotice(change(action(ids, MONOCYTE), given), names)).toBe('Another window labeled 120 images as monocyte, among them 3 you labeled in this window.');
    expect(otherWindowNotice(change(action(ids, MONOCYTE), given, { id: 50, classId: null, unsure: false }), names)).toBe(
      'Another window labeled 120 images as monocyte, among them 3 you labeled in this window and the image shown here.',
    );
    // the image shown is one of those labeled here: counted once
    expect(otherWindowNotice(change(action(ids, MONOCYTE), given, { id: 2, classId: NEUTROPHIL, unsure: false }), names)).toBe(
      'Another window labeled 120 images as monocyte, among them 3 you labeled in this window, the image shown here one of them.',
    );
    expect(otherWindowNotice(change(action(ids, null), new Map([[9, labeled(NEUTROPHIL)]])), names)).toBe(
      'Another window cleared the labels of 120 images, among them cell_0009.jpg, from neutrophil to unlabeled.',
    );
    const mixed: LabelAction = { ...action(ids, MONOCYTE), classIds: ids.map((id) => (id % 2 ? MONOCYTE : NEUTROPHIL)) };
    expect(otherWindowNotice(change(mixed, new Map([[1, labeled(NEUTROPHIL)], [3, labeled(NEUTROPHIL)]])), names)).toBe('Another window relabeled 120 images, among them 2 you labeled in this window.');
  });

  it('tells a class deleted in another window by its name, and an import by its count', () => {
    const deleted: LabelAction = { ...action([1, 2, 3], null), classDeletion: { classId: NEUTROPHIL, name: 'neutrophil', restored: false, notes: [] } };
    expect(otherWindowNotice(change(deleted, new Map([[1, labeled(NEUTROPHIL)], [2, labeled(NEUTROPHIL)]])), names)).toBe(
      'Another window deleted the class “neutrophil”: 3 images became unlabeled, among them 2 you labeled in this window.',
    );
    expect(otherWindowNotice({ action: null, images: 120, concerned: [] }, names)).toBe('Another window imported labels for 120 images; labels given or shown here may have changed.');
    expect(otherWindowNotice({ action: null, images: 0, concerned: [] }, names)).toBeNull();
  });
});

describe('notices in bursts', () => {
  it('says the first at once and the rest of the burst as one when the quiet time ends', () => {
    const timers = new ManualTimers();
    const said: string[] = [];
    const burst = new NoticeBurst((m) => said.push(m), timers);
    burst.add('first', 1);
    expect(said).toEqual(['first']);
    expect([...timers.timeouts.values()].map((t) => t.ms)).toEqual([QUIET_MS]);
    for (let i = 0; i < 30; i++) burst.add(`held ${i}`, 1);
    expect(said).toEqual(['first']);
    timers.fireTimeouts();
    expect(said).toEqual(['first', 'Another window made 30 more changes to 30 images labeled or shown here.']);
    // a single held notice is said as it is; then quiet again, and nothing held: no more notices
    burst.add('lone', 1);
    timers.fireTimeouts();
    expect(said.at(-1)).toBe('lone');
    timers.fireTimeouts();
    expect(said).toHaveLength(3);
    burst.add('after the quiet', 2);
    expect(said.at(-1)).toBe('after the quiet');
  });

  it('forgets what it held when cleared (the project closed)', () => {
    const timers = new ManualTimers();
    const said: string[] = [];
    const burst = new NoticeBurst((m) => said.push(m), timers);
    burst.add('first', 1);
    burst.add('held', 1);
    burst.clear();
    expect(timers.timeouts.size).toBe(0);
    burst.add('next project', 1);
    expect(said).toEqual(['first', 'next project']);
  });
});
