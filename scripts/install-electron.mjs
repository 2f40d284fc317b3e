#!/usr/bin/env node
// Fetches the Electron binary when the network allows it, and never fails the install when
// it does not: without the binary, `npm start` serves the same app to the browser instead.
// (package.json's allowScripts denies electron's own install script so that its failure on
// an offline machine cannot abort `npm install`; this script runs it and tolerates failure.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
let electronDir;
try {
  electronDir = path.dirname(require.resolve('electron/package.json'));
} catch {
  console.log('[adma] electron is not installed (production install?): skipping the Electron binary.');
  process.exit(0);
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('[adma] ELECTRON_SKIP_BINARY_DOWNLOAD is set: not downloading Electron.');
  process.exit(0);
}
if (existsSync(path.join(electronDir, 'path.txt')) && existsSync(path.join(electronDir, 'dist'))) process.exit(0);

console.log('[adma] Downloading the Electron binary…');
const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
  stdio: ['ignore', 'inherit', 'pipe'],
  timeout: 10 * 60 * 1000,
  encoding: 'utf8',
});
if (result.status === 0) {
  console.log('[adma] Electron is ready: `npm start` opens the desktop app.');
} else {
  const reason = (result.stderr || result.error?.message || 'unknown error').split('\n').find((l) => l.trim()) ?? 'unknown error';
  console.log(`[adma] The Electron binary could not be downloaded (${reason.trim()}).`);
  console.log('[adma] That is fine: `npm start` will serve ADMA Studio to your browser instead.');
  console.log('[adma] To get the desktop app later, run `node scripts/install-electron.mjs` with network access.');
}
