/** The dashboard: learning curve, per-class counts, confusion matrix, evaluation set. */
import type { Dashboard } from '../../src-shared/contract';
import { call } from '../api/client';

class DashboardState {
  data = $state<Dashboard | null>(null);
  loading = $state(false);
  sampling = $state(false);

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.data = await call('dashboard:get');
    } finally {
      this.loading = false;
    }
  }

  clear(): void {
    this.data = null;
  }

  /** Add `count` random unlabeled, never-queried images to the evaluation set. */
  async sample(count: number): Promise<{ added: number; size: number }> {
    this.sampling = true;
    try {
      const result = await call('evaluation:sample', { count });
      await this.load();
      return result;
    } finally {
      this.sampling = false;
    }
  }
}

export const dashboard = new DashboardState();
