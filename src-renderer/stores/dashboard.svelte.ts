/** The dashboard: learning curve, per-class counts, confusion matrix, evaluation set. State changes through the methods only. */
import type { Dashboard } from '../../src-shared/contract';
import { call } from '../api/client';
import { LatestLoad } from './latest-load.svelte';

class DashboardState {
  #data = $state<Dashboard | null>(null);
  #sampling = $state(false);
  /** Only the latest load's answer (or failure) is applied. */
  readonly #load = new LatestLoad();

  get data(): Dashboard | null {
    return this.#data;
  }
  get loading(): boolean {
    return this.#load.loading;
  }
  /** Why the latest load failed (shown with a retry); null after a load that answered. */
  get error(): string | null {
    return this.#load.error;
  }
  get sampling(): boolean {
    return this.#sampling;
  }

  /** Read the dashboard; a failure is kept in `error` (never thrown, never an endless loading). */
  async load(): Promise<void> {
    await this.#load.run(
      () => call('dashboard:get'),
      (data) => {
        this.#data = data;
      },
    );
  }

  clear(): void {
    this.#load.reset();
    this.#data = null;
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
