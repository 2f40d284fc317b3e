/**
 * Issue 14's walk through the trust features in one project, in Chromium against the built web
 * host, on real photos (../shared/data/hymenoptera) with planted copies: the Duplicates view
 * groups each original with its copies and a group is labeled at once; a labels CSV (with an
 * evaluation split and three wrong labels) labels the rest; after one training the Suspect
 * labels view lists the wrong labels it finds and Enter relabels each with the suggestion;
 * the labels are exported as an ImageFolder with a train/evaluation split, and imported into a
 * fresh project of the same photos: every label and the evaluation set come back.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { createClasses, createProjectWithModelFolder, decideModelLater } from './support/model-step';
import { openImageFolderExport } from './support/export-dialog';
import { watchProblems } from './support/page-problems';
import { selectSuspect, suspectFiles } from './support/suspects';
import { webHostForSpec } from './support/web-host';
import { HYMENOPTERA_VAL as PHOTOS, MOBILENET_025 as MODEL, photosAndModelAvailable as available, SHOTS } from './support/paths';

const PER_CLASS = 14;
const EVALUATION = 4;

type Cls = 'ant' | 'bee';
/** Relative path in the project → true class, copies included. */
const truth = new Map<string, Cls>();
/** The originals that got copies, and their copies. */
const copiesOf = new Map<string, string[]>();

test.skip(!available, `skipped: the shared model ${MODEL} or photos ${PHOTOS} are absent`);

/** The photos (and planted copies) into `folder`, the same bytes every time. */
async function writePhotos(folder: string): Promise<void> {
  for (const [dir, cls] of [['ants', 'ant'], ['bees', 'bee']] as const) {
    await fs.mkdir(path.join(folder, dir), { recursive: true });
    for (const file of (await fs.readdir(path.join(PHOTOS, dir))).filter((f) => f.endsWith('.jpg')).sort().slice(0, PER_CLASS)) {
      await fs.copyFile(path.join(PHOTOS, dir, file), path.join(folder, dir, file));
      truth.set(`${dir}/${file}`, cls);
    }
  }
  await fs.mkdir(path.join(folder, 'copies'), { recursive: true });
  for (const [k, original] of ['ants', 'bees'].map((dir) => [...truth.keys()].filter((p) => p.startsWith(`${dir}/`))[2]!).entries()) {
    const recoded = `copies/recoded-${k}.jpg`;
    const same = `copies/same-${k}.jpg`;
    await sharp(path.join(folder, original)).rotate().jpeg({ quality: 40 }).toFile(path.join(folder, recoded));
    await fs.copyFile(path.join(folder, original), path.join(folder, same));
    for (const copy of [recoded, same]) truth.set(copy, truth.get(original)!);
    copiesOf.set(original, [recoded, same]);
  }
}

const spec = webHostForSpec('adma-e2e-trustflow-', (work) => writePhotos(path.join(work, 'first')));

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

async function importLabels(page: Page, file: string, createClasses: boolean): Promise<void> {
  // The key's effect is a state: the Dashboard shown. A key the page did not act on fails here at
  // once, not after the test's ten minutes at the button below.
  await page.keyboard.press('Alt+6');
  await expect(page.getByRole('tab', { name: /Dashboard/ })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Import labels…' }).click({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Import labels or suggestions' });
  await dialog.getByLabel('File or folder').fill(file);
  await expect(dialog.getByTestId('import-path-status')).not.toBeEmpty();
  if (createClasses) await dialog.getByRole('checkbox', { name: 'Create classes that do not exist yet' }).check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  // An import job reads and hashes every file of a folder (matching by content): on a loaded
  // machine (load average ~20 on 2 cores) it read 0.5-4 files/s, far over 5 s for these 32 photos.
  await expect(dialog.getByTestId('import-report')).toContainText(/Labeled\s*\d+/, { timeout: 5 * 60_000 });
}

test('duplicates, suspect labels, relabel, export with a split, import into a fresh project', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const problems = watchProblems(page);
  await page.goto(spec.host.url);

  // A project with the MobileNet v1 0.25 model folder; classes ant and bee.
  await createProjectWithModelFolder(page, path.join(spec.work, 'first'), MODEL);
  await createClasses(page, ['ant', 'bee']);

  // 1. Duplicates: each original with its two copies; each group labeled at once with its class.
  await page.keyboard.press('Alt+8');
  const groups = page.getByTestId('duplicate-group');
  await expect(groups).toHaveCount(2, { timeout: 60_000 });
  for (const group of await groups.all()) {
    await expect(group.getByTestId('duplicate-item')).toHaveCount(3);
    const titles = await group.getByTestId('duplicate-item').evaluateAll((nodes) => nodes.map((n) => (n.getAttribute('title') ?? '').split(' — ')[0]!));
    const original = titles.find((t) => copiesOf.has(t))!;
    expect(titles.sort()).toEqual([original, ...copiesOf.get(original)!].sort());
    const cls = truth.get(original)!;
    await group.getByRole('toolbar', { name: 'Label the whole group' }).getByRole('button', { name: cls }).click();
    for (const item of await group.getByTestId('duplicate-item').all()) await expect(item).toContainText(cls);
  }
  await shot(page, 'trustflow-duplicates.png');

  // 2. The other photos from a labels CSV: four go to the evaluation split, three training
  //    labels are wrong (the other class).
  const rest = [...truth.keys()].filter((p) => !p.startsWith('copies/') && !copiesOf.has(p));
  const other = (cls: Cls): Cls => (cls === 'ant' ? 'bee' : 'ant');
  const evaluation = [rest[0]!, rest[1]!, rest[rest.length - 1]!, rest[rest.length - 2]!];
  const training = rest.filter((p) => !evaluation.includes(p));
  const wrong = [training[3]!, training[7]!, training[training.length - 4]!];
  const csv = path.join(spec.work, 'labels.csv');
  await fs.writeFile(
    csv,
    [
      'path,class,split',
      ...evaluation.map((p) => `${p},${truth.get(p)},evaluation`),
      ...training.map((p) => `${p},${wrong.includes(p) ? other(truth.get(p)!) : truth.get(p)},training`),
      '',
    ].join('\n'),
  );
  await importLabels(page, csv, false);
  const importDialog = page.getByRole('dialog', { name: 'Import labels or suggestions' });
  await expect(importDialog.getByTestId('import-report')).toContainText(new RegExp(`Labeled\\s*${rest.length}`));
  await expect(importDialog.getByTestId('import-report')).toContainText(new RegExp(`To evaluation set\\s*${EVALUATION}`));
  await importDialog.getByRole('button', { name: 'Close' }).click();
  const labeled = truth.size;
  await expect(page.getByTestId('labeled-count')).toHaveText(`${labeled - EVALUATION} labeled +${EVALUATION} eval`);

  // 3. One training, then the suspect labels: every wrong label the check lists is relabeled
  //    with its suggestion by Enter (the true class); at least two of the three are listed.
  await page.keyboard.press('Alt+5');
  await page.getByRole('button', { name: 'Train now' }).click();
  await expect(page.getByText(/Version [1-9]/)).toBeVisible({ timeout: 5 * 60_000 });
  await page.keyboard.press('Alt+7');
  await page.getByTestId('check-labels').click();
  const items = page.getByTestId('suspect');
  await expect(items.first()).toBeVisible({ timeout: 5 * 60_000 });
  await shot(page, 'trustflow-suspects.png');
  const listed = await suspectFiles(page);
  const found = wrong.filter((p) => listed.includes(path.basename(p)));
  expect(found.length, `wrong labels ${wrong.join(', ')}; listed ${listed.join(', ')}`).toBeGreaterThanOrEqual(2);
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  for (const p of found) {
    const index = listed.indexOf(path.basename(p));
    await selectSuspect(page, index);
    const item = page.locator(`[data-testid="suspect"][data-index="${index}"]`);
    await expect(page.getByTestId('suggested-class')).toHaveText(truth.get(p)!);
    await page.keyboard.press('Enter');
    await expect(item.getByTestId('suspect-status')).toHaveText(`now ${truth.get(p)}`);
  }
  const stillWrong = wrong.filter((p) => !found.includes(p));

  // 4. Export the labels as an ImageFolder split into train and evaluation.
  const destination = path.join(spec.work, 'export');
  const dialog = await openImageFolderExport(page, destination);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  const files = async (dir: string): Promise<string[]> => ((await fs.readdir(dir, { recursive: true })) as string[]).filter((f) => f.endsWith('.jpg'));
  const evaluationFiles = await files(path.join(destination, 'images', 'evaluation'));
  const trainFiles = await files(path.join(destination, 'images', 'train'));
  expect(evaluationFiles).toHaveLength(EVALUATION);
  expect(trainFiles).toHaveLength(labeled - EVALUATION);
  // Every exported photo sits in its class folder, the relabeled ones included (the export
  // names a file by its path in the project, '/' written '__').
  const exportedName = (relPath: string): string => relPath.replaceAll('/', '__');
  const classOfFile = new Map([...truth].map(([p, cls]) => [exportedName(p), cls]));
  const misplaced = [...evaluationFiles, ...trainFiles].filter((f) => f.split(path.sep)[0] !== classOfFile.get(path.basename(f)));
  expect(misplaced.map((f) => path.basename(f)).sort()).toEqual(stillWrong.map(exportedName).sort());

  // 5. A fresh project of the same photos: the split ImageFolder brings every label and the
  //    evaluation set back.
  await page.getByRole('button', { name: 'Close project' }).click();
  const second = path.join(spec.work, 'second');
  await writePhotos(second);
  await page.getByLabel('Project folder').fill(second);
  await page.getByRole('button', { name: 'Create project' }).click();
  await decideModelLater(page);
  await expect(page.getByTestId('project-counts')).toContainText(`${truth.size} images`, { timeout: 60_000 });
  await importLabels(page, path.join(destination, 'images'), true);
  const report = page.getByRole('dialog', { name: 'Import labels or suggestions' }).getByTestId('import-report');
  await expect(report).toContainText(new RegExp(`Labeled\\s*${labeled}`));
  await expect(report).toContainText(/Not applied\s*0/);
  await expect(report).toContainText(new RegExp(`To evaluation set\\s*${EVALUATION}`));
  await shot(page, 'trustflow-reimport.png');
  await page.getByRole('dialog', { name: 'Import labels or suggestions' }).getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('labeled-count')).toHaveText(`${labeled - EVALUATION} labeled +${EVALUATION} eval`);
  // Each class's gallery filter holds as many photos as the first project gave that class.
  await page.keyboard.press('Alt+2');
  for (const cls of ['ant', 'bee'] as const) {
    const count = [...truth].filter(([p, c]) => (stillWrong.includes(p) ? other(c) : c) === cls).length;
    await page.getByRole('button', { name: `Only ${cls} (${count})` }).click();
    await expect(page.getByTestId('gallery-count')).toHaveText(`${count} images`);
  }
  expect(problems).toEqual([]);
});
