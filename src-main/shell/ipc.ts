/** Registers every contract request on ipcMain through the one dispatch wrapper, with the window's project session. */
import { ipcMain, type WebContents } from 'electron';
import { channels } from '../../src-shared/contract';
import { windowIdOf } from '../../src-shared/window-id';
import { dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import type { Workspace } from '../api/workspace';

export function registerIpc(workspace: Workspace, isTrustedSender: (sender: WebContents, frameUrl: string) => boolean): void {
  const handlers = createHandlers(workspace);
  for (const channel of channels) {
    // `session`: the opening of a project the window shows (see OpenProjectSummary); anything
    // but a string counts as none, so a project request from such a window is refused.
    // `windowId`: the page's own id, the origin of the changes it causes (one window here, but a
    // reload is a new page); anything but a window id counts as none.
    ipcMain.handle(channel, (event, args: unknown, session: unknown, windowId: unknown) => {
      if (!isTrustedSender(event.sender, event.senderFrame?.url ?? '')) {
        return { ok: false, error: { code: 'UNSUPPORTED', message: 'Request from an untrusted page refused.' } };
      }
      return dispatch(handlers, channel, args, console.error, { session: typeof session === 'string' ? session : null, workspace, windowId: windowIdOf(windowId) });
    });
  }
}
