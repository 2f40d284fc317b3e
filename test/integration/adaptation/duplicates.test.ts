/**
 * Duplicates end to end through the request handlers, on real photos with planted copies:
 * groups (exact and near) at the project threshold, "more like this", a batch that skips
 * copies of labeled images, and evaluation leakage with its fix. MobileNet v1 0.25 and
 * hymenoptera photos from ../shared, read in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import type { ImageItem } from '../../../src-shared/contract';
import { handlerCaller } from '../../support/handler-calls';
import { until } from '../../support/until';
import { tempDir } from '../../support/image-folder';

/** Waits on the real engine (features, training, queries): polled, and given longer than a unit test's state. */
const engineWork = { paceMs: 150, limitMs: 120_000 };

const SHARED = path.resolve(__dirname, '../../../../shared');
const MODEL = path.join(SHARED, 'models/mobilenet_v1_0.25_224');
const PHOTOS = path.join(SHARED, 'data/hymenoptera/val');
const available = fs.existsSync(path.join(MODEL, 'model.json')) && fs.existsSync(PHOTOS);

let workspace: Workspace;
let handlers: Handlers;
let root: string;
/** Planted copies: copy's relative path → original's. */
const copyOf = new Map<string, string>();
let antId = 0;

const call = handlerCaller(() => handlers);

async function allImages(): Promise<ImageItem[]> {
  return (await call('images:list', { filter: { kind: 'all' }, offset: 0, limit: 5000 })).items;
}

beforeAll(async () => {
  if (!available) return;
  root = tempDir('adma-dup-');
  for (const cls of ['ants', 'bees']) {
    fs.mkdirSync(path.join(root, cls));
    for (const file of fs.readdirSync(path.join(PHOTOS, cls)).sort().slice(0, 25)) fs.copyFileSync(path.join(PHOTOS, cls, file), path.join(root, cls, file));
  }
  fs.mkdirSync(path.join(root, 'copies'));
  const originals = ['ants', 'bees'].flatMap((cls) => fs.readdirSync(path.join(root, cls)).sort().slice(0, 3).map((f) => `${cls}/${f}`));
  for (const [k, rel] of originals.entries()) {
    const source = path.join(root, rel);
    const recoded = `copies/recoded-${k}.jpg`;
    await sharp(source).rotate().jpeg({ quality: 40 }).toFile(path.join(root, recoded));
    copyOf.set(recoded, rel);
    const same = `copies/same-${k}${path.extname(rel)}`;
    fs.copyFileSync(source, path.join(root, same));
    copyOf.set(same, rel);
    if (k === 0) continue; // the first original keeps two copies only ("more like this" below)
    const { width = 0 } = await sharp(source).metadata();
    const half = `copies/half-${k}.jpg`;
    await sharp(source).rotate().resize(Math.round(width / 2)).jpeg({ quality: 90 }).toFile(path.join(root, half));
    copyOf.set(half, rel);
    const brighter = `copies/brighter-${k}.jpg`;
    await sharp(source).rotate().modulate({ brightness: 1.2 }).jpeg({ quality: 90 }).toFile(path.join(root, brighter));
    copyOf.set(brighter, rel);
  }
  workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, seed: 7 });
  handlers = createHandlers(workspace);
  await call('project:open', { path: root, create: true });
  await workspace.rescan();
  antId = (await call('classes:create', { name: 'ant' })).id;
  await call('classes:create', { name: 'bee' });
});

afterAll(async () => {
  await workspace?.shutdown();
});

describe.skipIf(!available)('duplicates (MobileNet v1 0.25 on 50 hymenoptera photos and 22 planted copies)', () => {
  it('groups exact copies before features exist, and exact and near copies once they do', async () => {
    const early = await call('duplicates:groups', {});
    expect(early.compared).toBe(0);
    expect(early.groups.every((g) => g.kind === 'exact')).toBe(true);
    expect(early.groups).toHaveLength(6);

    await call('engine:chooseModel', { choice: { kind: 'folder', path: MODEL } });
    await until('features', async () => (await call('engine:status')).features.state === 'complete', engineWork);
    // The all-pairs search is a `duplicates` job: it reports its progress and its end.
    const jobEvents: string[] = [];
    const unsubscribe = workspace.events.subscribe((event, payload) => {
      if (event.startsWith('job:') && (payload as { kind: string }).kind === 'duplicates') jobEvents.push(event);
    });
    const report = await call('duplicates:groups', {});
    unsubscribe();
    expect(jobEvents[0]).toBe('job:progress');
    expect(jobEvents[jobEvents.length - 1]).toBe('job:completed');
    expect(await call('duplicates:cancel')).toEqual({ cancelled: false });
    expect(report.minSimilarity).toBe(0.7);
    expect(report.compared).toBe(72);
    expect(report.minThumbnailCorrelation).toBe(0.95);
    // One group per original: it and every copy of it (byte-identical, re-encoded, and for five of them half size and brighter).
    expect(report.groups).toHaveLength(6);
    for (const group of report.groups) {
      const paths = group.items.map((i) => i.relPath).sort();
      const original = paths.find((p) => !p.startsWith('copies/')) as string;
      const copies = [...copyOf].filter(([, of]) => of === original).map(([copy]) => copy);
      expect(paths.filter((p) => p.startsWith('copies/')).sort()).toEqual(copies.sort());
      expect(group.kind).toBe('near');
      expect(paths).toHaveLength(copies.length + 1);
      // The similarities of the pairs that joined it: all passed the threshold; the byte-identical copy and its original are alike as 1.
      expect(group.minSimilarity).toBeGreaterThanOrEqual(report.minSimilarity);
      expect(group.minSimilarity).toBeLessThan(group.maxSimilarity);
      expect(group.maxSimilarity).toBeCloseTo(1, 5);
    }
  });

  it('moves the threshold with the project setting', async () => {
    await call('loop:updateSettings', { duplicateSimilarity: 1 });
    const strict = await call('duplicates:groups', {});
    expect(strict.minSimilarity).toBe(1);
    // Only the byte-identical copies remain at similarity 1 (a re-encoded copy is a little off).
    expect(strict.groups.every((g) => g.kind === 'exact' && g.items.length === 2)).toBe(true);
    await call('loop:updateSettings', { duplicateSimilarity: 0.7 });
  });

  it('shows more like this, most similar first, with the planted copies on top', async () => {
    const images = await allImages();
    const original = images.find((i) => i.relPath === copyOf.get('copies/recoded-0.jpg')) as ImageItem;
    const similar = await call('duplicates:similar', { imageId: original.id, count: 10 });
    expect(similar).toHaveLength(10);
    expect(similar.map((s) => s.similarity)).toEqual([...similar.map((s) => s.similarity)].sort((a, b) => b - a));
    expect(new Set(similar.slice(0, 2).map((s) => s.relPath))).toEqual(new Set(['copies/recoded-0.jpg', 'copies/same-0' + path.extname(original.relPath)]));
    expect(similar.slice(0, 2).every((s) => s.duplicate)).toBe(true);
    expect(similar.slice(2).filter((s) => s.duplicate).map((s) => `${s.relPath} ${s.similarity}`)).toEqual([]);
  });

  it('never queries a copy (re-encoded, half size, brighter, byte-identical) of a labeled image, nor two copies of one image in a batch', async () => {
    const images = await allImages();
    const originals = images.filter((i) => [...copyOf.values()].includes(i.relPath));
    await call('labels:set', { imageIds: originals.slice(0, 3).map((i) => i.id), classId: antId });
    await call('loop:updateSettings', { batchSize: 40, strategy: 'adma' });
    const round = await call('loop:nextRound');
    expect(round.items).toHaveLength(40);
    const picked = new Set(round.items.map((i) => i.relPath));
    const labeledPaths = new Set(originals.slice(0, 3).map((i) => i.relPath));
    for (const [copy, original] of copyOf) {
      if (labeledPaths.has(original)) expect(picked.has(copy), `${copy} copies a labeled image`).toBe(false);
      else expect(picked.has(copy) && picked.has(original), `${copy} and ${original} in one batch`).toBe(false);
    }
  });

  it('warns when an evaluation image copies a training image, and the fix replaces it with a fresh one', async () => {
    const images = await allImages();
    const labeledOriginal = images.find((i) => i.relPath === copyOf.get('copies/recoded-0.jpg')) as ImageItem;
    const leakedCopy = images.find((i) => i.relPath === 'copies/recoded-0.jpg') as ImageItem;
    expect((await call('duplicates:leakage')).pairs).toEqual([]);
    // Put the copy into the evaluation set directly (as an older sample could have).
    workspace.adaptation().store.addEvaluation([leakedCopy.id]);
    await call('evaluation:sample', { count: 5 });
    const leakage = await call('duplicates:leakage');
    expect(leakage.nearChecked).toBe(true);
    expect(leakage.leakedEvaluationIds).toContain(leakedCopy.id);
    expect(leakage.pairs.map((p) => [p.evaluation.id, p.training.id])).toContainEqual([leakedCopy.id, labeledOriginal.id]);

    const before = (await call('dashboard:get')).evaluation.size;
    const fixed = await call('duplicates:fixLeakage');
    const leaked = leakage.leakedEvaluationIds.length;
    expect(fixed).toMatchObject({ removed: leaked, added: leaked, size: before });
    expect((await call('duplicates:leakage')).pairs).toEqual([]);
    const evaluation = (await call('images:list', { filter: { kind: 'evaluation' }, offset: 0, limit: 100 })).items.map((i) => i.relPath);
    expect(evaluation).not.toContain('copies/recoded-0.jpg');
    expect(evaluation.filter((p) => p.startsWith('copies/') && labeledOriginal.relPath === copyOf.get(p))).toEqual([]);
  });
});
