/**
 * The Export dialog's destination check says, before anything is written, that a new folder
 * cannot be created under a file, in a folder without write permission or on a read-only disk
 * (it said "A new folder: it will be created." and the export failed only when pressed).
 * Root may write anywhere, so as root the permission and read-only cases run in a child
 * process: without CAP_DAC_OVERRIDE (setpriv), and in a mount namespace with the folder bound
 * read-only (unshare); each is skipped where the machine cannot do that.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { transferHandlers } from '../../../src-main/api/domains/transfer';
import { Workspace } from '../../../src-main/api/workspace';
import { exportCreationProblem } from '../../../src-main/engine/export/export-target';
import { tempDir } from '../../support/image-folder';

const TSX = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
const TARGET = path.resolve(__dirname, '../../../src-main/engine/export/export-target.ts');
const isRoot = process.getuid?.() === 0;

/** exportCreationProblem(destination) in a child process started by `prefix` (a command and its arguments). */
function problemIn(prefix: string[], destination: string): string {
  const script = path.join(tempDir('adma-check-script-'), 'check.ts');
  fs.writeFileSync(script, `import { exportCreationProblem } from ${JSON.stringify(TARGET)};\nprocess.stdout.write(String(exportCreationProblem(process.argv[2]!)));\n`);
  fs.chmodSync(path.dirname(script), 0o755);
  return execFileSync(prefix[0]!, [...prefix.slice(1), TSX, script, destination], { encoding: 'utf8' });
}

const works = (command: string, args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const canDropDacOverride = isRoot && works('setpriv', ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', 'true']);
const canUnshareMounts = isRoot && works('unshare', ['-m', 'true']);

const workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
const check = transferHandlers(workspace)['export:check'];
afterAll(() => workspace.close());

describe('the export destination check', () => {
  it('says a new folder under a file cannot be created, and the dialog takes it as refused', async () => {
    const file = path.join(tempDir('adma-export-'), 'notes.txt');
    fs.writeFileSync(file, 'mine');
    const answer = await check({ destination: path.join(file, 'exp', 'deeper') });
    expect(answer.exists).toBe(false);
    expect(answer.cannotCreate).toBe(`This folder cannot be created: ${file} is a file, not a folder. Choose another place.`);
    // A folder that can be created, and one that exists, have nothing to say.
    const free = tempDir('adma-export-');
    expect((await check({ destination: path.join(free, 'a', 'b') })).cannotCreate).toBeNull();
    expect((await check({ destination: free })).cannotCreate).toBeNull();
  });

  it.skipIf(isRoot)('says a new folder in a folder without write permission cannot be created (as a user)', () => {
    const locked = path.join(tempDir('adma-export-'), 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    try {
      expect(exportCreationProblem(path.join(locked, 'exp'))).toBe(`This folder cannot be created in ${locked}: permission denied. Choose another folder.`);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });

  it.skipIf(!canDropDacOverride)('says a new folder in an unreadable folder cannot be created (root without CAP_DAC_OVERRIDE)', () => {
    const locked = path.join(tempDir('adma-export-'), 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    fs.chmodSync(path.dirname(locked), 0o755);
    const dropped = ['setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];
    expect(problemIn(dropped, path.join(locked, 'exp'))).toBe(`This folder cannot be created in ${locked}: permission denied. Choose another folder.`);
    expect(exportCreationProblem(path.join(locked, 'exp'))).toBeNull(); // root itself may
  });

  it.skipIf(!canUnshareMounts)('says a new folder on a read-only disk cannot be created (a read-only bind mount)', () => {
    const folder = tempDir('adma-export-ro-');
    const readOnly = ['unshare', '-m', 'sh', '-c', `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"`, folder];
    expect(problemIn(readOnly, path.join(folder, 'exp'))).toBe(`This folder cannot be created in ${folder}: the disk or folder is read-only. Choose another folder.`);
  });
});
