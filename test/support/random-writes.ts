/**
 * The step loop of the property tests of counts kept in the database (class-label-counts,
 * present-count): each step runs a write drawn at random; a refusal (AppError) must change
 * nothing, any other error fails the test; after each step `check` compares the count with the
 * rows and says what differs.
 */
import { AppError } from '../../src-shared/app-error';

export type NamedWrite = readonly [what: string, write: () => Promise<unknown> | unknown];

/** The first step (with the write's name and `check`'s words) after which `check` finds a wrong count; null when none. */
export async function firstWrongStepOf(writes: readonly NamedWrite[], steps: number, random: () => number, check: () => string | null): Promise<string | null> {
  for (let step = 0; step < steps; step++) {
    const [what, write] = writes[Math.floor(random() * writes.length)]!;
    try {
      await write();
    } catch (error) {
      // A refusal (e.g. a class name taken, nothing to undo) changes nothing; anything else is a failure.
      if (!(error instanceof AppError)) throw error;
    }
    const wrong = check();
    if (wrong !== null) return `step ${step} (${what}): ${wrong}`;
  }
  return null;
}
