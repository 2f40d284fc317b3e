/**
 * The opening of a project this window shows (OpenProjectSummary.session). Every request
 * carries it; the back end refuses project requests from a window whose session is not the
 * open one (PROJECT_CHANGED). Once that happens, or an `opened`/`closed` event announces
 * another window's switch, the window is stale: it sends no more project requests and shows
 * a banner asking to reload. It never re-targets itself silently.
 */
import type { Channel, OpenProjectSummary } from '../../src-shared/contract';

export interface StaleWindow {
  /** What the user reads in the banner. */
  message: string;
}

let current: string | null = null;
/** The name of the project this window shows (for messages). */
let currentName: string | null = null;
let stale: StaleWindow | null = null;
/** Opens and closes this window itself has in flight: their own events are not another window's. */
let ownSwitches = 0;
const listeners = new Set<(stale: StaleWindow | null) => void>();

/** Requests whose answer is the open project (or none) and so set this window's session. */
const SWITCHES: readonly Channel[] = ['project:open', 'project:locate', 'project:createDemo', 'project:close'];

export const windowSession = {
  get id(): string | null {
    return current;
  },

  get name(): string | null {
    return currentName;
  },

  get stale(): StaleWindow | null {
    return stale;
  },

  /** True while this window opens or closes a project itself. */
  get switching(): boolean {
    return ownSwitches > 0;
  },

  isSwitch(channel: Channel): boolean {
    return SWITCHES.includes(channel);
  },

  beginSwitch(): void {
    ownSwitches += 1;
  },

  endSwitch(): void {
    ownSwitches = Math.max(0, ownSwitches - 1);
  },

  /** This window now shows `summary` (its own open, create or close succeeded). */
  adopt(summary: OpenProjectSummary | null): void {
    current = summary?.session ?? null;
    currentName = summary?.name ?? null;
  },

  /**
   * The answer of `project:current`: a window showing no project takes it on; a window showing
   * a project learns whether it is still the open one. Returns false when it is not.
   */
  confirm(summary: OpenProjectSummary | null): boolean {
    if (current === null) {
      this.adopt(summary);
      return true;
    }
    return summary?.session === current;
  },

  /** Stop this window's project requests, saying why (a later, more precise reason replaces the first). */
  markStale(message: string): void {
    if (stale?.message === message) return;
    stale = { message };
    for (const listener of [...listeners]) listener(stale);
  },

  /** Stale because `now` (or nothing, when null) is open instead of what this window shows. */
  replacedBy(now: { name: string } | null): void {
    const shown = currentName ?? 'a project';
    this.markStale(now ? `This window shows ${shown}, but ${now.name} was opened in another window; reload to continue.` : `This window shows ${shown}, but it was closed in another window; reload to continue.`);
  },

  onChange(listener: (stale: StaleWindow | null) => void): () => void {
    listeners.add(listener);
    listener(stale);
    return () => {
      listeners.delete(listener);
    };
  },

  /** Forget everything (store tests that share one module between cases). */
  reset(): void {
    current = null;
    currentName = null;
    stale = null;
    ownSwitches = 0;
    for (const listener of [...listeners]) listener(null);
  },
};
