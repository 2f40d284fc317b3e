/** The dashboard: learning curve, per-class counts, confusion matrix, evaluation set. State changes through the methods only. */
import type { Dashboard, EvaluationRoom } from '../../src-shared/contract';
import { call } from '../api/client';
import { LatestLoad } from './latest-load.svelte';

class DashboardState {
  #data = $state<Dashboard | null>(null);
  #sampling = $state(false);
  #releasing = $state(false);
  /**
   * The evaluation set's room and the loop's pool: with the dashboard, or alone (the Label view
   * asks when a batch is done, to say why no next round opens). Null until read.
   */
  #room = $state<EvaluationRoom | null>(null);
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
  get releasing(): boolean {
    return this.#releasing;
  }
  get room(): EvaluationRoom | null {
    return this.#room;
  }

  /** Read the dashboard; a failure is kept in `error` (never thrown, never an endless loading). */
  async load(): Promise<void> {
    await this.#load.run(
      () => call('dashboard:get'),
      (data) => {
        this.#data = data;
        this.#room = data.evaluation;
      },
    );
  }

  /** Read the room alone (cheap: counts only, no scoring); a failure keeps the last one read. */
  async loadRoom(): Promise<void> {
    this.#room = await call('evaluation:room');
  }

  clear(): void {
    this.#load.reset();
    this.#data = null;
    this.#room = null;
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

  /** Return `count` (default: all) of the evaluation set's unlabeled images to the loop's pool. */
  async release(count?: number): Promise<number> {
    this.#releasing = true;
    try {
      const { released, room } = await call('evaluation:release', count === undefined ? {} : { count });
      this.#room = room;
      if (this.#data) await this.load();
      return released;
    } finally {
      this.#releasing = false;
    }
  }
}

export const dashboard = new DashboardState();
