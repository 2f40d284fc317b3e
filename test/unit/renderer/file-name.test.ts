import { describe, expect, it } from 'vitest';
import { captionFolders, cutInHead, distinguishingFolders, distinguishingTails, fileName, folderOf, NAME_TAIL } from '../../../src-renderer/logic/file-name';

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

describe('captionFolders: the gallery caption tells each folder from all the project\'s folders', () => {
  const caption = (folders: string[], relPath: string): string | undefined => captionFolders(folders).get(folderOf(relPath));

  it('goes up from slide01 where two patients each have one', () => {
    const folders = ['patientA/slide01', 'patientB/slide01', 'patientA/slide02'];
    expect(caption(folders, 'patientA/slide01/x.png')).toBe('patientA/slide01');
    expect(caption(folders, 'patientB/slide01/y.png')).toBe('patientB/slide01');
    // Only one slide02: its own folder tells it apart, the folders above are left out.
    expect(caption(folders, 'patientA/slide02/z.png')).toBe('…/slide02');
    // Names play no part (unlike a duplicate group): x.png and y.png still read patientA and patientB.
    expect(distinguishingFolders(['patientA/slide01/x.png', 'patientB/slide01/y.png'])).toEqual(['…/slide01', '…/slide01']);
  });

  it('takes each folder once, however many images it holds, in any order', () => {
    const images = ['a/s1', 'b/s1', 'a/s1', 'a/s1', 'b/s1', 'c/s2'];
    expect([...captionFolders(images)]).toEqual([
      ['a/s1', 'a/s1'],
      ['b/s1', 'b/s1'],
      ['c/s2', '…/s2'],
    ]);
    expect(captionFolders([...images].reverse()).get('a/s1')).toBe('a/s1');
  });

  it('tells folders equal but for case apart by their own names (compared exactly)', () => {
    const folders = ['x/Slide01', 'y/slide01'];
    expect(caption(folders, 'x/Slide01/a.png')).toBe('…/Slide01');
    expect(caption(folders, 'y/slide01/a.png')).toBe('…/slide01');
    expect(caption(['x/Slide01', 'y/slide01', 'z/slide01'], 'z/slide01/a.png')).toBe('z/slide01');
  });

  it('goes as deep as needed where depths differ; a folder that ends another shows whole', () => {
    const folders = ['2024/patientA/slide01', '2025/patientA/slide01', 'patientA/slide01', 'slide01', 'study/2024/patientB/slide01'];
    expect(distinguishingTails(folders)).toEqual(['2024/patientA/slide01', '2025/patientA/slide01', 'patientA/slide01', 'slide01', '…/patientB/slide01']);
    // One folder deep, no other like it: its name, nothing left out.
    expect(distinguishingTails(['slide01', 'a/b/c'])).toEqual(['slide01', '…/c']);
  });

  it('shows no folder for images at the top of the project folder, which change nothing for the others', () => {
    const folders = ['', 'a/s1', 'b/s1'];
    expect(caption(folders, 'overview.png')).toBe('');
    expect(caption(folders, 'a/s1/x.png')).toBe('a/s1');
    expect(distinguishingTails([''])).toEqual(['']);
    expect(captionFolders([]).size).toBe(0);
  });

  it('reads Windows separators as folders (folderOf), the same folder as with /', () => {
    const folders = [folderOf('patientA\\slide01\\x.png'), folderOf('patientB/slide01/y.png'), folderOf('patientA\\slide01\\z.png')];
    expect(folders).toEqual(['patientA/slide01', 'patientB/slide01', 'patientA/slide01']);
    expect(caption(folders, 'patientA\\slide01\\x.png')).toBe('patientA/slide01');
    expect(captionFolders(folders).size).toBe(2);
  });

  it('is the rule of a duplicate group: an entry twice is told from nothing and shows whole', () => {
    expect(distinguishingTails(['a/b', 'a/b', 'c/d'])).toEqual(['a/b', 'a/b', '…/d']);
    // What comparing each entry with every other gives, on random folders.
    const names = ['s1', 'S1', 's2', 'p', 'q'];
    let seed = 3;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const folders = Array.from({ length: 300 }, () => Array.from({ length: Math.floor(next() * 5) }, () => names[Math.floor(next() * names.length)]!).join('/'));
    const last = (parts: string[], n: number): string => parts.slice(Math.max(0, parts.length - n)).join('/');
    const expected = folders.map((folder, i) => {
      const parts = folder.split('/').filter((f) => f !== '');
      let n = Math.min(1, parts.length);
      while (n < parts.length && folders.some((other, j) => j !== i && last(other.split('/').filter((f) => f !== ''), n) === last(parts, n))) n++;
      return `${n < parts.length ? '…/' : ''}${last(parts, n)}`;
    });
    expect(distinguishingTails(folders)).toEqual(expected);
  });
});
