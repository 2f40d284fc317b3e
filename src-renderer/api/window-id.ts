/**
 * This window's own id (src-shared/window-id.ts), sent with every request and given back as the
 * `origin` of the label changes those requests make, so that a change this window made is known
 * for its own and another window's is told; and when the window started (`since`).
 *
 * A window is a browser tab (or a desktop window), not a page load: a reload keeps the id and the
 * start, in the tab's sessionStorage, so that Ctrl+Z after F5 takes back this tab's own labels at
 * once and still asks about another tab's made since. Only a reload keeps them: a tab duplicated
 * from this one copies its sessionStorage too, but it is another window and gets its own id (its
 * navigation is not a reload). Where sessionStorage cannot be used, each page load is a window.
 */
import { newWindowId } from '../../src-shared/window-id';

const KEY = 'adma-window';

interface WindowIdentity {
  id: string;
  /** When the window started, ms since the epoch. */
  since: number;
}

function isWindowIdentity(value: unknown): value is WindowIdentity {
  const v = value as Partial<WindowIdentity> | null;
  return typeof v?.id === 'string' && typeof v.since === 'number';
}

function identity(): WindowIdentity {
  const fresh = { id: newWindowId(), since: Date.now() };
  try {
    const reload = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type === 'reload';
    const kept: unknown = reload ? JSON.parse(sessionStorage.getItem(KEY) ?? 'null') : null;
    const chosen = isWindowIdentity(kept) ? kept : fresh;
    sessionStorage.setItem(KEY, JSON.stringify(chosen));
    return chosen;
  } catch {
    return fresh;
  }
}

let current: WindowIdentity | null = null;

export const thisWindow = {
  get id(): string {
    current ??= identity();
    return current.id;
  },

  /** When this window started (ms since the epoch): its first page load, before any reload. */
  get since(): number {
    current ??= identity();
    return current.since;
  },

  /** Whether this window made a change whose origin is `origin` (null: no window did, so not this one). */
  made(origin: string | null): boolean {
    return origin !== null && origin === this.id;
  },
};
