import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoDir, readDemoSet, writeDemoSet } from '../../../src-main/engine/starter/demo-set';
import { decodeGrayPng } from '../../../src-main/engine/starter/gray-png';
import { loadMnistDigits } from '../../../src-main/engine/starter/mnist-source';

describe('the shipped demo set', () => {
  let work = '';
  const demoDir = findDemoDir();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'adma-demo-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('is found in resources/demo and holds 300 digits, 30 of each', async () => {
    expect(demoDir).not.toBeNull();
    const { index, images } = await readDemoSet(demoDir as string);
    expect(images.length).toBe(300);
    expect(index.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (let d = 0; d < 10; d++) expect(images.filter((i) => i.label === d).length).toBe(30);
    expect(new Set(images.map((i) => i.sourceId)).size).toBe(300);
    expect(new Set(images.map((i) => i.file)).size).toBe(300);
  });

  it('decodes to exactly the MNIST digits its index names', async () => {
    const { images } = await readDemoSet(demoDir as string);
    const byId = new Map((await loadMnistDigits()).map((d) => [d.id, d]));
    for (const item of images) {
      const source = byId.get(item.sourceId);
      expect(source?.label).toBe(item.label);
      expect(Buffer.from(item.image.pixels).equals(Buffer.from(source?.pixels ?? []))).toBe(true);
    }
  }, 60_000);

  it('writes a class-less folder of readable PNGs and returns the true labels separately', async () => {
    const dest = join(work, 'flat');
    const labelsFile = join(work, 'labels.json');
    const result = await writeDemoSet(demoDir as string, dest, { labelsFile });
    const names = (await readdir(dest)).sort();
    expect(names.length).toBe(300);
    expect(names.every((n) => /^digit-\d{4}\.png$/.test(n))).toBe(true);
    expect(result.files.map((f) => f.path).sort()).toEqual(names);
    const counts = new Map<string, number>();
    for (const f of result.files) counts.set(f.label, (counts.get(f.label) ?? 0) + 1);
    expect([...counts.values()]).toEqual(new Array(10).fill(30));
    expect(JSON.parse(await readFile(labelsFile, 'utf8'))).toEqual(result.files);
    for (const name of names.slice(0, 20)) {
      const image = await decodeGrayPng(join(dest, name));
      expect([image.width, image.height, image.pixels.length]).toEqual([28, 28, 784]);
    }
  });

  it('writes an ImageFolder layout for the simulator', async () => {
    const dest = join(work, 'image-folder');
    const result = await writeDemoSet(demoDir as string, dest, { layout: 'image-folder' });
    const folders = (await readdir(dest)).sort();
    expect(folders).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const folder of folders) expect((await readdir(join(dest, folder))).length).toBe(30);
    expect(result.files.every((f) => f.path.startsWith(`${f.label}/digit-`))).toBe(true);
    expect(result.labelsFile).toBeNull();
  });
});
