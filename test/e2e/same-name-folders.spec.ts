/**
 * The same file name in two folders (a haematologist's slide01/cell_001.jpg and
 * slide02/cell_001.jpg) is told apart where the name is shown: the gallery's captions show each
 * tile's folder on a line under its name, and every member of a duplicate group (the typical group: a
 * copy in another folder under the same name) shows the folder that tells it from the others.
 * The captions are read as a person sees them (innerText of what is rendered, at 1024 px wide,
 * where the tiles are narrowest), not from the tooltip, which always had the path.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { axeViolations } from './support/a11y';
import { hostWithImageFolder } from './support/folder-host';
import { makeImageFolder } from './support/image-folder';
import { createProjectWithoutModel } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { SHOTS } from './support/paths';

/**
 * Nine images: cell_001.png in slide01 and slide02 (different pictures), cell_002.jpg in both
 * (byte-identical: an exact-copy group across the folders), a long name in both, one at the top,
 * cell_001.png again two folders down (patient_A17/slide03), and another patient's slide03.
 */
async function slideFolders(count: number, prefix: string): Promise<string> {
  const folder = await makeImageFolder(count, prefix);
  const at = (...parts: string[]): string => path.join(folder, ...parts);
  for (const slide of ['slide01', 'slide02']) await fs.mkdir(at(slide));
  await fs.rename(at('img-000.png'), at('slide01', 'cell_001.png'));
  await fs.rename(at('img-001.png'), at('slide02', 'cell_001.png'));
  await fs.rename(at('img-002.jpg'), at('slide01', 'cell_002.jpg'));
  await fs.copyFile(at('slide01', 'cell_002.jpg'), at('slide02', 'cell_002.jpg'));
  await fs.rename(at('img-003.png'), at('slide01', 'neutrophil_segmented_0042.png'));
  await fs.rename(at('img-004.png'), at('slide02', 'neutrophil_segmented_0042.png'));
  await fs.rename(at('img-005.jpg'), at('overview.jpg'));
  await fs.mkdir(at('patient_A17', 'slide03'), { recursive: true });
  await fs.rename(at('batch-b', 'img-006.png'), at('patient_A17', 'slide03', 'cell_001.png'));
  await fs.rmdir(at('batch-b'));
  await fs.mkdir(at('patient_B2', 'slide03'), { recursive: true });
  await fs.rename(at('img-007.png'), at('patient_B2', 'slide03', 'cell_009.png'));
  return folder;
}

const setup = hostWithImageFolder(8, 'adma-e2e-same-name-', slideFolders);

/** The element's text, its pieces joined (innerText puts line breaks between flex items; these names have no spaces). */
const shown = (element: Locator): Promise<string> => element.evaluate((e) => (e as HTMLElement).innerText.replace(/\s+/g, ''));
/**
 * How much of the element is on screen, in pixels: its pieces' boxes (a piece cut with an
 * ellipsis is as wide as it is shown; a box of display: contents has none of its own).
 */
const visibleWidth = (element: Locator): Promise<number> =>
  element.evaluate((e) => (e.children.length > 0 ? [...e.children] : [e]).reduce((width, piece) => width + piece.getBoundingClientRect().width, 0));
/** Whether the element's text is cut (wider than its box: shown with an ellipsis). */
const isCut = (element: Locator): Promise<boolean> => element.evaluate((e) => e.scrollWidth > e.clientWidth);

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('the same file name in two folders is told apart in the gallery and in Duplicates', async ({ page }) => {
  const problems = watchProblems(page);
  await page.setViewportSize({ width: 1024, height: 720 });
  await page.goto(setup.host.url);
  await createProjectWithoutModel(page, setup.folder, 9);

  await page.keyboard.press('Alt+2');
  await expect(page.getByTestId('gallery-count')).toHaveText('9 images');
  const tile = (relPath: string): Locator => page.locator(`[data-testid="thumb"][title="${relPath}"]`);
  for (const relPath of ['slide01/cell_001.png', 'slide02/cell_001.png']) await expect(tile(relPath).getByTestId('thumb-image')).toHaveAttribute('data-loaded', '');
  await shot(page, 'same-name-gallery.png');

  // Each caption shows its folder on a line under the name, whole, and the two captions read differently.
  for (const slide of ['slide01', 'slide02']) {
    const folder = tile(`${slide}/cell_001.png`).getByTestId('thumb-folder');
    await expect(folder).toHaveText(`${slide}/`);
    expect(await isCut(folder)).toBe(false);
    expect(await shown(tile(`${slide}/cell_001.png`).getByTestId('thumb-name'))).toBe('cell_001.png');
  }
  // A long name in a narrow tile: the name's start is cut, its end never; its folder's line is whole.
  const long = tile('slide02/neutrophil_segmented_0042.png');
  await expect(long.getByTestId('thumb-folder')).toHaveText('slide02/');
  expect(await isCut(long.getByTestId('thumb-folder'))).toBe(false);
  expect(await shown(long.getByTestId('thumb-name'))).toMatch(/0042\.png$/);
  // Two slide03 folders, of two patients: each caption goes up to the patient (where "…/slide03/"
  // would read the same), and its line has room for both folders: the patient is read, not cut
  // away ("…e03/" beside the name told neither patient apart).
  const deep = tile('patient_A17/slide03/cell_001.png');
  await expect(deep.getByTestId('thumb-folder')).toHaveText('patient_A17/slide03/');
  expect(await isCut(deep.getByTestId('thumb-folder'))).toBe(false);
  await expect(tile('patient_B2/slide03/cell_009.png').getByTestId('thumb-folder')).toHaveText('patient_B2/slide03/');
  expect(await shown(deep.getByTestId('thumb-name'))).toBe('cell_001.png');
  // A file at the top of the project folder shows no folder.
  await expect(tile('overview.jpg').getByTestId('thumb-folder')).toHaveCount(0);
  // The fainter folder still reads (contrast), and the tiles keep their names.
  expect(await axeViolations(page, '[data-testid="thumb"]')).toEqual([]);

  // Duplicates: the byte-identical cell_002.jpg of both slides, each member named with its folder.
  await page.keyboard.press('Alt+8');
  const group = page.getByTestId('duplicate-group').filter({ hasText: 'Exact copies' });
  await expect(group).toHaveCount(1);
  const items = group.getByTestId('duplicate-item');
  await expect(items).toHaveCount(2);
  await shot(page, 'same-name-duplicates.png');
  const texts = await Promise.all((await items.all()).map(async (item) => shown(item.getByTestId('duplicate-path'))));
  expect(texts.sort()).toEqual(['slide01/cell_002.jpg', 'slide02/cell_002.jpg']);
  for (const item of await items.all()) expect(await visibleWidth(item.getByTestId('duplicate-folder'))).toBeGreaterThan(10);
  await expect(items.first()).toHaveAccessibleName(/^slide0[12]\/cell_002\.jpg/);
  expect(await axeViolations(page, '[data-testid="duplicate-group"]')).toEqual([]);
  expect(problems).toEqual([]);
});
