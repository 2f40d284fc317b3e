import { describe, expect, it } from 'vitest';
import { cutInHead, distinguishingFolders, fileName, folderOf, NAME_TAIL } from '../../../src-renderer/logic/file-name';

describe('fileName and folderOf', () => {
  it('split a project-relative path at either separator; the folder is shown with /', () => {
    expect(fileName('slide01/cell_001.jpg')).toBe('cell_001.jpg');
    expect(folderOf('slide01/cell_001.jpg')).toBe('slide01');
    expect(folderOf('patient A\\slide01\\cell_001.jpg')).toBe('patient A/slide01');
    expect(fileName('patient A\\slide01\\cell_001.jpg')).toBe('cell_001.jpg');
    expect(folderOf('overview.jpg')).toBe('');
    expect(fileName('overview.jpg')).toBe('overview.jpg');
  });
});

describe('cutInHead', () => {
  it('keeps the last characters whole and gives the rest as the head', () => {
    expect(cutInHead('neutrophil_segmented_0042.png', NAME_TAIL)).toEqual({ head: 'neutrophil_segmented_0', tail: '042.png' });
    expect(cutInHead('slide01/', 4)).toEqual({ head: 'slid', tail: 'e01/' });
    // Shorter than the tail: all of it is the tail, nothing to cut.
    expect(cutInHead('a.png', NAME_TAIL)).toEqual({ head: '', tail: 'a.png' });
  });
});

describe('distinguishingFolders', () => {
  it('gives each path its own folder when that tells the namesakes apart', () => {
    expect(distinguishingFolders(['slide01/cell_001.jpg', 'slide02/cell_001.jpg'])).toEqual(['slide01', 'slide02']);
    // Different names are told apart by the name: each still says where it is.
    expect(distinguishingFolders(['a/b/x.jpg', 'a/c/y.jpg'])).toEqual(['…/b', '…/c']);
  });

  it('goes up as far as the namesakes need, marking the folders left out', () => {
    expect(distinguishingFolders(['2024/patientA/slide01/cell.jpg', '2024/patientB/slide01/cell.jpg', '2024/patientB/slide02/cell.jpg'])).toEqual([
      '…/patientA/slide01',
      '…/patientB/slide01',
      '…/slide02',
    ]);
    // Only namesakes count: other.jpg in the same folder needs nothing more.
    expect(distinguishingFolders(['x/slide01/cell.jpg', 'y/slide01/cell.jpg', 'x/slide01/other.jpg'])).toEqual(['x/slide01', 'y/slide01', '…/slide01']);
  });

  it('shows a whole folder that ends another, and the top of the project as empty', () => {
    expect(distinguishingFolders(['b/x.jpg', 'a/b/x.jpg', 'x.jpg'])).toEqual(['b', 'a/b', '']);
    expect(distinguishingFolders(['x.jpg', 'y.jpg'])).toEqual(['', '']);
    expect(distinguishingFolders(['copies\\x.jpg', 'x.jpg'])).toEqual(['copies', '']);
    expect(distinguishingFolders([])).toEqual([]);
  });
});
