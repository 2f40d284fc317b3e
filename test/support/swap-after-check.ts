/**
 * A stand-in for realpath (asynchronous and synchronous) that runs `swap` once, right after the
 * `nth` resolution of `file` returned: a file or folder swapped for a link exactly between a
 * check and what follows it, with no sleep and no race. The caller restores the mocks
 * (vi.restoreAllMocks, then syncBuiltinESMExports).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { vi } from 'vitest';

export function swapAfterCheck(file: string, swap: () => void, nth = 1): void {
  let calls = 0;
  const once = (resolvedFor: unknown): void => {
    if (String(resolvedFor) === file && ++calls === nth) swap();
  };
  const realpath = fsp.realpath.bind(fsp);
  vi.spyOn(fsp, 'realpath').mockImplementation(async (p, options) => {
    const real = await realpath(p, options);
    once(p);
    return real;
  });
  const realpathSync = fs.realpathSync.bind(fs);
  vi.spyOn(fs, 'realpathSync').mockImplementation(((p: fs.PathLike, options?: fs.EncodingOption) => {
    const real = realpathSync(p, options);
    once(p);
    return real;
  }) as typeof fs.realpathSync);
  syncBuiltinESMExports(); // `import { realpathSync } from 'node:fs'` sees the stand-in
}
