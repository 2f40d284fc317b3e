/** Recent label and class changes (who, when, old → new). State is private: loaded here, cleared on leaving a project. */
import type { HistoryItem } from '../../src-shared/contract';
import { call } from '../api/client';

export class HistoryStore {
  #entries = $state<HistoryItem[]>([]);
  #loading = $state(false);

  get entries(): HistoryItem[] {
    return this.#entries;
  }
  get loading(): boolean {
    return this.#loading;
  }

  async load(limit = 300): Promise<void> {
    this.#loading = true;
    try {
      this.#entries = await call('labels:history', { imageId: undefined, limit });
    } finally {
      this.#loading = false;
    }
  }

  clear(): void {
    this.#entries = [];
  }
}

export const history = new HistoryStore();
