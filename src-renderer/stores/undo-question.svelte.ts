/**
 * The undo or redo waiting for the expert's answer to its question (logic/undo-question.ts), shown
 * by the workstation: one at a time, and the answer takes it away, so a change is asked about once.
 */
import type { UndoQuestion } from '../logic/undo-question';

/** An undo or redo asked about: of exactly `actionId` (the back end refuses it when another change came since). */
export interface PendingReplay {
  kind: 'undo' | 'redo';
  actionId: number;
  question: UndoQuestion;
}

class PendingUndo {
  #pending = $state<PendingReplay | null>(null);

  get question(): UndoQuestion | null {
    return this.#pending?.question ?? null;
  }

  /** Whether the question waiting is an undo's or a redo's (null: none waits). */
  get kind(): 'undo' | 'redo' | null {
    return this.#pending?.kind ?? null;
  }

  ask(pending: PendingReplay): void {
    this.#pending = pending;
  }

  /** The waiting undo or redo, once: the answer takes it away whatever it is. */
  take(): PendingReplay | null {
    const pending = this.#pending;
    this.#pending = null;
    return pending;
  }
}

export const pendingUndo = new PendingUndo();
