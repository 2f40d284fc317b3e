/**
 * `node out/main/host.js [--port N] [--state-dir DIR] [--open]`: runs ADMA Studio in the
 * browser where no Electron binary is installed. Prints the tokenised URL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { APP_VERSION } from '../app-version';
import { Workspace } from '../api/workspace';
import { writeOpenPage } from './open-page';
import { startWebHost } from './web-host';

const HELP = `Usage: node out/main/host.js [--port N] [--state-dir DIR] [--open] [--no-folder-watch]

Serves ADMA Studio to a browser on 127.0.0.1 with a random access token.
  --port N         port to listen on (default: a free one)
  --state-dir DIR  where the recent-projects list is kept (default: ~/.config/adma-studio)
  --open           open the URL in the default browser
  --no-folder-watch
                   do not notice files added, removed or changed in the open project's
                   folder by themselves; only "Rescan folder" finds them`;

/** Start the default browser on `target` (a file: URL: see open-page.ts). */
function openInBrowser(target: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', target] : [target];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error('No default browser could be started: open the URL above yourself.'));
  child.unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      open: { type: 'boolean', default: false },
      'no-folder-watch': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port number.`);
  const stateDir = values['state-dir'] ?? path.join(os.homedir(), '.config', 'adma-studio');
  const workspace = new Workspace({ stateDir, shell: 'web', version: APP_VERSION, log: (m) => console.error(m), watchFolders: !values['no-folder-watch'] });
  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
  const host = await startWebHost({ workspace, rendererDir, port });
  console.log(`ADMA Studio web host: ${host.url}`);
  console.log('Only this machine can connect; the token in the URL is required. Press Ctrl+C to stop.');
  const openPage = values.open ? writeOpenPage(stateDir, host.url) : null;
  if (openPage) openInBrowser(openPage.href);
  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (why) console.error(`ADMA Studio web host: stopping (${why}).`);
    if (openPage) fs.rmSync(openPage.file, { force: true });
    await host.close();
    await workspace.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop(''));
  process.on('SIGTERM', () => void stop(''));
  process.on('SIGHUP', () => void stop('the terminal closed'));
  // Started by `npm start` with an IPC channel (scripts/start.mjs): the channel closes when
  // that parent dies, however it dies, and the host must not outlive it holding the port and
  // the project lock. unref: the channel alone does not keep the host running.
  if (process.channel) {
    process.on('disconnect', () => void stop('the process that started it has ended'));
    process.channel.unref();
    // it may have ended while the host was starting, before this listener existed
    if (!process.connected) void stop('the process that started it has ended');
  }
}

main().catch((error: Error) => {
  console.error(`adma host: ${error.message}`);
  process.exit(1);
});
