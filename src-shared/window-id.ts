/**
 * Which window asked for a change. Each page (an Electron window, a browser tab, a tab reloaded)
 * makes itself a random id when it loads and sends it with every request; the back end puts it,
 * as given, into the events its request caused (`origin` of a `labels` change), so that every
 * window tells its own changes from another window's.
 *
 * What the id is not: not the access token, not the project's session, not a user's or a
 * machine's name. It is random, means nothing outside this page load, and grants nothing: the
 * back end only echoes it, so another window learning it can at most pretend, to the windows of
 * the same token, that it made their changes (which only changes who is told about a change).
 */
import { s, type Schema } from './schema';

/** Letters, digits, `-` and `_`, 16 to 64 of them (the page's own are 22: 132 random bits). */
const WINDOW_ID = /^[A-Za-z0-9_-]{16,64}$/;

export const windowIdSchema: Schema<string> = s.string({ min: 16, max: 64, pattern: WINDOW_ID, describe: 'a window id (16–64 letters, digits, - or _)' });

/** `value` as a window id, or null when it is not one (a missing or malformed id counts as no window). */
export function windowIdOf(value: unknown): string | null {
  return typeof value === 'string' && WINDOW_ID.test(value) ? value : null;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A new window id: 22 characters of 64 (132 random bits) from the platform's cryptographic source. */
export function newWindowId(random: (count: number) => Uint8Array = (count) => globalThis.crypto.getRandomValues(new Uint8Array(count))): string {
  return [...random(22)].map((byte) => ALPHABET[byte & 63]).join('');
}
