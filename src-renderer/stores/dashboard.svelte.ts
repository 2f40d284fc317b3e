/** The dashboard: learning curve, per-class counts, confusion matrix, evaluation set. State changes through the methods only. */
import type { Dashboard } from '../../src-shared/contract';
import { call, errorMessage } from '../api/client';

class DashboardState {
  #data = $state<Dashboard | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #sampling = $state(false);
  /** Counts loads, so only the latest one's answer (or failure) is applied. */
  #generation = 0;

  get data(): Dashboard | null {
    return this.#data;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** Why the latest load failed (shown with a retry); null after a load that answered. */
  get error(): string | null {
    return this.#error;
  }
  get sampling(): boolean {
    return this.#sampling;
  }

  /** Read the dashboard; a failure is kept in `error` (never thrown, never an endless loading). */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    try {
      const data = await call('dashboard:get');
      if (generation !== this.#generation) return;
      this.#data = data;
      this.#error = null;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  clear(): void {
    this.#generation++;
    this.#data = null;
    this.#error = null;
    this.#loading = false;
  }

  /** Add `count` random unlabeled, never-queried images to the evaluation set. */
  async sample(count: number): Promise<{ added: number; size: number }> {
    this.#sampling = true;
    try {
      const result = await call('evaluation:sample', { count });
      await this.load();
      return result;
    } finally {
      this.#sampling = false;
    }
  }
}

export const dashboard = new DashboardState();
