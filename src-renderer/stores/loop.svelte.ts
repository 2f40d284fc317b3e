/** The active loop: its settings, the open round (the queue), the rounds so far. */
import type { ArgsOf, LoopSettings, RoundInfo } from '../../src-shared/contract';
import { call } from '../api/client';

export type SettingsChange = ArgsOf<'loop:updateSettings'>;

const HISTORY_LIMIT = 100;

class LoopState {
  settings = $state<LoopSettings | null>(null);
  round = $state<RoundInfo | null>(null);
  rounds = $state<RoundInfo[]>([]);
  querying = $state(false);
  training = $state(false);
  loaded = $state(false);

  async refresh(): Promise<void> {
    const [settings, round, rounds] = await Promise.all([
      call('loop:settings'),
      call('loop:currentRound'),
      call('loop:rounds', { limit: HISTORY_LIMIT }),
    ]);
    this.settings = settings;
    this.round = round;
    this.rounds = rounds;
    this.loaded = true;
  }

  async refreshRound(): Promise<RoundInfo | null> {
    const [round, rounds] = await Promise.all([call('loop:currentRound'), call('loop:rounds', { limit: HISTORY_LIMIT })]);
    this.round = round;
    this.rounds = rounds;
    return round;
  }

  clear(): void {
    this.settings = null;
    this.round = null;
    this.rounds = [];
    this.loaded = false;
  }

  async update(changes: SettingsChange): Promise<void> {
    this.settings = await call('loop:updateSettings', changes);
  }

  /** Query a new batch now. */
  async nextRound(): Promise<RoundInfo> {
    this.querying = true;
    try {
      const round = await call('loop:nextRound');
      this.round = round;
      this.rounds = await call('loop:rounds', { limit: HISTORY_LIMIT });
      return round;
    } finally {
      this.querying = false;
    }
  }

  /** The open round, querying the first one when none exists yet. */
  async ensureRound(): Promise<RoundInfo> {
    const round = this.round ?? (await call('loop:currentRound'));
    if (round) {
      this.round = round;
      return round;
    }
    return this.nextRound();
  }

  async train(): Promise<void> {
    this.training = true;
    try {
      await call('loop:train');
    } finally {
      this.training = false;
    }
  }
}

export const loop = new LoopState();
