/**
 * The import report's entries not applied show each path whole and readable: the dialog widens for
 * the table, and a path wraps after a slash, not in the middle of a file name. In a walkthrough a
 * 516-pixel report squeezed the Path column to ~190 px and broke a scan's path as
 * "field-0013/neutrophil_EOS_019384 | 8.jpg".
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostWithImageFolder } from './support/folder-host';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';

const setup = hostWithImageFolder(3, 'adma-e2e-import-paths-');

const LONG = 'scans/2026-11-14/patient-0042/slide-A/field-0013/neutrophil_EOS_0193848.jpg';

test('entries not applied: the report widens and each path wraps only after a slash', async ({ page }) => {
  const problems = watchProblems(page);
  const csv = path.join(setup.work, 'labels.csv');
  await fs.writeFile(csv, `path,class\nimg-000.png,cell\n${LONG},cell\nneutrophil/missing-image.jpg,cell\n`);
  await page.setViewportSize({ width: 1024, height: 640 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 3);
  await page.keyboard.press('Alt+6');
  await page.getByRole('button', { name: 'Import labels…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import labels or suggestions' });
  await dialog.getByLabel('File or folder').fill(csv);
  await dialog.getByRole('checkbox', { name: 'Create classes that do not exist yet' }).check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('import-report')).toContainText(/Not applied\s*2/);

  const table = dialog.getByTestId('import-unmatched');
  const cell = table.getByRole('cell', { name: LONG });
  // The text is the path as it is (what a copy gives).
  await expect(cell).toHaveText(LONG);
  // Wider than the 560-pixel dialog every other form uses.
  expect((await dialog.boundingBox())?.width).toBeGreaterThan(700);
  // Where the path's lines end: the character before each line break is a slash.
  const ends = await cell.evaluate((td) => {
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    const chars: { char: string; top: number }[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        chars.push({ char: text[i] as string, top: Math.round(range.getBoundingClientRect().top) });
      }
    }
    return chars.flatMap((c, i) => (i > 0 && c.top > (chars[i - 1] as { top: number }).top ? [(chars[i - 1] as { char: string }).char] : []));
  });
  expect(ends.every((char) => char === '/'), `line ends: ${ends.join(' ')}`).toBe(true);
  expect(problems).toEqual([]);
});
