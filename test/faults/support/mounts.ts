/**
 * Small tmpfs mounts for faults that root cannot meet otherwise (root ignores permission
 * bits): a full disk and a read-only file system. `mountTmpfs` returns null, with the reason,
 * where mounting is impossible (not root, no CAP_SYS_ADMIN); the tests then skip with it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tempDir } from '../../support/image-folder';

export interface Mount {
  dir: string;
  readOnly(): void;
  unmount(): void;
}

export function mountTmpfs(sizeKb: number): Mount | string {
  const dir = tempDir('adma-mount-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return `cannot mount a tmpfs here (${((error as { stderr?: Buffer }).stderr ?? '').toString().trim() || (error as Error).message})`;
  }
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' }),
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fill the file system holding `dir` to the last byte. */
export function fillDisk(dir: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const fd = fs.openSync(`${dir}/filler`, 'w');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  // the last partial chunk
  const small = Buffer.alloc(512, 1);
  const fd2 = fs.openSync(`${dir}/filler2`, 'w');
  try {
    for (;;) fs.writeSync(fd2, small);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd2);
  }
}
