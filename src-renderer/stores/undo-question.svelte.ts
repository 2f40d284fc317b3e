/** The undo waiting for the expert's answer to its question (logic/undo-question.ts), shown by the workstation. */
import type { UndoQuestion } from '../logic/undo-question';

class PendingUndo {
  #pending = $state<{ actionId: number; question: UndoQuestion } | null>(null);

  get question(): UndoQuestion | null {
    return this.#pending?.question ?? null;
  }

  ask(actionId: number, question: UndoQuestion): void {
    this.#pending = { actionId, question };
  }

  /** The waiting undo, once: the answer takes it away whatever it is. */
  take(): { actionId: number; question: UndoQuestion } | null {
    const pending = this.#pending;
    this.#pending = null;
    return pending;
  }
}

export const pendingUndo = new PendingUndo();
