/**
 * `--open` without the token on a command line: every local user can read the others' command
 * lines (ps), so the browser is started on a file only this user can read, which forwards to the
 * tokenised URL (as Jupyter does). The file is made anew each run (0600; an old one is removed,
 * never reused with whatever mode it had) and removed when the host stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makePrivateFolder } from '../core/private-folder';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Write the forwarding page for `url` in `stateDir`; returns its file and the file: URL to open. */
export function writeOpenPage(stateDir: string, url: string): { file: string; href: string } {
  makePrivateFolder(stateDir);
  const file = path.join(stateDir, 'open.html');
  fs.rmSync(file, { force: true });
  const target = escapeHtml(url);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>ADMA Studio</title></head>
<body><p><a href="${target}">Open ADMA Studio</a></p></body></html>
`;
  // 'wx': fails rather than write through a file (or link) that appeared since the removal.
  fs.writeFileSync(file, html, { mode: 0o600, flag: 'wx' });
  return { file, href: pathToFileURL(file).href };
}
