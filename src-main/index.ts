/** Electron entry: wires the plain-Node workspace to IPC, the media protocol and a window. */
import path from 'node:path';
import { app, BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import { Workspace } from './api/workspace';
import { APP_VERSION } from './app-version';
import { fileDialogOptions } from './shell/file-dialog';
import { folderDialogOptions } from './shell/folder-dialog';
import { createMainWindow, isAppUrl, lockDownSessions } from './shell/main-window';
import { handleMediaProtocol, registerMediaScheme } from './shell/media-protocol';
import { registerIpc } from './shell/ipc';

registerMediaScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  /** The native open dialog, over the window when there is one: the path chosen, null when cancelled. */
  const showOpenDialog = async (options: OpenDialogOptions): Promise<string | null> => {
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  const workspace = new Workspace({
    stateDir: app.getPath('userData'),
    shell: 'electron',
    version: APP_VERSION,
    log: (m) => console.error(m),
    watchFolders: true,
    // Packaged apps carry the starter model and demo images as extra resources (package.json "build").
    places: app.isPackaged ? { resourcesDir: path.join(process.resourcesPath, 'resources') } : {},
    pickFolder: (pick) => showOpenDialog(folderDialogOptions(pick)),
    pickFile: (pick) => showOpenDialog(fileDialogOptions(pick)),
  });

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  void app.whenReady().then(() => {
    lockDownSessions();
    handleMediaProtocol(workspace);
    registerIpc(workspace, (sender, frameUrl) => sender === window?.webContents && isAppUrl(frameUrl));
    workspace.events.subscribe((event, payload) => window?.webContents.send(event, payload));
    window = createMainWindow();
    window.on('closed', () => {
      window = null;
    });
  });

  // Close the project and stop the engine worker gracefully before the process ends, whichever
  // way the app quits: the last window closed, or Cmd+Q / app.quit() (which skip
  // 'window-all-closed' and go to 'will-quit' after closing the windows).
  let shutdown: Promise<void> | null = null;
  let shutDown = false;
  const quitAfterShutdown = (): void => {
    shutdown ??= workspace.shutdown().finally(() => {
      shutDown = true;
      app.quit();
    });
  };
  app.on('window-all-closed', quitAfterShutdown);
  app.on('will-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    quitAfterShutdown();
  });
}
