/**
 * Short messages for the user: each shows for the time to read it, errors longer than notices
 * (logic/toast-time.ts); each can be dismissed. A message said again while it still shows is not
 * stacked again: the one showing counts the repeat, comes last (newest) and starts its time again.
 */
import { CameTooLate, errorMessage } from '../api/client';
import { ERROR_MS, toastShowMs } from '../logic/toast-time';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
  /** How many times it was said while it showed (1: once). */
  count: number;
}

/** An error's usual time: a notice the expert must not miss asks for it (`info(message, ERROR_MS)`). */
export { ERROR_MS };

/** The most toasts shown at once: a new one pushes the oldest out. */
const MAX_SHOWN = 4;

class Toasts {
  #items = $state<Toast[]>([]);
  #nextId = 1;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();

  get items(): Toast[] {
    return this.#items;
  }

  /** Show `message` for `showMs` (by default the time to read it: errors 9 s at least, notices 4 s; toastShowMs). */
  push(kind: Toast['kind'], message: string, showMs = toastShowMs(kind, message)): void {
    const same = this.#items.find((t) => t.kind === kind && t.message === message);
    const toast = same ? { ...same, count: same.count + 1 } : { id: this.#nextId++, kind, message, count: 1 };
    const others = this.#items.filter((t) => t.id !== toast.id);
    for (const dropped of others.slice(0, Math.max(0, others.length - (MAX_SHOWN - 1)))) this.#forget(dropped.id);
    this.#items = [...others.slice(-(MAX_SHOWN - 1)), toast];
    clearTimeout(this.#timers.get(toast.id));
    this.#timers.set(
      toast.id,
      setTimeout(() => this.dismiss(toast.id), showMs),
    );
  }

  /**
   * Show an error (`context`: what failed). A request this window called off itself (`CameTooLate`:
   * it closed or changed its project before the answer) is not shown: nothing failed, and the
   * switch shows itself; every caller toasting whatever a request throws relies on this. Any other
   * CANCELLED is shown: the main process says with it that nothing was done and to try again
   * (features unloaded or replaced meanwhile, the engine worker stopped). A job the expert
   * cancelled is left out where job failures are toasted (project-lifecycle).
   */
  error(error: unknown, context?: string): void {
    if (error instanceof CameTooLate) return;
    const message = errorMessage(error);
    this.push('error', context ? `${context}: ${message}` : message);
  }

  /** A notice; `showMs` longer than its reading time for news the expert must not miss (ERROR_MS: as long as an error). */
  info(message: string, showMs?: number): void {
    this.push('info', message, Math.max(showMs ?? 0, toastShowMs('info', message)));
  }

  dismiss(id: number): void {
    this.#forget(id);
    this.#items = this.#items.filter((t) => t.id !== id);
  }

  /** Dismiss the toasts `outdated` says no longer hold (a "deleted" notice once the undo brought the class back). */
  dismissWhere(outdated: (toast: Toast) => boolean): void {
    for (const toast of this.#items.filter(outdated)) this.dismiss(toast.id);
  }

  #forget(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }
}

export const toasts = new Toasts();
