import { describe, expect, it } from 'vitest';
import { freshFolderName, joinFolder } from '../../../src-renderer/logic/fresh-folder';

describe('fresh export folders', () => {
  const date = new Date(2026, 10, 7, 12, 0, 0);

  it('names a dated sub-folder, numbered when the name is taken', () => {
    expect(freshFolderName(date, new Set())).toBe('adma-export-2026-11-07');
    expect(freshFolderName(date, new Set(['adma-export-2026-11-07']))).toBe('adma-export-2026-11-07-2');
    expect(freshFolderName(date, new Set(['adma-export-2026-11-07', 'adma-export-2026-11-07-2']))).toBe('adma-export-2026-11-07-3');
  });

  it('joins with the separator the folder already uses', () => {
    expect(joinFolder('/tmp/out', 'x')).toBe('/tmp/out/x');
    expect(joinFolder('/tmp/out/', 'x')).toBe('/tmp/out/x');
    expect(joinFolder('C:\\data\\out', 'x')).toBe('C:\\data\\out\\x');
  });
});
