/**
 * The words before the reason of a label change (a label, an unsure mark) that failed after the
 * view moved on, the view being back on its image. A change whose answer the connection lost
 * (NETWORK: the host may have saved it and died before answering) may have been saved: the page
 * cannot tell, so it does not say "not saved".
 */
import { AppError } from '../../src-shared/app-error';

export type LabelChange = 'The label' | 'The unsure mark';

const PLURAL: Record<LabelChange, string> = { 'The label': 'labels', 'The unsure mark': 'unsure marks' };

/**
 * `count` changes failing together (keys pressed quickly, their answers lost with the host): one
 * message with their number, the view being back on the first of them. Each had said "The label
 * may not have been saved, back on its image" in the same toast (×4), as if one label was lost.
 */
export function notSavedWords(error: unknown, change: LabelChange, count = 1): string {
  const unknown = error instanceof AppError && error.code === 'NETWORK';
  if (count > 1) return `${count} ${PLURAL[change]} ${unknown ? 'may not have been saved' : 'were not saved'}, back on the first of them`;
  return `${change} ${unknown ? 'may not have been saved' : 'was not saved'}, back on its image`;
}

/**
 * Says the label changes that fail one after another as one message with their number
 * (notSavedWords), updated as each fails: the commits go one after another, so keys pressed
 * quickly whose commits all fail (the host died, the database stayed busy) fail one round trip
 * apart. A failure of the same kind while the last one's message still shows (`withinMs`, the
 * error toast's time) joins it: the message is withdrawn and said again with the new count and
 * the first lost answer's reason (a lost answer makes them all "may not have been saved"). The
 * view is back on the first of them (labeling.svelte.ts returnTo).
 */
export class NotSavedReporter {
  #run: { change: LabelChange; errors: unknown[]; words: string; at: number } | null = null;

  constructor(
    private readonly show: (error: unknown, words: string) => void,
    private readonly withdraw: (words: string) => void,
    private readonly withinMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  failed(change: LabelChange, error: unknown): void {
    const at = this.now();
    const run = this.#run;
    const joins = run !== null && run.change === change && at - run.at < this.withinMs;
    if (joins) this.withdraw(run.words);
    const errors = joins ? [...run.errors, error] : [error];
    const shown = errors.find((e) => e instanceof AppError && e.code === 'NETWORK') ?? errors[0];
    const words = notSavedWords(shown, change, errors.length);
    this.#run = { change, errors, words, at };
    this.show(shown, words);
  }
}
