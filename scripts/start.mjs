#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is installed, otherwise the web
// host on 127.0.0.1 with a random token, opened in the default browser when there is one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'out/main/index.js')) || !existsSync(path.join(root, 'out/renderer/index.html'))) {
  console.error('ADMA Studio is not built yet: run `npm run build` (npm install does it for you).');
  process.exit(1);
}
const extra = process.argv.slice(2);
const electron = process.env.ADMA_WEB ? null : electronBinary();
// `ipc` gives the web host a channel to this process: when this process dies, even by
// SIGKILL where no handler runs, the channel closes and the host stops instead of living on
// as an orphan that holds the port and the project lock (src-main/host/main.ts).
const run = (cmd, args, { ipc = false } = {}) => {
  const child = spawn(cmd, args, { stdio: ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit', cwd: root });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
};
if (electron) {
  run(electron, ['.', ...extra]);
} else {
  console.log('Electron is not installed here: starting ADMA Studio in your browser.');
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  run(process.execPath, [path.join(root, 'out/main/host.js'), ...(hasDisplay ? ['--open'] : []), ...extra], { ipc: true });
}
