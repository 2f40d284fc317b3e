/**
 * An ONNX model folder chosen as a person would (issue 10): the folder is inspected, the
 * preprocessing form shows the defaults read from the graph's input, bad values are said
 * at once and keep "Use this model" disabled, a size the graph cannot run is refused by the
 * back end with its reason, and the corrected choice is then the model in use, its features
 * extracted. The graph is a tiny ResNet-like classifier ending at its logits, written here.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SIZE, tinyClassifier } from '../support/tiny-onnx';
import { makeImageFolder } from './support/image-folder';
import { chooseModelFolderInAdapt } from './support/model-step';
import { watchProblems } from './support/page-problems';
import { webHostForSpec } from './support/web-host';
import { SHOTS } from './support/paths';


let modelDir = '';
let images = '';

// A model folder holding a small ONNX classifier without a Softmax, and an image folder.
const spec = webHostForSpec('adma-e2e-onnx-', async (work) => {
  modelDir = path.join(work, 'model');
  await fs.mkdir(modelDir);
  await fs.writeFile(path.join(modelDir, 'resnet-like.onnx'), tinyClassifier('NCHW', { softmax: false }));
  images = await makeImageFolder(6, path.join(work, 'images-'));
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

test('an ONNX folder: preprocessing defaults from the graph, bad values said, the model then in use', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(spec.host.url);
  await page.getByLabel('Project folder').fill(images);
  await expect(page.getByTestId('path-status')).toContainText('create one');
  await page.getByRole('button', { name: 'Create project' }).click();
  const field = await chooseModelFolderInAdapt(page);
  await field.fill(modelDir);
  await page.getByRole('button', { name: 'Inspect' }).click();
  const picker = page.getByRole('group', { name: 'Layer picker' });
  await expect(picker).toBeVisible({ timeout: 60_000 });
  // A graph without a Softmax node: its logits are proposed as the source output.
  await expect(page.getByLabel(/^Softmax/)).toHaveValue('logits');
  await expect(page.getByLabel(/^Layer B/)).toHaveValue('flat');

  const form = page.getByRole('group', { name: 'ONNX preprocessing' });
  await expect(form).toContainText('resnet-like.onnx: input “image” [batch, 3, 8, 8]');
  const height = form.getByLabel('Height');
  const width = form.getByLabel('Width');
  await expect(height).toHaveValue(String(SIZE));
  await expect(width).toHaveValue(String(SIZE));
  await expect(form.getByLabel('Scaling')).toHaveValue('imagenet');
  await expect(form.getByLabel('Channel order')).toHaveValue('RGB');
  await expect(form.getByLabel('Layout')).toHaveValue('NCHW');
  const card = (await page.getByRole('region', { name: 'Model' }).boundingBox())!;
  const box = (await form.boundingBox())!;
  expect(box.x + box.width, 'the preprocessing form overflows the model panel').toBeLessThanOrEqual(card.x + card.width + 0.5);
  const use = page.getByRole('button', { name: 'Use this model' });
  await expect(use).toBeEnabled();

  // Bad values are said at once, and nothing can be chosen with them.
  await height.fill('0');
  const problem = form.getByRole('alert');
  await expect(problem).toHaveText('Height must be a whole number of pixels from 1 to 4096.');
  await expect(height).toHaveAttribute('aria-invalid', 'true');
  await expect(use).toBeDisabled();
  await height.fill('');
  await expect(problem).toHaveText(/^Height must/);
  await expect(use).toBeDisabled();
  await height.fill('16');
  await width.fill('99999');
  await expect(problem).toHaveText('Width must be a whole number of pixels from 1 to 4096.');
  await expect(use).toBeDisabled();
  await shot(page, 'onnx-preprocessing-invalid.png');

  // A valid size the graph cannot run (its input is fixed at 8x8): the back end says why, nothing is chosen.
  await width.fill('16');
  await expect(problem).toBeHidden();
  await use.click();
  const refused = page.getByTestId('model-error');
  await expect(refused).toContainText('could not run', { timeout: 60_000 });
  await expect(refused).toContainText('Check the input size and layout');
  await expect(page.getByTestId('folder-model')).toHaveCount(0);
  await shot(page, 'onnx-preprocessing-refused.png');

  // Corrected: the model is in use and its features are extracted on ONNX Runtime.
  await height.fill(String(SIZE));
  await width.fill(String(SIZE));
  await form.getByLabel('Scaling').selectOption('unit');
  await use.click();
  await expect(page.getByTestId('folder-model')).toContainText('In use', { timeout: 60_000 });
  await expect(page.getByTestId('folder-model')).toContainText('resnet-like.onnx (ONNX)');
  await expect(refused).toHaveCount(0);
  await expect(page.getByTestId('engine-summary')).toContainText('features ready', { timeout: 120_000 });
  await expect(page.getByTestId('engine-backend')).toContainText('ONNX Runtime');
  await shot(page, 'onnx-model-in-use.png');
  expect(problems).toEqual([]);
});
