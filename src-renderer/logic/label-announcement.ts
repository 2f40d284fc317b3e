/**
 * What the label view says to a screen reader after a key: the answer just given (when the image
 * it was given to changed), then the image now on screen. Labeling at speed moves on at every
 * key, so the answer and the next image are one message (the announcer reads only the newest).
 */
export interface AnnouncedImage {
  id: number;
  classId: number | null;
  unsure: boolean;
}

export interface ShownImage extends AnnouncedImage {
  /** The file's name as the view shows it. */
  name: string;
  /** 1-based place in the session's list, and the list's length. */
  position: number;
  total: number;
}

function state(image: { classId: number | null; unsure: boolean }, className: (id: number) => string): string {
  if (image.classId !== null) return className(image.classId);
  return image.unsure ? 'unsure' : 'unlabeled';
}

/** What changed on `before` (the image announced last) as `after` (its state now); null when nothing did. */
function answer(before: AnnouncedImage, after: { classId: number | null; unsure: boolean }, className: (id: number) => string): string | null {
  if (before.classId === after.classId && before.unsure === after.unsure) return null;
  if (after.classId !== null) return `Labeled ${className(after.classId)}.`;
  if (after.unsure) return 'Marked unsure.';
  return before.unsure ? 'Unsure mark taken away.' : 'Label cleared.';
}

/**
 * What is said when the last key leaves no image on screen (a batch labeled, the evaluation set
 * done): the answer given to the image announced last, then the panel's heading ("Labeled
 * basophil. Batch labeled"), never that image again as if it were still unlabeled.
 */
export function endAnnouncement(
  last: AnnouncedImage | null,
  lastNow: { classId: number | null; unsure: boolean } | null,
  heading: string,
  className: (id: number) => string,
): string {
  const given = last && lastNow ? answer(last, lastNow, className) : null;
  const title = heading.trim().replace(/[.!]?$/, '.');
  return given ? `${given} ${title}` : title;
}

/**
 * The message, or null when there is nothing new to say (the same image in the same state).
 * `last`: the image announced last, as it was then; `lastNow`: that image's state now (null when
 * it is not in the list any more).
 */
export function labelAnnouncement(
  last: AnnouncedImage | null,
  lastNow: { classId: number | null; unsure: boolean } | null,
  shown: ShownImage,
  className: (id: number) => string,
): string | null {
  const given = last && lastNow ? answer(last, lastNow, className) : null;
  if (last && last.id === shown.id) return given;
  const here = `Image ${shown.position} of ${shown.total}: ${shown.name}, ${state(shown, className)}.`;
  return given ? `${given} ${here}` : here;
}
