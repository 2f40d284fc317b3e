/**
 * The active loop: its settings, the open round (the queue), the rounds so far. State is
 * private: it changes through this store's methods only, from request answers and from the
 * project changes listed in `follows` (which carry the new round or label action, so
 * nothing is fetched again).
 */
import type { ArgsOf, LabelAction, LoopSettings, ProjectChange, ProjectChanged, RoundInfo } from '../../src-shared/contract';
import { call } from '../api/client';
import { actionChanges } from '../logic/labeling-sequence';
import { roundWithChanges } from '../logic/round-sequence';

export type SettingsChange = ArgsOf<'loop:updateSettings'>;

const HISTORY_LIMIT = 100;

/** A round with a label action applied to its items. */
function withLabels(round: RoundInfo, action: LabelAction): RoundInfo {
  return roundWithChanges(round, actionChanges(action));
}

export class LoopStore {
  /** The project changes this store follows (see orchestration/project-lifecycle.ts). */
  readonly follows: readonly ProjectChange[] = ['round', 'labels'];

  /** A new round, or a label action (an import or deleted class, without an action, marks the round stale). */
  follow(event: ProjectChanged): void {
    if (event.change === 'round') this.applyRound(event.round);
    if (event.change === 'labels') {
      if (event.action) this.applyLabels(event.action);
      else this.#stale = true;
    }
  }

  /** Labels changed without an action: the open round's counts are read again when shown. */
  get stale(): boolean {
    return this.#stale;
  }

  #settings = $state<LoopSettings | null>(null);
  #round = $state<RoundInfo | null>(null);
  #rounds = $state<RoundInfo[]>([]);
  #querying = $state(false);
  #training = $state(false);
  #loaded = $state(false);
  #stale = false;

  get settings(): LoopSettings | null {
    return this.#settings;
  }
  get round(): RoundInfo | null {
    return this.#round;
  }
  get rounds(): RoundInfo[] {
    return this.#rounds;
  }
  get querying(): boolean {
    return this.#querying;
  }
  get training(): boolean {
    return this.#training;
  }
  get loaded(): boolean {
    return this.#loaded;
  }

  async refresh(): Promise<void> {
    const [settings, round, rounds] = await Promise.all([
      call('loop:settings'),
      call('loop:currentRound'),
      call('loop:rounds', { limit: HISTORY_LIMIT }),
    ]);
    this.#settings = settings;
    this.#round = round;
    this.#rounds = rounds;
    this.#loaded = true;
  }

  async refreshRound(): Promise<RoundInfo | null> {
    const [round, rounds] = await Promise.all([call('loop:currentRound'), call('loop:rounds', { limit: HISTORY_LIMIT })]);
    this.#round = round;
    this.#rounds = rounds;
    this.#stale = false;
    return round;
  }

  /** A round the back end answered or announced: the open round, newest in the history. */
  applyRound(round: RoundInfo): void {
    this.#round = round;
    this.#rounds = [round, ...this.#rounds.filter((r) => r.id !== round.id)].slice(0, HISTORY_LIMIT);
  }

  /** A label action: the queued images it touched show their new classes. */
  applyLabels(action: LabelAction): void {
    if (this.#round) this.#round = withLabels(this.#round, action);
    this.#rounds = this.#rounds.map((r) => withLabels(r, action));
  }

  clear(): void {
    this.#settings = null;
    this.#round = null;
    this.#rounds = [];
    this.#loaded = false;
  }

  async update(changes: SettingsChange): Promise<void> {
    this.#settings = await call('loop:updateSettings', changes);
  }

  /** Query a new batch now. */
  async nextRound(): Promise<RoundInfo> {
    this.#querying = true;
    try {
      const round = await call('loop:nextRound');
      this.applyRound(round);
      return round;
    } finally {
      this.#querying = false;
    }
  }

  /** The open round, querying the first one when none exists yet. */
  async ensureRound(): Promise<RoundInfo> {
    const round = this.#round ?? (await call('loop:currentRound'));
    if (round) {
      this.#round = round;
      return round;
    }
    return this.nextRound();
  }

  async train(): Promise<void> {
    this.#training = true;
    try {
      await call('loop:train');
    } finally {
      this.#training = false;
    }
  }
}

export const loop = new LoopStore();
