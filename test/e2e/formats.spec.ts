/**
 * Issue 14.5 and 14.6 in Chromium against the built web host, on real photos
 * (../shared/data/hymenoptera): mark images unsure by key and find them in their gallery
 * filter; export with a train/evaluation split and a Hugging Face layout; import the split
 * ImageFolder into a fresh project of the same photos and find every label again, and the
 * evaluation split as its evaluation set.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createClasses, decideModelLater } from './support/model-step';
import { openImageFolderExport } from './support/export-dialog';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';
import { HYMENOPTERA_VAL as PHOTOS, SHOTS } from './support/paths';

const PER_CLASS = 8;
const EVALUATION = 4;
const haveData = existsSync(path.join(PHOTOS, 'ants')) && existsSync(path.join(PHOTOS, 'bees'));

/** File name → true class of the photos copied into each project folder. */
const truth = new Map<string, 'ants' | 'bees'>();

async function copyPhotos(folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  for (const [name, cls] of truth) await fs.copyFile(path.join(PHOTOS, cls, name), path.join(folder, name));
}

test.skip(!haveData, '../shared/data/hymenoptera is absent');

const spec = webHostForSpec('adma-e2e-formats-');

test.beforeAll(async () => {
  for (const cls of ['ants', 'bees'] as const) {
    const names = (await fs.readdir(path.join(PHOTOS, cls))).filter((f) => f.endsWith('.jpg')).sort().slice(0, PER_CLASS);
    for (const name of names) truth.set(name, cls);
  }
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });
const key = (name: string): string => (truth.get(name) === 'ants' ? '1' : '2');

async function createProject(page: Page, folder: string): Promise<void> {
  const close = page.getByRole('button', { name: 'Close project' });
  await expect(close.or(page.getByLabel('Project folder'))).toBeVisible();
  if (await close.isVisible()) await close.click();
  await page.getByLabel('Project folder').fill(folder);
  await page.getByRole('button', { name: 'Create project' }).click();
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText(`${truth.size} images`, { timeout: 60_000 });
}

test('mark unsure by key, export with a split, import into a fresh project: every label comes back', async ({ page }) => {
  const problems = watchProblems(page);
  const first = path.join(spec.work, 'first');
  await copyPhotos(first);
  await page.goto(spec.host.url);
  await createProject(page, first);

  // Two classes, keys 1 and 2.
  await createClasses(page, ['ants', 'bees']);

  // An evaluation set of four photos, labeled (blind) by key.
  await page.keyboard.press('Alt+6');
  await page.getByLabel('Add').fill(String(EVALUATION));
  await page.getByRole('button', { name: 'random images' }).click();
  await page.getByRole('button', { name: `Label evaluation set (${EVALUATION})` }).click();
  const imagePath = page.getByTestId('image-path');
  const progress = page.getByTestId('label-progress');
  for (let i = 0; i < EVALUATION; i++) {
    await expect(imagePath).toHaveText(/\.jpg$/);
    await page.keyboard.press(key((await imagePath.textContent()) ?? ''));
    await expect(progress).toHaveText(new RegExp(`^${i + 1} of ${truth.size} labeled`));
  }

  // The rest in folder order: the third and the sixth are marked unsure with '.', the others labeled.
  await page.getByRole('button', { name: 'Folder order' }).click();
  const unsure: string[] = [];
  const remaining = truth.size - EVALUATION;
  for (let i = 0; i < remaining; i++) {
    await expect(imagePath).toHaveText(/\.jpg$/);
    const name = (await imagePath.textContent()) ?? '';
    if (i === 2 || i === 5) {
      unsure.push(name);
      await page.keyboard.press('.');
    } else await page.keyboard.press(key(name));
    // The view moves on (after the last one, to the end of the list).
    await expect(imagePath.filter({ hasText: name })).toHaveCount(0);
    if (i === 5) {
      // Ctrl+Z undoes the mark like a label: back on the photo, unlabeled; '.' marks it again.
      await expect(page.getByTestId('unsure-count')).toHaveText('2 unsure');
      await page.keyboard.press('Control+z');
      await expect(page.getByTestId('unsure-count')).toHaveText('1 unsure');
      await expect(imagePath).toHaveText(name);
      await expect(page.getByTestId('current-label')).toHaveText('Unlabeled');
      await page.keyboard.press('.');
      await expect(imagePath.filter({ hasText: name })).toHaveCount(0);
    }
  }
  const labeled = truth.size - unsure.length;
  await expect(progress).toHaveText(`${labeled} of ${truth.size} labeled · 2 unsure`);
  await expect(page.getByTestId('unsure-count')).toHaveText('2 unsure');

  // The key shows in the help overlay.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(help).toContainText('Unsure: you cannot decide');
  await shot(page, 'formats-help.png');
  await page.keyboard.press('Escape');

  // The gallery's Unsure filter holds exactly the two, with their mark; a class key then ends the mark.
  await page.keyboard.press('Alt+2');
  await page.getByRole('button', { name: /^Unsure/ }).click();
  await expect(page.getByTestId('gallery-count')).toHaveText('2 images');
  await expect(page.getByTestId('thumb-unsure')).toHaveCount(2);
  for (const name of unsure) await expect(page.getByRole('button', { name: `${name}, unsure` })).toBeVisible();
  await shot(page, 'formats-gallery-unsure.png');
  // Opened from there, the label view shows the mark.
  await page.getByRole('button', { name: `${unsure[0]}, unsure` }).dblclick();
  await expect(imagePath).toHaveText(unsure[0]!);
  await expect(page.getByTestId('current-label')).toHaveText('Unsure');
  await expect(page.getByTestId('unsure-button')).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'formats-label-unsure.png');

  // The history shows the marks.
  await page.getByRole('tab', { name: /History/ }).click();
  await expect(page.getByRole('cell', { name: 'Unsure', exact: true }).first()).toBeVisible();
  await shot(page, 'formats-history.png');

  // Export with a split ImageFolder and a Hugging Face layout.
  const destination = path.join(spec.work, 'export');
  const dialog = await openImageFolderExport(page, destination);
  await dialog.getByRole('checkbox', { name: /Hugging Face imagefolder/ }).check();
  await shot(page, 'formats-export-dialog.png');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByTestId('export-result')).toContainText('unsure.csv');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // On disk: the evaluation photos in images/evaluation, the others in images/train, the unsure ones in neither.
  const listed = async (dir: string): Promise<string[]> => (existsSync(dir) ? ((await fs.readdir(dir, { recursive: true })) as string[]).filter((f) => f.endsWith('.jpg')) : []);
  const evaluationFiles = await listed(path.join(destination, 'images', 'evaluation'));
  const trainFiles = await listed(path.join(destination, 'images', 'train'));
  expect(evaluationFiles).toHaveLength(EVALUATION);
  expect(trainFiles).toHaveLength(labeled - EVALUATION);
  for (const file of [...evaluationFiles, ...trainFiles]) expect(file.split(path.sep)[0]).toBe(truth.get(path.basename(file)));
  for (const name of unsure) expect([...evaluationFiles, ...trainFiles].some((f) => f.endsWith(name))).toBe(false);
  expect(await fs.readFile(path.join(destination, 'huggingface', 'train', 'metadata.csv'), 'utf8')).toMatch(/^file_name,label,path,sha256\n/);
  expect(await listed(path.join(destination, 'huggingface', 'test'))).toHaveLength(EVALUATION);

  // A fresh project of the same photos: import the split ImageFolder; every label comes back.
  const second = path.join(spec.work, 'second');
  await copyPhotos(second);
  await createProject(page, second);
  await page.keyboard.press('Alt+6');
  await page.getByRole('button', { name: 'Import labels…' }).click();
  const importDialog = page.getByRole('dialog', { name: 'Import labels or suggestions' });
  await importDialog.getByLabel('File or folder').fill(path.join(destination, 'images'));
  await expect(importDialog.getByTestId('import-path-status')).toContainText('A folder: one sub-folder per class');
  await importDialog.getByRole('checkbox', { name: 'Create classes that do not exist yet' }).check();
  await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
  const report = importDialog.getByTestId('import-report');
  await expect(report).toContainText(/Labeled\s*\d+/);
  await expect(importDialog.getByTestId('import-format')).toContainText('class folders inside split folders (evaluation, train), matched by content');
  await expect(report).toContainText(new RegExp(`Labeled\\s*${labeled}`));
  await expect(report).toContainText(/Not applied\s*0/);
  // The evaluation split is held out again: its photos form the new project's evaluation set.
  await expect(report).toContainText(new RegExp(`To evaluation set\\s*${EVALUATION}`));
  await shot(page, 'formats-import-report.png');
  await importDialog.getByRole('button', { name: 'Close' }).click();
  // The header splits them as the class bar does: the training labels, then the evaluation ones.
  await expect(page.getByTestId('labeled-count')).toHaveText(`${labeled - EVALUATION} labeled +${EVALUATION} eval`);

  // Each class's gallery filter holds exactly its photos.
  await page.keyboard.press('Alt+2');
  for (const cls of ['ants', 'bees'] as const) {
    const expected = [...truth].filter(([name, c]) => c === cls && !unsure.includes(name)).map(([name]) => name);
    await page.getByRole('button', { name: `Only ${cls} (${expected.length})` }).click();
    await expect(page.getByTestId('gallery-count')).toHaveText(`${expected.length} images`);
    for (const name of expected) await expect(page.getByRole('button', { name: `${name}, ${cls}` })).toBeVisible();
  }

  // In the gallery, '.' marks the selection unsure (the photos left unsure in the first project
  // came back unlabeled); in the Unsure filter, Ctrl+A and '.' take the marks away again.
  await page.getByRole('button', { name: /^Unlabeled/ }).click();
  await expect(page.getByTestId('gallery-count')).toHaveText(`${unsure.length} images`);
  await page.getByRole('button', { name: `${unsure[0]}, unlabeled` }).click();
  await page.keyboard.press('.');
  await expect(page.getByText('Marked 1 image unsure.')).toBeVisible();
  await expect(page.getByRole('button', { name: `${unsure[0]}, unsure` })).toHaveCount(0); // it left the Unlabeled filter
  await page.getByRole('button', { name: /^Unsure/ }).click();
  await expect(page.getByRole('button', { name: `${unsure[0]}, unsure` })).toBeVisible();
  await page.getByRole('button', { name: `${unsure[0]}, unsure` }).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('.');
  await expect(page.getByText('Took the unsure mark from 1 image.')).toBeVisible();
  await expect(page.getByText('No images match this filter.')).toBeVisible();

  // Another model's predictions as suggestions, listed by file in the dialog, then cleared.
  const predictions = path.join(spec.work, 'other-model.csv');
  const predicted = [...truth.keys()].slice(0, 3);
  await fs.writeFile(predictions, ['path,class,probability', ...predicted.map((name) => `${name},ants,0.8`)].join('\n'));
  const openSuggestions = async () => {
    await page.keyboard.press('Alt+6');
    await page.getByRole('button', { name: 'Import labels…' }).click();
    await importDialog.getByRole('radio', { name: /Suggestions/ }).check();
  };
  await openSuggestions();
  await expect(importDialog.getByTestId('imported-suggestions-none')).toBeVisible();
  await importDialog.getByLabel('File or folder').fill(predictions);
  await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importDialog.getByTestId('import-report')).toContainText(/Suggestions\s*3/);
  await importDialog.getByRole('button', { name: 'Close' }).click();
  await openSuggestions();
  const sources = importDialog.getByTestId('imported-suggestions');
  await expect(sources).toContainText('other-model.csv');
  await expect(sources).toContainText('Imported so far (3 suggestions)');
  await sources.getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(importDialog.getByRole('alert')).toContainText('Remove 3 imported suggestions from');
  await shot(page, 'formats-clear-suggestions.png');
  await importDialog.getByTestId('confirm-clear-suggestions').click();
  await expect(importDialog.getByTestId('imported-suggestions-none')).toBeVisible();
  await importDialog.getByRole('button', { name: 'Cancel' }).click();
  expect(problems).toEqual([]);
});
