/** Which view is shown and which overlay is open; changed through its methods only. */
import type { ViewName } from '../logic/keymap';

export class UiStore {
  #view = $state<ViewName>('label');
  #helpOpen = $state(false);
  #dialogOpen = $state(false);

  get view(): ViewName {
    return this.#view;
  }
  get helpOpen(): boolean {
    return this.#helpOpen;
  }
  /** A modal dialog (confirm, scan report) is open: it owns the keyboard. */
  get dialogOpen(): boolean {
    return this.#dialogOpen;
  }

  show(view: ViewName): void {
    this.#view = view;
  }

  setHelpOpen(open: boolean): void {
    this.#helpOpen = open;
  }

  setDialogOpen(open: boolean): void {
    this.#dialogOpen = open;
  }
}

export const ui = new UiStore();
