/**
 * The active loop end to end through the request handlers (the same path the UI takes):
 * model choice, background extraction, rounds, automatic training, suggestions, the
 * evaluation set and its learning curve, continuous mode, export, import, reopening.
 * Uses MobileNet v1 0.25 and real photos from ../shared, read in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import type { Dashboard } from '../../../src-shared/contract';
import { shareOf } from '../../../src-shared/confusion-matrix';
import { FeatureStore, featureCacheDir } from '../../../src-main/engine/features/feature-store';
import { symmetryViews } from '../../../src-main/engine/features/symmetry-views';
import { handlerCaller } from '../../support/handler-calls';
import { until } from '../../support/until';
import { tempDir } from '../../support/image-folder';

/** Waits on the real engine (features, training, queries): polled, and given longer than a unit test's state. */
const engineWork = { paceMs: 150, limitMs: 120_000 };

const SHARED = path.resolve(__dirname, '../../../../shared');
const MODEL = path.join(SHARED, 'models/mobilenet_v1_0.25_224');
const PHOTOS = path.join(SHARED, 'data/hymenoptera/train');
const available = fs.existsSync(path.join(MODEL, 'model.json')) && fs.existsSync(PHOTOS);

let workspace: Workspace;
let handlers: Handlers;
let root: string;
const classOf = new Map<string, number>();

const call = handlerCaller(() => handlers);

const truth = (relPath: string): number => classOf.get(relPath.split('/')[0] as string) as number;

/** The dashboard once every version is scored on the current evaluation labels (it scores them in the background). */
const scoredDashboard = (): Promise<Dashboard> =>
  until('every version scored on the evaluation set', async () => {
    const board = await call('dashboard:get');
    return board.scoring.length === 0 && board;
  }, { paceMs: 20 });

function openWorkspace(): void {
  // A fixed seed: the evaluation sample (12 images) and the picks are the same on every run, so the accuracy check cannot flake.
  workspace = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {}, seed: 20181 });
  handlers = createHandlers(workspace);
}

beforeAll(async () => {
  if (!available) return;
  root = tempDir('adma-loop-');
  for (const cls of ['ants', 'bees']) {
    fs.mkdirSync(path.join(root, cls));
    for (const file of fs.readdirSync(path.join(PHOTOS, cls)).sort().slice(0, 60)) {
      fs.copyFileSync(path.join(PHOTOS, cls, file), path.join(root, cls, file));
    }
  }
  openWorkspace();
  await call('project:open', { path: root, create: true });
  await workspace.rescan();
  classOf.set('ants', (await call('classes:create', { name: 'ant' })).id);
  classOf.set('bees', (await call('classes:create', { name: 'bee' })).id);
});

afterAll(async () => {
  await workspace?.shutdown();
});

describe.skipIf(!available)('the active loop (MobileNet v1 0.25 on 120 hymenoptera photos)', () => {
  it('refuses to query before a model is chosen, then extracts features in the background', async () => {
    await expect(call('loop:nextRound')).rejects.toThrow(/CONFLICT: Choose a pre-trained model/);
    await expect(call('engine:chooseModel', { choice: { kind: 'folder', path: tempDir() } })).rejects.toThrow(/MODEL_INVALID|NOT_FOUND/);
    const chosen = await call('engine:chooseModel', { choice: { kind: 'folder', path: MODEL } });
    expect(chosen.modelId).toBe('mobilenet_v1_0.25_224');
    expect(chosen.backend).toMatch(/WebAssembly|tfjs-node|cpu/);
    const done = await until('features', async () => {
      const s = await call('engine:status');
      return s.features.state === 'complete' ? s : null;
    }, engineWork);
    expect(done.features).toMatchObject({ done: 120, total: 120, failed: 0 });
  });

  it('queries round 0 by distinctiveness alone (λ0 = 0, no uncertainty yet)', async () => {
    // ADMA (paper) chosen explicitly: the product default is the recommended strategy.
    await call('loop:updateSettings', { batchSize: 6, strategy: 'adma' });
    const round = await call('loop:nextRound');
    expect(round).toMatchObject({ index: 0, lambda: 0, batchSize: 6, strategy: 'adma', modelVersion: 0, labeled: 0 });
    expect(round.items).toHaveLength(6);
    for (const item of round.items) {
      expect(item.distinctiveness).toBeGreaterThanOrEqual(0);
      expect(item.distinctiveness).toBeLessThanOrEqual(1);
      expect(item.uncertainty).toBeNull();
      expect(item.reason).toMatch(/\w/);
    }
  });

  it('trains when the batch is labeled and queries the next round with suggestions', async () => {
    for (let r = 0; r < 3; r++) {
      const round = (await call('loop:currentRound'))!;
      // Make sure both classes appear early so a classifier can exist.
      for (const item of round.items) await call('labels:set', { imageIds: [item.imageId], classId: truth(item.relPath) });
      const next = await until('the next round', async () => {
        const current = await call('loop:currentRound');
        return current && current.id !== round.id ? current : null;
      }, engineWork);
      expect(next.index).toBe(round.index + 1);
      const queried = new Set(round.items.map((i) => i.imageId));
      expect(next.items.some((i) => queried.has(i.imageId))).toBe(false);
    }
    const status = await call('engine:status');
    expect(status.modelVersion).toBeGreaterThanOrEqual(2);
    const round = (await call('loop:currentRound'))!;
    expect(round.lambda).toBeGreaterThan(0);
    expect(round.items.every((i) => i.uncertainty !== null && i.suggestion !== null)).toBe(true);
    const suggestion = await call('loop:suggestion', { imageId: round.items[0]!.imageId });
    expect([...classOf.values()]).toContain(suggestion!.classId);
    expect(suggestion!.probability).toBeGreaterThan(0.4);
  });

  it('keeps the evaluation set out of queries and training, and says accuracy is unknown until it is labeled', async () => {
    const before = await call('dashboard:get');
    expect(before.accuracyKnown).toBe(false);
    expect(before.curve).toEqual([]);
    const sample = await call('evaluation:sample', { count: 12 });
    expect(sample).toEqual({ added: 12, size: 12 });
    const evaluation = await call('images:list', { filter: { kind: 'evaluation' }, offset: 0, limit: 100 });
    const evalIds = new Set(evaluation.items.map((i) => i.id));
    const queried = new Set((await call('loop:rounds', { limit: 100 })).flatMap((r) => r.items.map((i) => i.imageId)));
    expect([...evalIds].some((id) => queried.has(id))).toBe(false);
    for (const item of evaluation.items) await call('labels:set', { imageIds: [item.id], classId: truth(item.relPath) });
    const after = await scoredDashboard();
    expect(after.accuracyKnown).toBe(true);
    expect(after.evaluation).toMatchObject({ size: 12, labeled: 12 });
    // Its room: half of the images that are not training labels, less what it holds.
    const room = after.evaluation;
    expect(room.notTraining).toBe(120 - after.trainingLabels);
    expect(room.cap).toBe(Math.floor(room.notTraining / 2));
    expect(room.max).toBe(Math.min(room.cap - 12, room.candidates));
    expect(after.curve.length).toBeGreaterThanOrEqual(2);
    for (const p of after.curve) {
      expect(p.low).toBeLessThanOrEqual(p.accuracy);
      expect(p.high).toBeGreaterThanOrEqual(p.accuracy);
      expect(p.evaluated).toBe(12);
    }
    expect(after.curve.at(-1)!.accuracy).toBeGreaterThan(0.6);
    expect(after.perClass.reduce((n, c) => n + c.evaluation, 0)).toBe(12);
    expect(after.trainingLabels).toBe(18);
    // Fewer evaluation labels: every version is scored again, on the 8 that remain.
    const unlabeled = evaluation.items.slice(0, 4).map((i) => i.id);
    await call('labels:set', { imageIds: unlabeled, classId: null });
    const fewer = await scoredDashboard();
    expect(fewer.curve.map((p) => p.modelVersion)).toEqual(after.curve.map((p) => p.modelVersion));
    for (const p of fewer.curve) expect(p.evaluated).toBe(8);
    for (const item of evaluation.items.slice(0, 4)) await call('labels:set', { imageIds: [item.id], classId: truth(item.relPath) });
    expect((await scoredDashboard()).curve).toEqual(after.curve);
    // One image of the open batch decided, so the next round is a new batch (an unchanged one is refused).
    const open = (await call('loop:currentRound'))!;
    await call('labels:set', { imageIds: [open.items[0]!.imageId], classId: truth(open.items[0]!.relPath) });
    const next = await call('loop:nextRound');
    expect(next.items.some((i) => evalIds.has(i.imageId))).toBe(false);
  });

  it('trains in the background in continuous mode and re-ranks the open batch in place', async () => {
    await call('loop:updateSettings', { continuous: true });
    const round = (await call('loop:currentRound'))!;
    const roundCount = (await call('loop:rounds', { limit: 1000 })).length;
    const version = (await call('engine:status')).modelVersion;
    const item = round.items[0]!;
    await call('labels:set', { imageIds: [item.imageId], classId: truth(item.relPath) });
    await until('a continuous retrain', async () => (await call('engine:status')).modelVersion > version, engineWork);
    await until('training to settle', async () => !(await call('engine:status')).training, engineWork);
    // A retrain re-ranks the open batch: the same round, its labeled item kept first.
    const current = (await call('loop:currentRound'))!;
    expect(current.id).toBe(round.id);
    expect(current.index).toBe(round.index);
    expect(current.items[0]).toMatchObject({ imageId: item.imageId, classId: truth(item.relPath) });
    expect(current.items).toHaveLength(round.items.length);
    expect((await call('loop:rounds', { limit: 1000 })).length).toBe(roundCount);
    await call('loop:updateSettings', { continuous: false });
    await until('training to settle', async () => !(await call('engine:status')).training, engineWork);
  });

  it('images with no up or down: the next training learns every label turned and mirrored too, and keeps those views', async () => {
    const labeled = (await call('images:list', { filter: { kind: 'labeled' }, offset: 0, limit: 1000 })).items;
    // The project's one cache of MobileNet's layout (the app reads it one way only).
    const [cacheFile, ...more] = fs.readdirSync(featureCacheDir(root)).filter((name) => name.startsWith('mobilenet_v1_0.25_224@') && name.endsWith('.db'));
    expect(more).toEqual([]);
    const store = (): FeatureStore => FeatureStore.openExisting(path.join(featureCacheDir(root), cacheFile as string));
    const views = symmetryViews(224, 224).slice(1);
    const missing = (): string[] => {
      const s = store();
      try {
        return s.missingViews(labeled.map((image) => image.hash), views);
      } finally {
        s.close();
      }
    };
    expect(missing()).toHaveLength(labeled.length);
    expect((await call('loop:updateSettings', { symmetries: true })).symmetries).toBe(true);
    const version = (await call('engine:status')).modelVersion;
    // The training job reports the views it extracts first, counting up to the labeled images without them.
    const turning: { done: number; total: number }[] = [];
    const unsubscribe = workspace.events.subscribe((event, payload) => {
      if (event === 'job:progress' && 'phase' in payload && payload.phase === 'turning labeled images') turning.push({ done: payload.done, total: payload.total });
    });
    await call('loop:train');
    await until('the retrain', async () => (await call('engine:status')).modelVersion > version, engineWork);
    unsubscribe();
    // (Progress events are thinned to a few per second, so the last counts may not be among them.)
    expect(turning.length).toBeGreaterThan(0);
    expect(turning[0]?.total).toBeGreaterThan(0);
    turning.forEach((p, k) => {
      expect(p.total).toBe(turning[0]?.total);
      expect(p.done).toBeLessThanOrEqual(p.total);
      if (k > 0) expect(p.done).toBeGreaterThanOrEqual(turning[k - 1]!.done);
    });
    // Every training label's views are cached (evaluation labels are never trained on).
    const evaluation = new Set((await call('images:list', { filter: { kind: 'evaluation' }, offset: 0, limit: 1000 })).items.map((image) => image.hash));
    expect(missing().filter((hash) => !evaluation.has(hash))).toEqual([]);
    // The exported model's card says how it learned, and counts the labels it learned from,
    // not one made since.
    const extra = (await call('images:list', { filter: { kind: 'unlabeled' }, offset: 0, limit: 1 })).items[0]!;
    await call('labels:set', { imageIds: [extra.id], classId: truth(extra.relPath) });
    const dest = path.join(tempDir('adma-export-'), 'out');
    await call('export:run', { destination: dest, model: true, labelsCsv: false, labelsJson: false, imageFolder: false });
    await call('labels:set', { imageIds: [extra.id], classId: null });
    const card = fs.readFileSync(path.join(dest, 'model/MODEL_CARD.md'), 'utf8');
    expect(card).toContain('- each label also learned: turned and mirrored (images with no up or down)');
    const trainedOn = Number(/^- labelled images: (\d+)$/m.exec(card)?.[1]);
    expect(trainedOn).toBeGreaterThan(0);
    expect(card).toContain(`| **total** | **${trainedOn}** |`);
    // Deep fine-tuning learns the images as they are; back to the default for the tests after this one.
    expect((await call('loop:updateSettings', { symmetries: false })).symmetries).toBe(false);
  });

  it('exports the model, labels and an ImageFolder copy, and never overwrites', async () => {
    const occupied = tempDir('adma-export-');
    fs.writeFileSync(path.join(occupied, 'keep.txt'), 'mine');
    await expect(call('export:run', { destination: occupied, model: true, labelsCsv: true, labelsJson: false, imageFolder: false })).rejects.toThrow(
      /CONFLICT: .*not an empty folder/,
    );
    expect(fs.readFileSync(path.join(occupied, 'keep.txt'), 'utf8')).toBe('mine');
    expect((await call('export:check', { destination: occupied })).empty).toBe(false);
    // A folder inside the project is refused before the export is tried, with the export's own reason.
    const inside = await call('export:check', { destination: path.join(root, 'export') });
    expect(inside.exists).toBe(false);
    expect(inside.refused).toMatch(/inside the project folder/);
    await expect(call('export:run', { destination: path.join(root, 'export'), model: false, labelsCsv: true, labelsJson: false, imageFolder: false })).rejects.toThrow(/inside the project folder/);
    expect((await call('export:check', { destination: occupied })).refused).toBeNull();
    // A relative path has no folder to start from: refused, and so is an export to it.
    expect((await call('export:check', { destination: 'exports/today' })).refused).toMatch(/"exports\/today" is not a full path/);
    await expect(call('export:run', { destination: 'exports/today', model: false, labelsCsv: true, labelsJson: false, imageFolder: false })).rejects.toThrow(/not a full path/);

    const dest = path.join(tempDir('adma-export-'), 'out');
    const report = await call('export:run', { destination: dest, model: true, labelsCsv: true, labelsJson: true, imageFolder: true });
    for (const file of ['model/model.json', 'model/labels.json', 'model/preprocessing.json', 'model/MODEL_CARD.md', 'model/learning-curve.png', 'labels.csv', 'labels.json']) {
      expect(report.files).toContain(file);
      expect(fs.existsSync(path.join(dest, file))).toBe(true);
    }
    expect(JSON.parse(fs.readFileSync(path.join(dest, 'model/labels.json'), 'utf8'))).toEqual(['ant', 'bee']);
    const card = fs.readFileSync(path.join(dest, 'model/MODEL_CARD.md'), 'utf8');
    expect(card).toMatch(/## Learning curve/);
    // The card states each class's recall and precision as the dashboard shows them (the latest
    // version's confusion matrix), with their counts, and the matrix itself in the card's order.
    const { confusion } = await scoredDashboard();
    const cell = (truth: string, guess: string): number => confusion!.counts[confusion!.classIds.indexOf(classOf.get(truth)!)]![confusion!.classIds.indexOf(classOf.get(guess)!)]!;
    const few: string[] = [];
    for (const [name, own, other] of [['ant', 'ants', 'bees'], ['bee', 'bees', 'ants']] as const) {
      const right = cell(own, own);
      const images = right + cell(own, other);
      const predicted = right + cell(other, own);
      const recall = shareOf(right, images)!;
      const precision = shareOf(right, predicted);
      expect(card).toContain(`\n| ${name} | ${images} | ${recall.text} (${right} of ${images}) | ${recall.range} | ${precision ? `${precision.text} (${right} of ${predicted}) | ${precision.range}` : '— (never predicted) | —'} |\n`);
      if (images < 10) few.push(`${name} (${images})`);
    }
    expect(card).toContain(`| true \\ predicted | ant | bee |\n| --- | ---: | ---: |\n| ant | ${cell('ants', 'ants')} | ${cell('ants', 'bees')} |\n| bee | ${cell('bees', 'ants')} | ${cell('bees', 'bees')} |\n`);
    // 12 labeled evaluation images of two classes: one has fewer than 10 at least, named over the table.
    expect(few.length).toBeGreaterThan(0);
    expect(card).toMatch(/^> \*\*Warning:\*\* .*Fewer than 10 evaluation images, too few for reliable figures/m);
    expect(card).toContain(`too few for reliable figures (see the wide 95% intervals): ${few.join(', ')}.`);
    const csv = fs.readFileSync(path.join(dest, 'labels.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('path,class,split,labeled_at,annotator');
    expect(csv.filter((l) => l.includes(',evaluation,'))).toHaveLength(12);
    expect(fs.readdirSync(path.join(dest, 'images')).sort()).toEqual(['ant', 'bee']);
  });

  it('imports labels from CSV and reports every row it could not apply', async () => {
    // Three the split may hold out (labels-import.ts: neither in the evaluation set nor queried by
    // a round yet), whatever comes first in name order.
    const queried = new Set(workspace.current!.db.prepare('SELECT image_id FROM round_items').pluck().all() as number[]);
    const unlabeled = (await call('images:list', { filter: { kind: 'unlabeled' }, offset: 0, limit: 120 })).items.filter((i) => !i.evaluation && !queried.has(i.id)).slice(0, 3);
    const csv = tempDir('adma-csv-');
    const file = path.join(csv, 'labels.csv');
    fs.writeFileSync(
      file,
      [
        'path,class',
        `${unlabeled[0]!.relPath},ant`,
        `${path.join(root, unlabeled[1]!.relPath)},bee`,
        `${unlabeled[2]!.relPath.split('/')[1]},wasp`,
        'nowhere/missing.jpg,ant',
        '/etc/passwd,ant',
      ].join('\n'),
    );
    const report = await call('labels:importCsv', { path: file, createClasses: false });
    expect(report).toMatchObject({ rows: 5, labeled: 2, createdClasses: [] });
    expect(report.unmatched.map((u) => [u.line, u.reason])).toEqual([
      [4, 'no class named "wasp"'],
      [5, expect.stringMatching(/no such image/)],
      [6, 'outside the project folder'],
    ]);
    expect((await call('images:get', { id: unlabeled[1]!.id })).classId).toBe(classOf.get('bees'));
    const undone = await call('labels:undo');
    expect(undone!.imageIds.sort()).toEqual([unlabeled[0]!.id, unlabeled[1]!.id].sort());
  });

  it('puts a file’s held-out split in the evaluation set, and takes it out again on undo', async () => {
    // Three the split may hold out (labels-import.ts: neither in the evaluation set nor queried by
    // a round yet), whatever comes first in name order.
    const queried = new Set(workspace.current!.db.prepare('SELECT image_id FROM round_items').pluck().all() as number[]);
    const unlabeled = (await call('images:list', { filter: { kind: 'unlabeled' }, offset: 0, limit: 120 })).items.filter((i) => !i.evaluation && !queried.has(i.id)).slice(0, 3);
    const evaluationSize = async (): Promise<number> => (await call('images:list', { filter: { kind: 'evaluation' }, offset: 0, limit: 1 })).total;
    const before = await evaluationSize();
    const file = path.join(tempDir('adma-csv-split-'), 'labels.csv');
    fs.writeFileSync(file, ['path,class,split', `${unlabeled[0]!.relPath},ant,test`, `${unlabeled[1]!.relPath},bee,test`, `${unlabeled[2]!.relPath},ant,train`].join('\n'));
    const report = await call('labels:importCsv', { path: file, createClasses: false });
    expect(report).toMatchObject({ labeled: 3, evaluation: 2 });
    expect(await evaluationSize()).toBe(before + 2);
    await call('labels:undo');
    expect(await evaluationSize()).toBe(before);
    expect((await call('images:get', { id: unlabeled[0]!.id })).classId).toBeNull();
    await call('labels:redo');
    expect(await evaluationSize()).toBe(before + 2);
    expect((await call('images:get', { id: unlabeled[1]!.id })).classId).toBe(classOf.get('bees'));
    // Undone again, then a new label drops the undone import: its held-out images are forgotten.
    await call('labels:undo');
    await call('labels:set', { imageIds: [unlabeled[2]!.id], classId: classOf.get('ants') as number });
    await call('labels:redo');
    expect(await evaluationSize()).toBe(before);
    await call('labels:undo');
  });

  it('reads its own export back: every exported label is found and unchanged', async () => {
    const dest = path.join(tempDir('adma-roundtrip-'), 'labels');
    await call('export:run', { destination: dest, model: false, labelsCsv: true, labelsJson: false, imageFolder: false });
    const labeled = (await call('images:list', { filter: { kind: 'labeled' }, offset: 0, limit: 1000 })).total;
    const report = await call('labels:importCsv', { path: path.join(dest, 'labels.csv'), createClasses: false });
    expect(report).toMatchObject({ rows: labeled, labeled: 0, unchanged: labeled, unmatched: [] });
  });

  it('survives closing and reopening: model, rounds, versions and evaluation set are kept', async () => {
    const round = await call('loop:currentRound');
    const versions = (await call('engine:status')).modelVersion;
    await workspace.shutdown();
    openWorkspace();
    await call('project:open', { path: root, create: false });
    const status = await call('engine:status');
    expect(status.modelId).toBe('mobilenet_v1_0.25_224');
    expect(status.modelVersion).toBe(versions);
    expect((await call('loop:currentRound'))!.id).toBe(round!.id);
    expect((await call('dashboard:get')).evaluation.size).toBe(12);
    await until('features after reopen', async () => (await call('engine:status')).features.state === 'complete', engineWork);
    const next = await call('loop:nextRound');
    expect(next.items.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!available)('a pool too small for distinctiveness', () => {
  it('says so in every reason and draws the batch at random instead of in folder order', async () => {
    const small = tempDir('adma-small-');
    for (const cls of ['ants', 'bees']) {
      fs.mkdirSync(path.join(small, cls));
      for (const file of fs.readdirSync(path.join(PHOTOS, cls)).sort().slice(0, 8)) fs.copyFileSync(path.join(PHOTOS, cls, file), path.join(small, cls, file));
    }
    const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test', log: () => {} });
    const h = createHandlers(ws);
    const run = handlerCaller(() => h);
    try {
      await run('project:open', { path: small, create: true });
      await ws.rescan();
      await run('engine:chooseModel', { choice: { kind: 'folder', path: MODEL } });
      await until('features', async () => (await run('engine:status')).features.state === 'complete', engineWork);
      // ADMA (paper) chosen explicitly: the fallback is that of the D-based strategies.
      await run('loop:updateSettings', { batchSize: 8, strategy: 'adma' });
      expect((await run('engine:status')).features).toMatchObject({ done: 16, total: 16, failed: 0 });
      const round = await run('loop:nextRound');
      expect(round.lambda).toBeNull();
      expect(round.items.every((i) => /source-class centres .* seeded random draw/.test(i.reason))).toBe(true);
      // folder order would be eight ants; a random draw of 8 from 8 + 8 images has both classes with probability 1 - 2/12870
      const picked = round.items.map((i) => i.relPath);
      expect(new Set(picked.map((p) => p.split('/')[0])).size, picked.join(', ')).toBe(2);
    } finally {
      await ws.shutdown();
    }
  });
});
