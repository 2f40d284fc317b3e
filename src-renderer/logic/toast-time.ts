/**
 * How long a toast shows unless dismissed: the time to read it, never less than the usual time
 * of its kind. A notice shows at least 4 s ("Added 2 images to the evaluation set (2 in all)."
 * takes that), an error at least 9 s (it may need acting on); a longer message gets 1 s to be
 * noticed and 0.3 s a word (about 200 words a minute, a slow reader's pace), up to 12 s for a
 * notice and 20 s for an error: a toast is a live region, never the only place a lasting state
 * is shown, so none stays until dismissed. A caller may ask for longer (news the expert must not
 * miss: as long as an error).
 */

/** The usual time of a notice and of an error. */
export const INFO_MS = 4000;
export const ERROR_MS = 9000;
const LONGEST = { info: 12_000, error: 20_000 } as const;
const NOTICE_MS = 1000;
const WORD_MS = 300;

/** Words as a reader counts them (a path or a number is one). */
const wordsIn = (message: string): number => message.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/** How long a toast of `kind` saying `message` shows (see above), in milliseconds. */
export function toastShowMs(kind: 'info' | 'error', message: string): number {
  const reading = NOTICE_MS + WORD_MS * wordsIn(message);
  return Math.min(LONGEST[kind], Math.max(kind === 'error' ? ERROR_MS : INFO_MS, reading));
}
