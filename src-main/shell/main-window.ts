/** The application window, locked down per Electron's security checklist. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, session } from 'electron';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RENDERER_FILE = path.join(here, '../renderer/index.html');

export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `file://${RENDERER_FILE}`;
}

export function isAppUrl(url: string): boolean {
  const app = new URL(rendererUrl());
  try {
    const candidate = new URL(url);
    return app.protocol === 'file:' ? candidate.protocol === 'file:' && candidate.pathname === app.pathname : candidate.origin === app.origin;
  } catch {
    return false;
  }
}

export function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#14161a',
    title: 'ADMA Studio',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  // Never a new window, and nothing handed to the system (shell.openExternal): the app has no
  // external links, and a URL a page could choose has no business leaving it.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl());
  return win;
}
