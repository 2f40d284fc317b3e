/** How long a toast shows: the time to read it, never less than its kind's usual time (logic/toast-time.ts). */
import { describe, expect, it } from 'vitest';
import { ERROR_MS, INFO_MS, toastShowMs } from '../../../src-renderer/logic/toast-time';

describe('toastShowMs', () => {
  it('a short notice shows the usual 4 s (the evaluation sample’s "Added …" among them), a short error 9 s', () => {
    expect(toastShowMs('info', 'Added 2 images to the evaluation set (2 in all).')).toBe(INFO_MS);
    expect(toastShowMs('info', 'Added 120 images to the evaluation set (1,520 in all).')).toBe(INFO_MS);
    expect(toastShowMs('info', 'Nothing to undo.')).toBe(INFO_MS);
    expect(toastShowMs('error', 'The order was not saved: disk full')).toBe(ERROR_MS);
  });

  it('a longer message shows for the time to read it: 1 s and 0.3 s a word', () => {
    // 18 words.
    const full = 'No image could be added: every unlabeled image has been queried or is in the evaluation set already.';
    expect(toastShowMs('info', full)).toBe(1000 + 18 * 300);
    // A path or a number is one word; punctuation alone is none.
    expect(toastShowMs('info', 'a — b / c')).toBe(INFO_MS);
    const words = (n: number): string => Array.from({ length: n }, (_, k) => `w${k}`).join(' ');
    expect(toastShowMs('error', words(40))).toBe(1000 + 40 * 300);
  });

  it('none stays until dismissed: at most 12 s for a notice, 20 s for an error', () => {
    const long = Array.from({ length: 200 }, () => 'word').join(' ');
    expect(toastShowMs('info', long)).toBe(12_000);
    expect(toastShowMs('error', long)).toBe(20_000);
  });
});
