/** Which view is shown and which overlay is open. */
import type { ViewName } from '../logic/keymap';

class Ui {
  view = $state<ViewName>('label');
  helpOpen = $state(false);
  /** A modal dialog (confirm, scan report) is open: it owns the keyboard. */
  dialogOpen = $state(false);
}

export const ui = new Ui();
