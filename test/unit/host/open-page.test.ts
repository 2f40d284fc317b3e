import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeOpenPage } from '../../../src-main/host/open-page';

describe('--open starts the browser on a private file, not on the tokenised URL', () => {
  it('writes a page only its user can read that forwards to the URL, made anew each run', () => {
    const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'adma-open-')), 'state');
    const url = 'http://127.0.0.1:4321/?token=abc_DEF-123';
    const first = writeOpenPage(stateDir, url);
    expect(fileURLToPath(first.href)).toBe(first.file);
    // The browser's command line names only the file; the token is inside it.
    expect(first.href).not.toContain('token');
    const html = fs.readFileSync(first.file, 'utf8');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`);
    expect(html).toContain(`<a href="${url}">`);
    // An earlier run's file, readable by others, is replaced, not reused with its mode.
    fs.chmodSync(first.file, 0o644);
    const second = writeOpenPage(stateDir, 'http://127.0.0.1:4321/?token=new&x="<b>');
    expect(fs.readFileSync(second.file, 'utf8')).toContain('content="0;url=http://127.0.0.1:4321/?token=new&#38;x=&#34;&#60;b&#62;"');
    if (process.platform !== 'win32') {
      expect(fs.statSync(second.file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(stateDir).mode & 0o077).toBe(0);
    }
  });
});
