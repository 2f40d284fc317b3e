/**
 * `adma train`'s class order (train-command.ts trainingClasses) against the app's for the same
 * labels file: an import creates a class only from a row whose image the project has
 * (labels-import.ts reports the others, 'no such image in the project'), so a row of an image
 * missing from the workspace names no class and takes no place in the order.
 */
import { describe, expect, it } from 'vitest';
import { trainingClasses } from '../../../src-main/cli/train-command';

const row = (path: string, className: string) => ({ path, className });

describe('trainingClasses', () => {
  const inWorkspace = (line: { path: string }): boolean => !line.path.startsWith('gone/');

  it('a row (an evaluation row too) of an image missing from the workspace does not count towards the order', () => {
    // The file's first row is an evaluation image of "b" that is no longer in the folder: the app
    // makes "a" first (its first row of an image it has), then "b".
    const file = [row('gone/23.png', 'b'), row('x/1.png', 'a'), row('x/2.png', 'b'), row('x/3.png', 'a')];
    expect(trainingClasses(file, ['a', 'b', 'a'], [], inWorkspace)).toEqual(['a', 'b']);
  });

  it('nor does its spelling: a class is spelled as the first row of an image the workspace has writes it', () => {
    const file = [row('gone/23.png', 'BLUES'), row('x/1.png', 'reds'), row('x/2.png', 'Blues')];
    expect(trainingClasses(file, ['reds', 'Blues'], [], inWorkspace)).toEqual(['reds', 'Blues']);
  });

  it('rows of images present keep the app’s order: the previous classes first, then where the file first names each, an evaluation row too', () => {
    const file = [row('x/9.png', 'c'), row('x/1.png', 'a'), row('x/2.png', 'b'), row('x/3.png', 'c')];
    // x/9.png is an evaluation row: it places "c" though only training labels decide which classes are learned.
    expect(trainingClasses(file, ['a', 'b', 'c'], [], inWorkspace)).toEqual(['c', 'a', 'b']);
    expect(trainingClasses(file, ['a', 'b', 'c'], ['b'], inWorkspace)).toEqual(['b', 'c', 'a']);
    expect(trainingClasses(file, ['a', 'b'], [], inWorkspace)).toEqual(['a', 'b']); // "c" has no training label
  });
});
