/**
 * Issue 14.5: the parsers of other tools' label files, on good and malformed input. A file
 * that is not of the format is refused with a clear error that never echoes its contents;
 * a malformed entry is reported with its number and why, and the rest is still read.
 */
import { describe, expect, it } from 'vitest';
import { parseLabelsJson, parsePredictionsCsv } from '../../../src-main/adaptation/label-formats';
import { errorOf } from '../../support/error-of';

const task = (image: string, choices: string[] | null, extra: Record<string, unknown> = {}) => ({
  id: 1,
  data: { image },
  annotations: choices === null ? [] : [{ id: 1, was_cancelled: false, result: [{ from_name: 'choice', to_name: 'image', type: 'choices', value: { choices } }] }],
  ...extra,
});

describe('Label Studio JSON export', () => {
  it('reads the choice of each task, with the local-files path and the upload name as spellings to try', () => {
    const parsed = parseLabelsJson(
      JSON.stringify([task('/data/local-files/?d=photos%2Fants%2Fa.jpg', ['ants']), task('/data/upload/3/8f2a1b9c-b.jpg', ['bees'])]),
      'ls.json',
    );
    expect(parsed.format).toBe('Label Studio JSON export');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.line, e.path, e.className])).toEqual([
      [1, 'photos/ants/a.jpg', 'ants'],
      [2, '/data/upload/3/8f2a1b9c-b.jpg', 'bees'],
    ]);
    expect(parsed.entries[0]!.alternatives).toEqual(['ants/a.jpg', 'a.jpg']);
    expect(parsed.entries[1]!.alternatives).toEqual(['8f2a1b9c-b.jpg', 'b.jpg']);
  });

  it('takes the latest annotation that was not cancelled', () => {
    const t = task('x/a.jpg', ['ants']);
    (t.annotations as unknown[]).push({ id: 2, was_cancelled: false, result: [{ type: 'choices', value: { choices: ['bees'] } }] });
    (t.annotations as unknown[]).push({ id: 3, was_cancelled: true, result: [{ type: 'choices', value: { choices: ['wasps'] } }] });
    expect(parseLabelsJson(JSON.stringify([t]), 'ls.json').entries.map((e) => e.className)).toEqual(['bees']);
  });

  it('reports unannotated, multi-choice, non-classification and malformed tasks by number and reads the rest', () => {
    const parsed = parseLabelsJson(
      JSON.stringify([
        task('a.jpg', ['ants']),
        task('b.jpg', null),
        task('c.jpg', ['ants', 'bees']),
        { data: { image: 'd.jpg' }, annotations: [{ result: [{ type: 'rectanglelabels', value: { rectanglelabels: ['ants'] } }] }] },
        42,
        { data: { image: 'e.jpg' } },
        task('f.jpg', ['']),
      ]),
      'ls.json',
    );
    expect(parsed.entries.map((e) => e.path)).toEqual(['a.jpg']);
    expect(parsed.problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [2, 'not annotated in Label Studio (no annotation, or only cancelled ones)'],
      [3, 'several choices (ants, bees)'],
      [4, 'the annotation has no choice (not an image classification result)'],
      [5, 'malformed'],
      [6, 'malformed'],
      [7, 'malformed'],
    ]);
  });

  it('reads the JSON-MIN export', () => {
    const parsed = parseLabelsJson(JSON.stringify([{ id: 1, image: '/data/local-files/?d=a.jpg', choice: 'ants' }, { id: 2, image: 'b.jpg' }]), 'min.json');
    expect(parsed.format).toBe('Label Studio JSON-MIN export');
    expect(parsed.entries.map((e) => [e.path, e.className])).toEqual([['a.jpg', 'ants']]);
    expect(parsed.problems[0]).toMatchObject({ line: 2, reason: 'not annotated (no choice field)' });
  });

  it('refuses a list of things that are not tasks as a whole', () => {
    expect(() => parseLabelsJson('[1, 2, 3]', 'numbers.json')).toThrowError(/none of its 3 entries is a Label Studio task/);
  });
});

describe('COCO-style classification JSON', () => {
  const coco = {
    images: [
      { id: 1, file_name: 'ants/a.jpg' },
      { id: 2, file_name: 'bees/b.jpg' },
      { id: 3, file_name: 'c.jpg' },
      { id: 'x', file_name: 'bad.jpg' },
    ],
    categories: [
      { id: 10, name: 'ants' },
      { id: 20, name: 'bees' },
      { id: 30 },
    ],
    annotations: [
      { id: 1, image_id: 1, category_id: 10 },
      { id: 2, image_id: 2, category_id: 20 },
      { id: 3, image_id: 9, category_id: 10 },
      { id: 4, image_id: 2, category_id: 99 },
      { id: 5, image_id: '2', category_id: 20 },
    ],
  };

  it('joins annotations to their image and category, and reports every entry it cannot', () => {
    const parsed = parseLabelsJson(JSON.stringify(coco), 'coco.json');
    expect(parsed.format).toBe('COCO-style classification JSON');
    expect(parsed.entries.map((e) => [e.line, e.path, e.className])).toEqual([
      [1, 'ants/a.jpg', 'ants'],
      [2, 'bees/b.jpg', 'bees'],
    ]);
    const reasons = parsed.problems.map((p) => p.reason);
    expect(reasons).toContain('malformed: images[] entry without a numeric id and a file_name');
    expect(reasons).toContain('malformed: categories[] entry without a numeric id and a name');
    expect(reasons).toContain('the annotation names an image_id that images[] does not list');
    expect(reasons).toContain('the annotation names a category_id that categories[] does not list');
    expect(reasons).toContain('malformed: annotation without a numeric image_id and category_id');
    expect(parsed.problems.find((p) => p.path === 'c.jpg')?.reason).toMatch(/without an annotation/);
  });
});

describe('JSON files that are not labels', () => {
  it('refuses broken JSON without echoing it', () => {
    const error = errorOf(() => parseLabelsJson('{"password": "SECRET1", ', 'broken.json'));
    expect(error.message).toMatch(/broken\.json is not valid JSON.*Nothing was imported/);
    expect(error.message).not.toMatch(/SECRET1/);
  });

  it('refuses JSON of another shape, naming the shapes it reads', () => {
    expect(() => parseLabelsJson('{"name": "x"}', 'other.json')).toThrowError(/Label Studio export.*COCO file.*ADMA Studio labels\.json/);
  });

  it("reads ADMA Studio's labels.json with its unsure images", () => {
    const parsed = parseLabelsJson(
      JSON.stringify({ formatVersion: 1, images: [{ path: 'a.jpg', class: 'ants' }, { path: 'b.jpg' }], unsure: [{ path: 'c.jpg' }, {}] }),
      'labels.json',
    );
    expect(parsed.entries.map((e) => [e.path, e.className, e.unsure])).toEqual([
      ['a.jpg', 'ants', false],
      ['c.jpg', '', true],
    ]);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 4]);
  });
});

describe('prediction CSV', () => {
  it('reads path, class, probability rows and keeps the most probable row of an image', () => {
    const parsed = parsePredictionsCsv('image,predicted_class,confidence\na.jpg,ants,0.9\nb.jpg,bees,80%\na.jpg,bees,0.1\n', 'p.csv');
    expect(parsed.entries.map((e) => [e.path, e.className, e.probability])).toEqual([
      ['a.jpg', 'ants', 0.9],
      ['b.jpg', 'bees', 0.8],
    ]);
    expect(parsed.problems).toEqual([{ line: 4, path: 'a.jpg', className: 'bees', reason: 'a less probable prediction for an image also on line 2 (ants)' }]);
  });

  it('reads one probability column per class and suggests the highest', () => {
    const parsed = parsePredictionsCsv('path,ants,bees\na.jpg,0.2,0.8\nb.jpg,0.7,0.3\n', 'wide.csv');
    expect(parsed.entries.map((e) => [e.path, e.className, e.probability])).toEqual([
      ['a.jpg', 'bees', 0.8],
      ['b.jpg', 'ants', 0.7],
    ]);
  });

  it('reports rows with a bad probability, no class or no path, and reads the rest', () => {
    const parsed = parsePredictionsCsv('path,class,probability\na.jpg,ants,1.5\nb.jpg,,0.5\n,ants,0.5\nc.jpg,bees,abc\nd.jpg,bees,0.6\n', 'p.csv');
    expect(parsed.entries.map((e) => e.path)).toEqual(['d.jpg']);
    expect(parsed.problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'malformed: the probability "1.5" is not a number from 0 to 1'],
      [3, 'malformed: no class'],
      [4, 'malformed: no path'],
      [5, 'malformed: the probability "abc" is not a number from 0 to 1'],
    ]);
  });

  it('refuses a file without a header naming a path and a class with a probability', () => {
    expect(() => parsePredictionsCsv('a.jpg,ants,0.9\n', 'noheader.csv')).toThrowError(/the first line must name the columns/);
    expect(() => parsePredictionsCsv('path,class\na.jpg,ants\n', 'labels.csv')).toThrowError(/a probability/);
    expect(() => parsePredictionsCsv('', 'empty.csv')).toThrowError(/empty/);
  });

  it('refuses an unterminated quote with its line, not its contents', () => {
    const error = errorOf(() => parsePredictionsCsv('path,class,probability\n"SECRET2,ants,0.5\n', 'q.csv'));
    expect(error.message).toMatch(/q\.csv is not a readable CSV \(line \d+/);
    expect(error.message).not.toMatch(/SECRET2/);
  });
});
