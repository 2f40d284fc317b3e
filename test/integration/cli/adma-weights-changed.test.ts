/**
 * `adma` and a model folder with its own adma-model.json whose weight shard changes after
 * `adma train`: the descriptor keeps the id, so predict and export compared only ids and put the
 * head trained on the old weights on the new ones (export wrote it on top of the new files), and
 * after an extraction on the new weights the fresh cache's count of rows computed again matched
 * the head's (both 0), so nothing said the head was outdated. The head records the weights'
 * fingerprint now: predict and export refuse other weights in words with the way on, extract says
 * the head is outdated, train starts afresh on them; the shard back, everything works again, and
 * a head saved before the fingerprint was kept is used as before.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeImage } from '../../support/image-folder';
import { DESCRIBED_TINY, describedModelFolder, SHARD } from '../engine/save-model-folder';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'src-main/cli/adma.ts');
const IMAGES = 8;
const MODEL_ID = DESCRIBED_TINY.id;

interface Run {
  code: number;
  stderr: string;
}

function adma(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: { ...process.env, ADMA_BACKEND: 'wasm' }, maxBuffer: 32 * 1024 * 1024 }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

let work: string;
/** The images, the model folder (model.json, adma-model.json, one shard), and two shards of that one graph: the same size, other weights. */
let images: string;
let model: string;
let shardA: string;
let shardB: string;
let labels: string;

/** The model folder's weight shard replaced by `shard`'s bytes (a copy over it). */
const putShard = (shard: string): void => copyFileSync(shard, join(model, SHARD));

/** The refusal of the weights: in plain words, with the way on. */
const otherWeights = (): string => `The weights in ${model} are not the ones this head was trained on`;
const wayOn = (): string => `run 'adma extract ${images}' and 'adma train ${images} --labels <csv>' again, or put those files back`;

/** An export into a new folder; the folder, whether written or not. */
async function exportTo(name: string): Promise<{ run: Run; dir: string }> {
  const dir = join(work, 'exports', name);
  return { run: await adma('export', images, '--out', dir), dir };
}

async function predictions(name: string): Promise<{ run: Run; rows: string | null }> {
  const out = join(work, `${name}.csv`);
  const run = await adma('predict', images, '--out', out);
  return { run, rows: existsSync(out) ? readFileSync(out, 'utf8') : null };
}

const headJson = (): string => join(images, '.adma', 'cli', 'head', 'head.json');

beforeAll(async () => {
  work = tempDir('adma-cli-weights-');
  images = join(work, 'images');
  for (let i = 0; i < IMAGES; i++) await writeImage(join(images, `img-${i}.png`), i);
  ({ folder: model, shardA, shardB } = await describedModelFolder(work));
  mkdirSync(join(work, 'exports'));
  labels = join(work, 'labels.csv');
  writeFileSync(labels, ['path,class', ...Array.from({ length: IMAGES }, (_, i) => `img-${i}.png,${i % 2 === 0 ? 'ant' : 'bee'}`), ''].join('\n'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('adma and a model folder whose weights change under its adma-model.json id', () => {
  it('predict and export refuse a head trained on other weights, extract says it is outdated, and the shard back or a new training is the way on', async () => {
    const extract = await adma('extract', images, '--model', model);
    expect(extract.code, extract.stderr).toBe(0);
    expect(extract.stderr).toContain(`model: Described tiny (${MODEL_ID})`);
    const train = await adma('train', images, '--labels', labels);
    expect(train.code, train.stderr).toBe(0);
    const before = await predictions('before');
    expect(before.run.code, before.run.stderr).toBe(0);

    // Other weights under the same id: refused, nothing written.
    putShard(shardB);
    const refused = await predictions('on-other-weights');
    expect(refused.run.code).toBe(1);
    expect(refused.run.stderr).toContain(otherWeights());
    expect(refused.run.stderr).toContain(wayOn());
    expect(refused.rows).toBeNull();
    const refusedExport = await exportTo('on-other-weights');
    expect(refusedExport.run.code).toBe(1);
    expect(refusedExport.run.stderr).toContain(otherWeights());
    expect(refusedExport.run.stderr).toContain(wayOn());
    expect(existsSync(refusedExport.dir)).toBe(false);

    // The shard back: the head is used again, as before.
    putShard(shardA);
    const back = await predictions('shard-back');
    expect(back.run.code, back.run.stderr).toBe(0);
    expect(back.rows).toBe(before.rows);
    const exported = await exportTo('shard-back');
    expect(exported.run.code, exported.run.stderr).toBe(0);
    expect(existsSync(join(exported.dir, 'MODEL_CARD.md'))).toBe(true);

    // Extracted again on the other weights: a fresh cache (its count of rows computed again is
    // 0, as the head's), yet the head is said to be outdated, and refused.
    putShard(shardB);
    const again = await adma('extract', images);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`extracted ${IMAGES} images, 0 already cached`));
    expect(again.stderr).toContain(`the trained model learned from features of other weights of ${MODEL_ID} than ${model} holds now: train it again ('adma train') before predict or export`);
    expect(again.stderr).not.toContain('deeper than 8 bits');
    const stale = await predictions('stale');
    expect(stale.run.code).toBe(1);
    expect(stale.run.stderr).toContain(otherWeights());
    const staleExport = await exportTo('stale');
    expect(staleExport.run.code).toBe(1);
    expect(staleExport.run.stderr).toContain(otherWeights());
    expect(existsSync(staleExport.dir)).toBe(false);

    // The head's own weights back, but the features read are the other weights': refused too.
    putShard(shardA);
    const mixed = await predictions('features-of-other-weights');
    expect(mixed.run.code).toBe(1);
    expect(mixed.run.stderr).toContain(`The features of ${images} were extracted with other weights of ${MODEL_ID} than this head was trained on`);
    expect(mixed.rows).toBeNull();

    // Trained on the other weights' features: not started from the old head, and used on them.
    putShard(shardB);
    const retrain = await adma('train', images, '--labels', labels);
    expect(retrain.code, retrain.stderr).toBe(0);
    expect(retrain.stderr).toContain(`the previous round was trained on other weights of ${MODEL_ID} than the features extracted now: not started from it`);
    expect(retrain.stderr).toContain('cold start');
    const fresh = await predictions('retrained');
    expect(fresh.run.code, fresh.run.stderr).toBe(0);
    const freshExport = await exportTo('retrained');
    expect(freshExport.run.code, freshExport.run.stderr).toBe(0);
    const quiet = await adma('extract', images);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('train it again');
  }, 10 * 60_000);

  it('a head saved before the weights were recorded is used as before, whatever the weights', async () => {
    // As an earlier `adma train` left it: no fingerprint among its facts.
    const json = JSON.parse(readFileSync(headJson(), 'utf8')) as { facts: Record<string, unknown> };
    expect(typeof json.facts.modelFingerprint).toBe('string');
    delete json.facts.modelFingerprint;
    writeFileSync(headJson(), `${JSON.stringify(json, null, 2)}\n`);
    putShard(shardA);
    const older = await predictions('older-head');
    expect(older.run.code, older.run.stderr).toBe(0);
    expect(older.rows?.split('\n')[0]).toBe('path,predicted,confidence,ant,bee');
    const exported = await exportTo('older-head');
    expect(exported.run.code, exported.run.stderr).toBe(0);
    const extract = await adma('extract', images);
    expect(extract.code, extract.stderr).toBe(0);
    expect(extract.stderr).not.toContain('train it again');
  }, 10 * 60_000);
});
