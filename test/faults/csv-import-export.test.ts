/**
 * Issues 15.6, 15.7 and 11.20: CSV export neutralises formula cells and reads back exactly;
 * import uses csv-parse (quotes in names, Excel's semicolons), reports ambiguous names,
 * refuses what it cannot create as a whole (nothing changed), and never echoes a non-CSV
 * file's contents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labeledImages, labelsCsv } from '../../src-main/adaptation/labels-export';
import { importLabelsCsv } from '../../src-main/adaptation/labels-import';
import { Project } from '../../src-main/project/project';
import { appErrorOf } from '../support/error-of';
import { tempDir, writeImage } from '../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

async function projectWith(names: string[]): Promise<Project> {
  const root = tempDir();
  for (const [i, name] of names.entries()) await writeImage(path.join(root, name), i + 1);
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  return project;
}

function csvFile(text: string): string {
  const file = path.join(tempDir(), 'labels.csv');
  fs.writeFileSync(file, text);
  return file;
}

describe('CSV export against formula injection', () => {
  it("prefixes =, +, -, @, tab and CR cells with ' and an import of the export gives back the same names and labels", async () => {
    const files = ['-minus.png', '+plus.png', '@at.png', 'sub/plain.png', "'=quoted.png"];
    const project = await projectWith(files);
    const hostile = ['=HYPERLINK("http://x")', '+SUM(1)', '-2+3', '@cmd', "'@quoted"];
    const classes = hostile.map((name) => project.classes.create(name, undefined));
    const ids = project.images.list({ kind: 'all' }, 0, 100).items;
    ids.forEach((image, i) => project.setLabels([image.id], classes[i % classes.length]!.id));

    const csv = labelsCsv(labeledImages(project, new Set()));
    const cells = csv.split('\n').slice(1).filter(Boolean).flatMap((l) => l.split(',').slice(0, 2));
    for (const cell of cells) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain("'-minus.png");
    expect(csv).toContain("''=quoted.png");

    // Round trip: a fresh project with the same files imports the export to the same labels.
    const copy = await projectWith(files);
    const report = await importLabelsCsv(copy, csvFile(csv), true);
    expect(report.unmatched).toEqual([]);
    expect(new Set(report.createdClasses)).toEqual(new Set(classes.map((c) => c.name)));
    const byPath = (p: Project) => labeledImages(p, new Set()).map((i) => [i.relPath, i.className]);
    expect(byPath(copy)).toEqual(byPath(project));
  });
});

describe('CSV import', () => {
  it('reads file names with quotes and commas, and Excel semicolon CSVs', async () => {
    const project = await projectWith(['a,b "q".png', 'x "q".png', 'c.png']);
    const quoted = await importLabelsCsv(project, csvFile('path,class\n"a,b ""q"".png",ant\nx "q".png,bee\n'), true);
    expect(quoted.unmatched).toEqual([]);
    expect(quoted.labeled).toBe(2);
    const excel = await importLabelsCsv(project, csvFile('\uFEFFpath;class\r\nc.png;wasp\r\n'), true);
    expect(excel.labeled).toBe(1);
    expect(excel.createdClasses).toEqual(['wasp']);
    const sep = await importLabelsCsv(project, csvFile('sep=;\nc.png;ant\n'), false);
    expect(sep.labeled).toBe(1);
  });

  it('reports a bare name shared by two images as ambiguous instead of picking one', async () => {
    const project = await projectWith(['x/a.png', 'y/a.png']);
    const report = await importLabelsCsv(project, csvFile('a.png,ant\n'), true);
    expect(report.labeled).toBe(0);
    expect(report.unmatched[0]?.reason).toMatch(/ambiguous: 2 images are named a\.png \(x\/a\.png, y\/a\.png\)/);
  });

  it('refuses a class name over 80 characters, creating nothing', async () => {
    const project = await projectWith(['a.png', 'b.png']);
    const long = 'n'.repeat(500);
    const error = await appErrorOf(importLabelsCsv(project, csvFile(`a.png,ant\nb.png,${long}\n`), true));
    expect(error.message).toMatch(/Nothing was imported.*lines 2: the class name "n+…" has 500 characters; at most 80/s);
    expect(project.classes.list()).toEqual([]);
    expect(project.summary().labeledCount).toBe(0);
    expect(() => project.classes.create(long, undefined)).toThrowError(/at most 80 characters/);
  });

  it('refuses 40 new classes as a whole: no class created, no label applied, every row beyond the limit named', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `img-${i}.png`);
    const project = await projectWith(names);
    const csv = names.map((n, i) => `${n},class-${i}`).join('\n');
    const error = await appErrorOf(importLabelsCsv(project, csvFile(csv), true));
    expect(error.message).toMatch(/Nothing was imported.*40 new classes but the project has 0 of at most 35: lines 36, 37, 38, 39, 40 would need classes "class-35", "class-36", "class-37" and 2 more/s);
    expect(project.classes.list()).toEqual([]);
    expect(project.summary().labeledCount).toBe(0);
  });

  it('applies the good lines of a CSV with a malformed one and lists that line with why (walkthrough 7: one bad line refused the file)', async () => {
    const project = await projectWith(['a.png', 'b.png', 'c.png', 'd.png']);
    const file = csvFile('a.png,ant\nb.png\n"c.png,bee\nd.png,bee\n');
    const emptyClass = csvFile('a.png,ant\nc.png,\n');
    const report = await importLabelsCsv(project, file, true);
    // The good line after a stray quote is applied too (verify 8: the quote swallowed it, unlisted).
    expect(project.summary().labeledCount).toBe(2);
    // The history says the label came from the file, not from the keys (walkthrough 7).
    expect(project.labels.history(undefined, 5).map((h) => [h.relPath, h.newClassName, h.importedFrom])).toEqual([
      ['d.png', 'bee', path.basename(file)],
      ['a.png', 'ant', path.basename(file)],
    ]);
    project.setLabels([project.images.list({ kind: 'all' }, 0, 5).items.find((i) => i.relPath === 'b.png')!.id], project.classes.list()[0]!.id);
    expect(project.labels.history(undefined, 1)[0]?.importedFrom).toBeNull();
    expect(report.unmatched.map((u) => [u.line, u.reason])).toEqual([
      [2, 'malformed: expected a path and a class ("path,class")'],
      [3, expect.stringMatching(/quote/)],
    ]);
    // A line with an empty class is listed with its image, so the expert sees which one to fix.
    const second = await importLabelsCsv(project, emptyClass, true);
    expect(second.unmatched.map((u) => [u.line, u.path, u.reason])).toEqual([[2, 'c.png', 'malformed: no class']]);
  });

  it('reports the line numbers of a file that is not a CSV, never its contents', async () => {
    const project = await projectWith(['a.png']);
    const shadow = csvFile('root:$6$SECRETHASH1:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nuser:$6$SECRETHASH2:19000:0:99999:7:::\n');
    const error = await appErrorOf(importLabelsCsv(project, shadow, true));
    expect(error.message).toMatch(/has 3 bad lines:\n {2}lines 1, 2, 3: expected a path and a class/);
    expect(error.message).toMatch(/does not look like a labels CSV/);
    expect(error.message).not.toMatch(/SECRETHASH|root|daemon/);
  });
});
