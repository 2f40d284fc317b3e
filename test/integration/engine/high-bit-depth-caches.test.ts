/**
 * What versions before media/high-bit-depth.ts computed and cached from a 16-bit image was made
 * from its almost black decode: the feature cache's rows, the perceptual codes, the gallery
 * thumbnail and the renditions. Each is made again from the stretched pixels once (a 16-bit
 * image's rows are forgotten, an 8-bit image's kept), so a project never mixes both decodes.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { perceptualCodes, perceptualStorePath, PERCEPTUAL_SCHEMA_VERSION } from '../../../src-main/engine/features/difference-hash';
import { extractFeatures } from '../../../src-main/engine/features/extract-features';
import { FeatureStore, featureLayoutOf } from '../../../src-main/engine/features/feature-store';
import { loadStarterModel, type TfLoadedModel } from '../../../src-main/engine/model/load-model';
import { answerMedia } from '../../../src-main/media/media-request';
import { readMedia } from '../../../src-main/media/image-media';
import { DEEP_DECODE } from '../../../src-main/media/high-bit-depth';
import { thumbnailFile } from '../../../src-main/media/media-cache';
import { Project } from '../../../src-main/project/project';
import { deepTiff, floatRgbGradient, sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { tempDir } from '../../support/image-folder';

let loaded: TfLoadedModel;
beforeAll(async () => {
  await initBackend();
  loaded = await loadStarterModel();
});
afterAll(() => loaded?.dispose());

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

type ScannedFile = { id: number; hash: string; path: string };

/** `files` (name → bytes) written into a new folder and scanned as a project; `image(name)`: that file's id, hash and path. */
async function scannedFolder(prefix: string, files: Record<string, Buffer>): Promise<{ root: string; project: Project; image: (name: string) => ScannedFile }> {
  const root = tempDir(prefix);
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(root, name), bytes);
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  const items = project.images.list({ kind: 'all' }, 0, 10).items;
  const image = (name: string): ScannedFile => {
    const { id, hash } = items.find((i) => i.relPath === name)!;
    return { id, hash, path: path.join(root, name) };
  };
  return { root, project, image };
}

const plainColour = () => sharp({ create: { width: 300, height: 200, channels: 3, background: '#5080a0' } });

/** A folder with a 12-bit image in a 16-bit PNG (`deep`) and an 8-bit PNG (`plain`), scanned. */
async function folder(): Promise<{ root: string; project: Project; deep: ScannedFile; plain: ScannedFile }> {
  const { root, project, image } = await scannedFolder('adma-16bit-caches-', {
    'deep.png': await sixteenBit(twelveBitGradient(300, 200), 300, 200, 'png'),
    'plain.png': await plainColour().png().toBuffer(),
  });
  return { root, project, deep: image('deep.png'), plain: image('plain.png') };
}

describe('caches written before 16-bit images were stretched', () => {
  it('the feature cache: a 16-bit image’s row is computed again once, an 8-bit image’s is kept', async () => {
    const { root, deep, plain } = await folder();
    const items = [deep, plain];
    let store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    expect(store.deepDecode).toBe(DEEP_DECODE); // made by this version
    expect((await extractFeatures(loaded, store, items, { root })).computed).toBe(2);
    const path = store.path;
    store.close();

    // As a version before wrote it: no 'levels' mark; its rows marked by a softmax of zeros.
    const db = new Database(path);
    db.prepare(`DELETE FROM meta WHERE key = 'levels'`).run();
    db.prepare('UPDATE features SET softmax = zeroblob(length(softmax))').run();
    db.close();
    const zeros = (hash: string): boolean => Array.from(store.load([hash]).softmax).every((v) => v === 0);

    store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    try {
      expect(store.deepDecode).toBe(0);
      const again = await extractFeatures(loaded, store, items, { root });
      expect(again).toMatchObject({ computed: 1, reused: 1 });
      expect(zeros(deep.hash)).toBe(false); // computed again from the stretched pixels
      expect(zeros(plain.hash)).toBe(true); // kept as it was
      expect(store.deepDecode).toBe(DEEP_DECODE);
      expect(await extractFeatures(loaded, store, items, { root })).toMatchObject({ computed: 0, reused: 2 });
    } finally {
      store.close();
    }
  });

  it('the perceptual cache: a 16-bit image’s codes are computed again once, an 8-bit image’s kept', async () => {
    const { root, deep, plain } = await folder();
    const items = [deep, plain];
    const first = await perceptualCodes(root, items);
    const db = new Database(perceptualStorePath(root));
    db.pragma('user_version = 1');
    db.prepare('UPDATE dhash SET high = 12345, low = 678').run(); // what the dark decode gave, marked
    db.close();

    const again = await perceptualCodes(root, items);
    expect([again.words[0], again.words[1]]).toEqual([first.words[0], first.words[1]]); // deep: computed again
    expect([again.words[2], again.words[3]]).toEqual([12345, 678]); // plain: kept
    const version = new Database(perceptualStorePath(root), { readonly: true });
    expect(version.pragma('user_version', { simple: true })).toBe(PERCEPTUAL_SCHEMA_VERSION);
    version.close();
  });

  it('the media cache: a PNG’s thumbnail and renditions are named anew (the old dark file is never served, and removed), with a new ETag', async () => {
    const { project, deep } = await folder();
    const oldName = path.join(project.adminDir, 'thumbs', `${deep.hash}-256.webp`);
    fs.mkdirSync(path.dirname(oldName), { recursive: true });
    const dark = await sharp({ create: { width: 256, height: 170, channels: 3, background: '#0a0a0a' } }).webp().toBuffer();
    fs.writeFileSync(oldName, dark);

    const thumb = await readMedia(project, deep.id, 'thumb');
    expect(thumb.body.equals(dark)).toBe(false);
    expect(Math.max(...(await sharp(thumb.body).toColourspace('b-w').raw().toBuffer()))).toBeGreaterThanOrEqual(250);
    expect(fs.readFileSync(thumbnailFile(project.adminDir, deep.hash, 'png')).equals(thumb.body)).toBe(true);
    expect(fs.existsSync(oldName)).toBe(false);
    // A browser holding the old thumbnail under the old ETag gets the new one, not a 304.
    const answer = await answerMedia(project, `${deep.id}/thumb`, `"${deep.hash}-thumb"`);
    expect([answer.status, answer.headers.ETag]).toEqual([200, `"${deep.hash}-thumb-levels"`]);
  });
});

/**
 * A folder with a float RGB TIFF (`floatRgb`), a 12-bit image in a 16-bit PNG (`deep`) and an
 * 8-bit TIFF (`plain`), scanned: the float one decoded otherwise before it was read as stored.
 */
async function floatFolder(): Promise<{ root: string; project: Project; files: Record<'floatRgb' | 'deep' | 'plain', ScannedFile> }> {
  const { root, project, image } = await scannedFolder('adma-float-rgb-caches-', {
    'float-rgb.tif': deepTiff(floatRgbGradient(300, 200), 300, 200, { channels: 3 }),
    'deep.png': await sixteenBit(twelveBitGradient(300, 200), 300, 200, 'png'),
    'plain.tif': await plainColour().tiff().toBuffer(),
  });
  return { root, project, files: { floatRgb: image('float-rgb.tif'), deep: image('deep.png'), plain: image('plain.tif') } };
}

describe('caches written before float RGB TIFF was read as stored (brighter: brought to sRGB’s curve first)', () => {
  it('the feature cache: the float RGB image’s row is computed again once; the 16-bit and 8-bit images’ are kept', async () => {
    const { root, files } = await floatFolder();
    const items = Object.values(files);
    let store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    expect((await extractFeatures(loaded, store, items, { root })).computed).toBe(3);
    const file = store.path;
    store.close();

    // As the version before wrote it: the mark of the first levels ('1'); its rows marked by a softmax of zeros.
    const db = new Database(file);
    db.prepare(`UPDATE meta SET value = '1' WHERE key = 'levels'`).run();
    db.prepare('UPDATE features SET softmax = zeroblob(length(softmax))').run();
    db.close();
    const zeros = (hash: string): boolean => Array.from(store.load([hash]).softmax).every((v) => v === 0);

    store = FeatureStore.openFor(root, featureLayoutOf(loaded));
    try {
      expect(store.deepDecode).toBe(1);
      expect(await extractFeatures(loaded, store, items, { root })).toMatchObject({ computed: 1, reused: 2 });
      expect(zeros(files.floatRgb.hash)).toBe(false); // computed again from the values as stored
      expect(zeros(files.deep.hash)).toBe(true); // kept: its decode is the same
      expect(zeros(files.plain.hash)).toBe(true); // kept
      expect(store.deepDecode).toBe(DEEP_DECODE);
      expect(await extractFeatures(loaded, store, items, { root })).toMatchObject({ computed: 0, reused: 3 });
    } finally {
      store.close();
    }
  });

  it('the perceptual cache: the float RGB image’s codes are computed again once, the others’ kept', async () => {
    const { root, files } = await floatFolder();
    const items = [files.floatRgb, files.deep, files.plain];
    const first = await perceptualCodes(root, items);
    const db = new Database(perceptualStorePath(root));
    db.pragma('user_version = 2'); // the version of the first levels
    db.prepare('UPDATE dhash SET high = 12345, low = 678').run(); // what the brighter decode gave, marked
    db.close();

    const again = await perceptualCodes(root, items);
    expect([again.words[0], again.words[1]]).toEqual([first.words[0], first.words[1]]); // float RGB: computed again
    expect(Array.from(again.words.slice(2))).toEqual([12345, 678, 12345, 678]); // 16-bit PNG, 8-bit TIFF: kept
    const version = new Database(perceptualStorePath(root), { readonly: true });
    expect(version.pragma('user_version', { simple: true })).toBe(PERCEPTUAL_SCHEMA_VERSION);
    version.close();
  });

  it('the media cache: a TIFF’s thumbnail is named anew (the old bright file is never served, and removed), with a new ETag; a PNG’s is kept', async () => {
    const { project, files } = await floatFolder();
    const thumbs = path.join(project.adminDir, 'thumbs');
    fs.mkdirSync(thumbs, { recursive: true });
    const bright = await sharp({ create: { width: 256, height: 170, channels: 3, background: '#f0f0f0' } }).webp().toBuffer();
    const levelsName = path.join(thumbs, `${files.floatRgb.hash}-256-levels.webp`);
    const darkName = path.join(thumbs, `${files.floatRgb.hash}-256.webp`);
    fs.writeFileSync(levelsName, bright);
    fs.writeFileSync(darkName, bright);
    const png = path.join(thumbs, `${files.deep.hash}-256-levels.webp`);
    fs.writeFileSync(png, bright);

    const thumb = await readMedia(project, files.floatRgb.id, 'thumb');
    expect(thumb.body.equals(bright)).toBe(false);
    expect(fs.readFileSync(thumbnailFile(project.adminDir, files.floatRgb.hash, 'tiff')).equals(thumb.body)).toBe(true);
    expect([fs.existsSync(levelsName), fs.existsSync(darkName)]).toEqual([false, false]);
    const answer = await answerMedia(project, `${files.floatRgb.id}/thumb`, `"${files.floatRgb.hash}-thumb-levels"`);
    expect([answer.status, answer.headers.ETag]).toEqual([200, `"${files.floatRgb.hash}-thumb-values"`]);
    // A PNG's decode did not change: its thumbnail is served as cached.
    expect((await readMedia(project, files.deep.id, 'thumb')).body.equals(bright)).toBe(true);
  });
});
