/** Which view is shown and which overlay is open; changed through its methods only. */
import type { ViewName } from '../logic/keymap';

export class UiStore {
  #view = $state<ViewName>('label');
  #helpOpen = $state(false);
  /** Modal dialogs open now: one can open over another (a confirmation over the export dialog). */
  #openDialogs = $state(0);

  get view(): ViewName {
    return this.#view;
  }
  get helpOpen(): boolean {
    return this.#helpOpen;
  }
  /** A modal dialog (confirm, scan report) is open: it owns the keyboard. */
  get dialogOpen(): boolean {
    return this.#openDialogs > 0;
  }

  show(view: ViewName): void {
    this.#view = view;
  }

  setHelpOpen(open: boolean): void {
    this.#helpOpen = open;
  }

  /**
   * A modal dialog opens; the function returned says it closed (once, however often called).
   * Counted, not a flag: with one true/false, the first of two stacked dialogs to close said
   * "none open", and the view's shortcut keys acted behind the dialog still open.
   */
  openDialog(): () => void {
    this.#openDialogs++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#openDialogs--;
    };
  }
}

export const ui = new UiStore();
