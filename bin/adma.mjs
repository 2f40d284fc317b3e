#!/usr/bin/env node
// The `adma` command: the headless CLI, built to out/main/cli.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('adma: the CLI is not built yet. Run `npm run build` in the ADMA Studio folder (npm install does it).');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
