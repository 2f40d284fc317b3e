/** Recent label changes (who, when, old → new) and the files the scan could not read. */
import type { HistoryEntry } from '../../src-shared/contract';
import { call } from '../api/client';

class History {
  entries = $state<HistoryEntry[]>([]);
  loading = $state(false);

  async load(limit = 300): Promise<void> {
    this.loading = true;
    try {
      this.entries = await call('labels:history', { imageId: undefined, limit });
    } finally {
      this.loading = false;
    }
  }
}

export const history = new History();
