import { describe, expect, it } from 'vitest';
import { commonPrefix, completeTyped, parentFolder, separatorOf } from '../../../src-renderer/logic/path-completion';

describe('path completion', () => {
  it('completes a single folder with a trailing separator', () => {
    expect(completeTyped('/home/ann/ph', ['/home/ann/photos'])).toBe('/home/ann/photos/');
    expect(completeTyped('C:\\data\\sl', ['C:\\data\\slides'])).toBe('C:\\data\\slides\\');
  });

  it('extends to the common prefix of several folders', () => {
    expect(completeTyped('/d/s', ['/d/scan-2023', '/d/scan-2024'])).toBe('/d/scan-202');
    expect(completeTyped('/d/scan-202', ['/d/scan-2023', '/d/scan-2024'])).toBeNull();
  });

  it('does nothing without candidates or when already complete', () => {
    expect(completeTyped('/x', [])).toBeNull();
    expect(completeTyped('/home/ann/photos/', ['/home/ann/photos'])).toBeNull();
  });

  it('finds prefixes and separators', () => {
    expect(commonPrefix(['abc', 'abd', 'ab'])).toBe('ab');
    expect(commonPrefix([])).toBe('');
    expect(separatorOf('/a/b')).toBe('/');
    expect(separatorOf('C:\\a')).toBe('\\');
  });
});

describe('parentFolder (where Locate… starts)', () => {
  it('is the folder that held the path, with its separator, on either kind of path', () => {
    expect(parentFolder('/data/cells')).toBe('/data/');
    expect(parentFolder('/data/cells/')).toBe('/data/');
    expect(parentFolder('D:\\scans\\blood')).toBe('D:\\scans\\');
    expect(parentFolder('/cells')).toBe('/');
    expect(parentFolder('cells')).toBe('');
  });
});
