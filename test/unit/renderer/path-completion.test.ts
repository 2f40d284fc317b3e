import { describe, expect, it } from 'vitest';
import { commonPrefix, completeTyped, parentFolder, separatorOf } from '../../../src-renderer/logic/path-completion';

const folder = (path: string) => ({ path, folder: true });
const file = (path: string) => ({ path, folder: false });

describe('path completion', () => {
  it('completes a single folder with a trailing separator', () => {
    expect(completeTyped('/home/ann/ph', [folder('/home/ann/photos')])).toBe('/home/ann/photos/');
    expect(completeTyped('C:\\data\\sl', [folder('C:\\data\\slides')])).toBe('C:\\data\\slides\\');
  });

  it('extends to the common prefix of several folders', () => {
    expect(completeTyped('/d/s', [folder('/d/scan-2023'), folder('/d/scan-2024')])).toBe('/d/scan-202');
    expect(completeTyped('/d/scan-202', [folder('/d/scan-2023'), folder('/d/scan-2024')])).toBeNull();
  });

  it('completes a single file whole, without a separator after it, and stops there', () => {
    expect(completeTyped('/d/lab', [file('/d/labels.csv')])).toBe('/d/labels.csv');
    expect(completeTyped('C:\\d\\LA', [file('C:\\d\\LABELS.JSON')])).toBe('C:\\d\\LABELS.JSON');
    expect(completeTyped('/d/labels.csv', [file('/d/labels.csv')])).toBeNull();
  });

  it('extends to the common prefix of files and folders alike', () => {
    expect(completeTyped('/d/l', [folder('/d/labels'), file('/d/labels.csv')])).toBe('/d/labels');
    expect(completeTyped('/d/r', [file('/d/round-1.csv'), file('/d/round-2.csv')])).toBe('/d/round-');
  });

  it('does nothing without candidates or when already complete', () => {
    expect(completeTyped('/x', [])).toBeNull();
    expect(completeTyped('/home/ann/photos/', [folder('/home/ann/photos')])).toBeNull();
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
