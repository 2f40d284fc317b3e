import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { COMMANDS } from '../../../src-main/cli/cli-help';
import { EngineClient } from '../../../src-main/engine/engine-client';
import { hashImageFile } from '../../../src-main/engine/features/image-content-hash';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { sortNaturally } from '../../../src-shared/natural-name';
import { sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { writeImage } from '../../support/image-folder';
import { SIZE, tinyClassifier } from '../../support/tiny-onnx';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'src-main/cli/adma.ts');
const LOADER = join(ROOT, 'test/integration/train/load-export.mjs');
const SHARED = join(ROOT, '../shared');
const MOBILENET = join(SHARED, 'models/mobilenet_v1_0.25_224');
const HYMENOPTERA = join(SHARED, 'data/hymenoptera/train');
const haveData = existsSync(join(MOBILENET, 'model.json')) && existsSync(HYMENOPTERA);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function adma(...args: string[]): Promise<Run> {
  return admaOn('wasm', ...args);
}

/** Runs adma with ADMA_BACKEND set to `backend`, or unset (the default choice) when null. */
function admaOn(backend: string | null, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ADMA_BACKEND: backend ?? '' };
  if (backend === null) delete env.ADMA_BACKEND;
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'adma-cli-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Modules `file` imports statically (import ... from / import '...'; not import()). */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/^import\s+(?:type\s+)?(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)) {
    if (/^import\s+type\s/.test(match[0])) continue;
    found.push(match[1] as string);
  }
  return found;
}

describe('adma help and usage errors', () => {
  it('prints the whole tool’s help with every command', async () => {
    const run = await adma('--help');
    expect(run.code, run.stderr).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command} `);
    expect(run.stdout).toMatch(/Exit codes: 0 success, 1 the command failed, 2 wrong usage/);
  });

  it('prints each command’s help, with --help or as "help <command>"', async () => {
    for (const command of COMMANDS) {
      const run = await adma(command, '--help');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Usage: adma ${command} <folder>`);
      expect(run.stdout).toContain('--backend');
    }
    expect((await adma('help', 'train')).stdout).toContain('--mode <mode>');
  });

  it('keeps --help free of heavy modules: the entry imports TF.js, sharp and SQLite only inside commands', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        expect(spec, `${file} imports ${spec} at top level`).not.toMatch(/^(@tensorflow\/|sharp$|better-sqlite3$)/);
        if (spec.startsWith('.')) visit(resolve(dirname(file), `${spec}.ts`));
      }
    };
    visit(ENTRY);
    expect(seen.size).toBeGreaterThan(2);
  });

  it('exits 2 with a pointer to --help on wrong usage', async () => {
    const none = await adma();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
    const unknownCommand = await adma('frobnicate');
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("unknown command 'frobnicate'. Commands: extract, train, predict, export, simulate.");
    const unknownOption = await adma('predict', work, '--bogus');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--bogus'");
    expect(unknownOption.stderr).toContain("Run 'adma predict --help'");
    const noFolder = await adma('train', '--labels', 'x.csv');
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('missing the image folder');
    const badMode = await adma('train', work, '--labels', 'x.csv', '--mode', 'medium');
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('--mode medium: choose light or deep');
    const badSeed = await adma('train', work, '--labels', 'x.csv', '--seed', '-3');
    expect(badSeed.code).toBe(2);
    const noModel = await adma('extract', work);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('--model is required');
    const badBackend = await adma('extract', work, '--model', work, '--backend', 'gpu');
    expect(badBackend.code).toBe(2);
    expect(badBackend.stderr).toContain('--backend gpu: choose one of onnxruntime, tensorflow, wasm, cpu');
  });

  it('exits 1 with what to do when the command cannot run', async () => {
    const missing = await adma('predict', join(work, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const notExtracted = await adma('predict', empty);
    expect(notExtracted.code).toBe(1);
    expect(notExtracted.stderr).toContain("run 'adma extract");
  });
});

describe('adma on ONNX Runtime (the default backend)', () => {
  it('says what runs the model and why tfjs-node is absent, extracts with ONNX Runtime, and says nothing of 0/0 when all is cached', async () => {
    const folder = join(work, 'starter-photos');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 6; i++) await writeImage(join(folder, `image-${i}.png`), i + 1);
    const first = await admaOn(null, 'extract', folder, '--model', 'starter');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/backend: ONNX Runtime [\d.]+ \(\d+ threads?\) for features and predictions; .* for training/);
    expect(first.stderr).toContain('tfjs-node (an optional dependency) was dropped at install: it downloads libtensorflow at install time');
    expect(first.stderr).toMatch(/features computed by ONNX Runtime/);
    expect(first.stderr).toMatch(/extracted 6 images, 0 already cached, 0 failed/);
    expect(readdirSync(join(folder, '.adma', 'features')).some((name) => name.endsWith('.onnx'))).toBe(true);
    const again = await admaOn(null, 'extract', folder);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/extracted 0 images, 6 already cached/);
    expect(again.stderr).not.toContain('0/0');
    // A byte-identical copy shares its original's features: said, so the numbers add up to the files.
    copyFileSync(join(folder, 'image-0.png'), join(folder, 'copy of image-0.png'));
    const copied = await admaOn(null, 'extract', folder);
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stderr).toMatch(/extracted 0 images, 6 already cached, 0 failed, 1 byte-identical copy sharing its original's features/);
  });

  it('export never overwrites, like the app: a non-empty --out is refused untouched', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'adma-cli-out-')), 'occupied'); // outside the image folder (exports into it are refused)
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'model.json'), 'mine');
    const run = await admaOn(null, 'export', work, '--out', target);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${target} is not an empty folder. ADMA Studio never overwrites`);
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('mine');
    expect(readdirSync(target)).toEqual(['model.json']);
  });
});

describe('adma extract beside the app’s feature cache (the starter model, as the app extracts it)', () => {
  const STARTER = join(ROOT, 'resources/starter');
  // The app's layers are block2_relu (A) and pooled (B); block1_relu has another shape, block2_bn the same shape as block2_relu.
  const OTHER_SHAPES = 'block1_relu,pooled,source_softmax,cut';
  const SAME_SHAPES = 'block2_bn,pooled,source_softmax,cut';
  let client: EngineClient;
  beforeAll(() => {
    client = new EngineClient();
  });
  afterAll(async () => {
    await client?.terminate();
  });

  async function photos(name: string): Promise<{ folder: string; items: { hash: string; path: string }[] }> {
    const folder = join(work, name);
    const items = [];
    for (let i = 0; i < 6; i++) {
      const path = join(folder, `image-${i}.png`);
      await writeImage(path, 40 + i);
      items.push({ path, hash: await hashImageFile(path) });
    }
    return { folder, items };
  }

  /** The app's extraction job (engine worker, starter model, the project's folder): what it computed and reused. */
  function appExtract(folder: string, items: { hash: string; path: string }[]): Promise<{ computed: number; reused: number; storePath: string }> {
    return client.request('extractFeatures', { model: { kind: 'starter' }, projectDir: folder, items });
  }

  it('another layout writes its own cache: the app then finds every image cached, and the default layout still shares the app’s', async () => {
    const { folder, items } = await photos('beside-the-app');
    const first = await appExtract(folder, items);
    expect(first).toMatchObject({ computed: 6, reused: 0 });

    const other = await adma('extract', folder, '--model', STARTER, '--layers', OTHER_SHAPES);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toMatch(/extracted 6 images, 0 already cached/);
    const app = await appExtract(folder, items);
    expect(app).toMatchObject({ computed: 0, reused: 6, storePath: first.storePath });
    // Its own cache is kept too.
    const otherAgain = await adma('extract', folder, '--model', STARTER, '--layers', OTHER_SHAPES);
    expect(otherAgain.stderr).toMatch(/extracted 0 images, 6 already cached/);

    // The same shapes at another layer are other features, never the app's rows.
    const sameShapes = await adma('extract', folder, '--model', STARTER, '--layers', SAME_SHAPES);
    expect(sameShapes.code, sameShapes.stderr).toBe(0);
    expect(sameShapes.stderr).toMatch(/extracted 6 images, 0 already cached/);

    // The app's layout from the command line shares the app's cache, as before; deep adds the cut activations to it.
    const shared = await adma('extract', folder, '--model', 'starter');
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stderr).toMatch(/extracted 0 images, 6 already cached/);
    const deep = await adma('extract', folder, '--model', 'starter', '--deep');
    expect(deep.code, deep.stderr).toBe(0);
    expect(deep.stderr).toMatch(/extracted 6 images, 0 already cached.*cut-layer activations cached/);
    expect(await appExtract(folder, items)).toMatchObject({ computed: 0, reused: 6, storePath: first.storePath });
    // train reads the cache extract wrote (the workspace names its layout).
    const train = await adma('train', folder, '--labels', csvOf(folder, ['a', 'b', 'a', 'b', 'a', 'b']));
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/trained light head/);
  }, 5 * 60_000);

  it('a project from before layouts were kept apart keeps its cache: the app and the default layout reuse it, another layout leaves it alone', async () => {
    const { folder, items } = await photos('older-project');
    // The cache as versions before this one wrote it: `.adma/features/<model>.db`, its layout without the layers.
    const legacy = join(folder, '.adma', 'features', 'starter-fashion-mnist-v1.db');
    expect(await client.request('extractFeatures', { model: { kind: 'starter' }, projectDir: folder, storePath: legacy, items })).toMatchObject({ computed: 6 });
    const db = new Database(legacy);
    const stored = JSON.parse(db.prepare(`SELECT value FROM meta WHERE key = 'layout'`).pluck().get() as string) as Record<string, unknown>;
    const { modelId, weights, aShape, bShape, classCount, cutShape } = stored;
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'layout'`).run(JSON.stringify({ modelId, weights, aShape, bShape, classCount, cutShape }));
    db.close();

    expect(await appExtract(folder, items)).toMatchObject({ computed: 0, reused: 6, storePath: legacy });
    const other = await adma('extract', folder, '--model', STARTER, '--layers', OTHER_SHAPES);
    expect(other.stderr).toMatch(/extracted 6 images, 0 already cached/);
    const shared = await adma('extract', folder, '--model', 'starter');
    expect(shared.stderr).toMatch(/extracted 0 images, 6 already cached/);
    expect(await appExtract(folder, items)).toMatchObject({ computed: 0, reused: 6, storePath: legacy });
    // A command-line workspace of that time names no layout: train reads the model's one file, as then.
    const workspaceFile = join(folder, '.adma', 'cli', 'workspace.json');
    const { layout: _layout, ...older } = JSON.parse(readFileSync(workspaceFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(workspaceFile, JSON.stringify(older));
    const train = await adma('train', folder, '--labels', csvOf(folder, ['a', 'b', 'a', 'b', 'a', 'b']));
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/trained light head/);
  }, 5 * 60_000);
});

/** A labels CSV for the images image-0.png… of `folder`, one class per image in that order. */
function csvOf(folder: string, classes: string[]): string {
  const file = join(folder, '..', `${folder.split(/[\\/]/).pop() ?? 'labels'}.csv`);
  writeFileSync(file, ['path,class', ...classes.map((c, i) => `image-${i}.png,${c}`), ''].join('\n'));
  return file;
}

describe('adma and a feature cache written under an earlier reading of images deeper than 8 bits', () => {
  /** A folder of six 8-bit PNGs (image-0.png…) and a 12-bit image in a 16-bit PNG (deep.png), extracted with the starter model; its cache file. */
  async function extracted(name: string): Promise<{ folder: string; deep: string; cache: string }> {
    const folder = join(work, name);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 6; i++) await writeImage(join(folder, `image-${i}.png`), 60 + i);
    const deep = join(folder, 'deep.png');
    writeFileSync(deep, await sixteenBit(twelveBitGradient(64, 48), 64, 48, 'png'));
    const run = await adma('extract', folder, '--model', 'starter');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/extracted 7 images, 0 already cached/);
    const dir = join(folder, '.adma', 'features');
    const files = readdirSync(dir).filter((file) => file.endsWith('.db'));
    expect(files).toHaveLength(1);
    return { folder, deep, cache: join(dir, files[0] as string) };
  }

  /** The cache as a version before the present reading left it: no 'levels' mark (decode 0), every row's layer B zeros (what the old reading gave, marked so). */
  function asAnEarlierVersionLeftIt(cache: string): void {
    const db = new Database(cache);
    db.prepare(`DELETE FROM meta WHERE key = 'levels'`).run();
    db.prepare('UPDATE features SET b = zeroblob(length(b))').run();
    db.close();
  }

  /** Whether the cached layer B of `file` is the marked one (zeros), or null when the cache has no row of it. */
  async function marked(cache: string, file: string): Promise<boolean | null> {
    const hash = await hashImageFile(file);
    const db = new Database(cache, { readonly: true });
    try {
      const b = db.prepare('SELECT b FROM features WHERE hash = ?').pluck().get(hash) as Buffer | undefined;
      return b === undefined ? null : b.every((byte) => byte === 0);
    } finally {
      db.close();
    }
  }

  it('an extraction of part of the folder (the 16-bit image moved out meanwhile) leaves no row of the old reading for the image it did not read', async () => {
    const { folder, deep, cache } = await extracted('deep-decode-partial');
    asAnEarlierVersionLeftIt(cache);
    const aside = join(work, 'deep-decode-partial-aside.png');
    renameSync(deep, aside);
    const partial = await adma('extract', folder);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/extracted 0 images, 6 already cached/);
    // The cache is marked as of this version's reading only without the row it could not check.
    expect(await marked(cache, aside)).toBeNull();
    renameSync(aside, deep);
    const whole = await adma('extract', folder);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stderr).toMatch(/extracted 1 images, 6 already cached/);
    expect(await marked(cache, deep)).toBe(false); // from the stretched pixels
    expect(await marked(cache, join(folder, 'image-0.png'))).toBe(true); // an 8-bit image's row is kept
  }, 5 * 60_000);

  it('train and predict refuse the old rows until extract has run; the head trained on them is trained again before predict or export', async () => {
    const { folder, deep, cache } = await extracted('deep-decode-head');
    const labels = csvOf(folder, ['a', 'b', 'a', 'b', 'a', 'b']);
    expect((await adma('train', folder, '--labels', labels)).code).toBe(0);
    const predictions = join(work, 'deep-decode-head-predictions.csv');
    expect((await adma('predict', folder, '--out', predictions)).code).toBe(0);

    // The head learned from rows an earlier version's reading made (here: the cache as it left it).
    asAnEarlierVersionLeftIt(cache);
    const before = await adma('predict', folder, '--out', predictions);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain(`run 'adma extract ${folder}' once first`);

    const extract = await adma('extract', folder);
    expect(extract.code, extract.stderr).toBe(0);
    expect(extract.stderr).toMatch(/extracted 1 images, 6 already cached/);
    expect(extract.stderr).toContain("1 image deeper than 8 bits had features from an earlier version's reading of it: computed again");
    expect(extract.stderr).toContain("the trained model learned from features made before images deeper than 8 bits were read as this version reads them: train it again ('adma train')");
    expect(await marked(cache, deep)).toBe(false);

    const stale = await adma('predict', folder, '--out', predictions);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("The trained model learned from features that 'adma extract' has computed again since");
    const out = mkdtempSync(join(tmpdir(), 'adma-cli-stale-export-'));
    const exported = await adma('export', folder, '--out', join(out, 'model'));
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('train again');
    expect(existsSync(join(out, 'model'))).toBe(false);

    // Trained again on the rows as they are now: used again, and a later extract says nothing more.
    const retrained = await adma('train', folder, '--labels', labels);
    expect(retrained.code, retrained.stderr).toBe(0);
    const fresh = await adma('predict', folder, '--out', predictions);
    expect(fresh.code, fresh.stderr).toBe(0);
    const again = await adma('extract', folder);
    expect(again.stderr).toMatch(/extracted 0 images, 7 already cached/);
    expect(again.stderr).not.toContain('train it again');
  }, 5 * 60_000);
});

describe('adma with an ONNX model folder (loaded by the app’s loader; a ResNet-like graph ending at its logits)', () => {
  let images: string;
  let model: string;
  const files: { rel: string; className: string }[] = [];
  beforeAll(async () => {
    images = join(work, 'onnx-images');
    // Seeds whose images the tiny graph gives source class 0, and class 2: the simulation's centres need two source classes.
    const seeds = { reds: [1, 2, 3, 4, 5, 6, 7, 8], blues: [23, 27, 31, 35, 39, 80, 111, 115] };
    for (const [className, list] of Object.entries(seeds)) {
      for (const seed of list) {
        const rel = `${className}/${seed}.png`;
        await writeImage(join(images, rel), seed);
        files.push({ rel, className });
      }
    }
    model = join(work, 'onnx-model');
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'resnet-like.onnx'), tinyClassifier('NCHW', { softmax: false }));
  });

  it('refuses bad --layers and --preprocessing with what to write instead', async () => {
    const refusals: [string[], number, string][] = [
      [['--model', model, '--preprocessing', 'size=0x8'], 2, '--preprocessing.height: expected'],
      [['--model', model, '--preprocessing', 'colour=RGB'], 2, '"colour=RGB" is not key=value with key size, scaling, channels or layout'],
      [['--model', 'starter', '--preprocessing', 'scaling=unit'], 2, '--preprocessing applies to ONNX model folders only'],
      [['--model', model, '--layers', 'relu,flat,logits'], 2, 'expected four comma-separated names'],
      [['--model', model, '--layers', 'relu,flatt,logits,flat'], 1, 'no float node output named "flatt" (layer B). Similar names: flat'],
    ];
    for (const [args, code, message] of refusals) {
      const run = await adma('extract', images, ...args);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr).toContain(message);
    }
  });

  it('extract → train → predict → export → simulate, the layers proposed as in the app; the exported model.onnx predicts like `predict`', async () => {
    const extract = await adma('extract', images, '--model', model, '--preprocessing', 'scaling=unit', '--deep');
    expect(extract.code, extract.stderr).toBe(0);
    expect(extract.stderr).toContain('resnet-like.onnx: layer A relu, layer B flat, source logits, cut flat (proposed; --layers to change)');
    expect(extract.stderr).toContain(`preprocessing: ${SIZE}x${SIZE}, scaling unit, RGB, NCHW`);
    expect(extract.stderr).toMatch(/features computed by ONNX Runtime [\d.]+/);
    expect(extract.stderr).toMatch(/extracted 16 images, 0 already cached, 0 failed/);
    const again = await adma('extract', images);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/extracted 0 images, 16 already cached/);

    const csv = join(work, 'onnx-labels.csv');
    writeFileSync(csv, ['path,class', ...files.filter((_, i) => i % 8 < 3).map((f) => `${f.rel},${f.className}`), ''].join('\n'));
    const light = await adma('train', images, '--labels', csv, '--seed', '1');
    expect(light.code, light.stderr).toBe(0);
    expect(light.stderr).toMatch(/trained light head/);
    const deep = await adma('train', images, '--labels', csv, '--mode', 'deep', '--fresh');
    expect(deep.code).toBe(1);
    expect(deep.stderr).toMatch(/Deep training needs the model as a TF\.js Layers graph.*ONNX model/);

    const out = join(work, 'onnx-predictions.csv');
    const predict = await adma('predict', images, '--out', out);
    expect(predict.code, predict.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['path', 'predicted', 'confidence', 'reds', 'blues']);
    expect(rows.length).toBe(17);

    const exportDir = join(mkdtempSync(join(tmpdir(), 'adma-cli-onnx-')), 'classifier');
    const exported = await adma('export', images, '--out', exportDir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain('no TF.js copy: the source model is an ONNX graph');
    expect(readdirSync(exportDir).sort()).toEqual(['MODEL_CARD.md', 'labels.json', 'model.onnx', 'preprocessing.json']);
    const ort = (await import('onnxruntime-node')).default;
    const session = await ort.InferenceSession.create(join(exportDir, 'model.onnx'));
    try {
      const byPath = new Map(rows.slice(1).map((r) => [r[0] as string, r]));
      for (const file of [files[0], files[9]] as { rel: string }[]) {
        const pixels = await decodeImage(join(images, file.rel), { height: SIZE, width: SIZE, channels: 3, resize: 'center-crop' });
        const result = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(pixels), [1, SIZE, SIZE, 3]) });
        const probabilities = Array.from(result.probabilities?.data as Float32Array);
        const row = byPath.get(file.rel) as string[];
        probabilities.forEach((p, k) => expect(Math.abs(p - Number(row[3 + k]))).toBeLessThan(1e-4));
      }
    } finally {
      await session.release();
    }

    const simulated = join(work, 'onnx-simulation');
    const simulate = await adma('simulate', images, '--model', model, '--preprocessing', 'scaling=unit', '--out', simulated, '--strategies', 'random,margin', '--seeds', '1', '--batch', '2', '--rounds', '2');
    expect(simulate.code, simulate.stderr).toBe(0);
    expect(simulate.stderr).toMatch(/features computed by ONNX Runtime/);
    expect(simulate.stderr).toMatch(/features: 0 computed, 16 cached/); // the folder's cache, shared with `adma extract`
    expect(readdirSync(simulated)).toContain('summary.md');
  }, 5 * 60_000);

  it("orders the classes as the app does for the same labels file: where the file first names each (an evaluation row too), one class whatever its case", async () => {
    const extract = await adma('extract', images, '--model', model, '--preprocessing', 'scaling=unit');
    expect(extract.code, extract.stderr).toBe(0);
    // As the app's labels.csv lists them, by name: its first row is an evaluation image of blues.
    // Importing it into a new project creates blues, then reds (labels-import.ts), and the model
    // learns them in that order; the CLI put reds first (its first training row), and "Reds" and
    // "Blues" were two more classes. A row of an image not in the folder (gone/9.png) names no
    // class, as the import reports it and makes none: it put reds first.
    const csv = join(work, 'order-labels.csv');
    const rows = [
      'path,class,split',
      'gone/9.png,reds,evaluation',
      'blues/23.png,blues,evaluation',
      'reds/1.png,reds,training',
      'reds/2.png,Reds,training',
      'reds/3.png,reds,training',
      'blues/27.png,blues,training',
      'blues/31.png,Blues,training',
    ];
    writeFileSync(csv, [...rows, ''].join('\n'));
    const train = await adma('train', images, '--labels', csv, '--fresh');
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toContain('5 labels: blues 2, reds 3');
    expect(train.stderr).toMatch(/evaluation accuracy [\d.]+% .* on 1 held-out label; left out: 1 without features/);
    const out = join(work, 'order-predictions.csv');
    const predict = await adma('predict', images, '--out', out);
    expect(predict.code, predict.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('path,predicted,confidence,blues,reds');

    // A next round keeps the classes where they were (a project's classes keep their place), whatever the file's order.
    writeFileSync(csv, ['path,class', 'reds/1.png,reds', 'reds/4.png,reds', 'blues/27.png,BLUES', 'blues/35.png,blues', ''].join('\n'));
    const again = await adma('train', images, '--labels', csv);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('4 labels: blues 2, reds 2');
    expect(again.stderr).toContain('warm start from the previous round');
  }, 5 * 60_000);
});

describe.skipIf(!haveData)(`adma on real photos with MobileNet v1 0.25${haveData ? '' : ' — SKIPPED: ../shared/models/mobilenet_v1_0.25_224 or ../shared/data/hymenoptera is absent'}`, () => {
  let folder: string;
  const files: { rel: string; className: string }[] = [];
  beforeAll(() => {
    folder = join(work, 'photos');
    for (const className of ['ants', 'bees']) {
      mkdirSync(join(folder, className), { recursive: true });
      for (const name of readdirSync(join(HYMENOPTERA, className)).sort().slice(0, 8)) {
        copyFileSync(join(HYMENOPTERA, className, name), join(folder, className, name));
        files.push({ rel: `${className}/${name}`, className });
      }
    }
  });

  it('extract → train (light, deep) → predict → export, printing the backend each time; the export predicts like `predict`', async () => {
    const extract = await adma('extract', folder, '--model', MOBILENET, '--deep');
    expect(extract.stderr).toContain('backend: WebAssembly');
    expect(extract.code, extract.stderr).toBe(0);
    expect(extract.stderr).toMatch(/extracted 16 images, 0 already cached, 0 failed/);
    const again = await adma('extract', folder);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/extracted 0 images, 16 already cached/);

    const labelled = files.filter((_, i) => i % 8 < 5);
    const csv = join(work, 'labels.csv');
    // As the app exports it: a split column, whose evaluation rows measure the model and are not trained on.
    const heldOut = files.filter((_, i) => i % 8 === 5).slice(0, 2);
    writeFileSync(
      csv,
      [
        'path,class,split',
        ...labelled.map((f, i) => (i === 0 ? `"${f.rel}",${f.className},train` : `${f.rel},${f.className},train`)),
        ...heldOut.map((f) => `${f.rel},${f.className},evaluation`),
        '',
      ].join('\r\n'),
    );
    const light = await adma('train', folder, '--labels', csv, '--seed', '3');
    expect(light.code, light.stderr).toBe(0);
    expect(light.stderr).toContain('backend: WebAssembly');
    expect(light.stderr).toContain('2 evaluation labels left out (their split column says evaluation)');
    expect(light.stderr).toContain('10 labels: ants 5, bees 5');
    expect(light.stderr).toContain('cold start');
    expect(light.stderr).toMatch(/trained light head: \d+ L-BFGS iterations, loss [\d.]+, training accuracy 100\.0%/);
    // The held-out labels measure the head they were kept from (they measured nothing before).
    expect(light.stderr).toMatch(/evaluation accuracy (0\.0|50\.0|100\.0)% \(95% CI [\d.]+–[\d.]+%\) on 2 held-out labels\n/);
    const deep = await adma('train', folder, '--labels', csv, '--mode', 'deep');
    expect(deep.code, deep.stderr).toBe(0);
    expect(deep.stderr).toContain('warm start from the previous round (light, 2 classes)');
    expect(deep.stderr).toMatch(/trained deep head: .*training accuracy 100\.0%/);

    const out = join(work, 'predictions.csv');
    const predict = await adma('predict', folder, '--out', out);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stderr).toContain('backend: WebAssembly');
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['path', 'predicted', 'confidence', 'ants', 'bees']);
    expect(rows.length).toBe(17);
    // In natural name order, as labels.csv lists images (hymenoptera's numbers are unpadded:
    // a 9-digit name before a 10-digit one, which byte order puts the other way round).
    const listed = rows.slice(1).map((r) => r[0] as string);
    expect(listed).toEqual(sortNaturally(listed));
    expect(listed).not.toEqual([...listed].sort());
    const byPath = new Map(rows.slice(1).map((r) => [r[0] as string, r]));
    const correct = files.filter((f) => byPath.get(f.rel)?.[1] === f.className).length;
    expect(correct).toBeGreaterThanOrEqual(12);
    // --out into a folder that does not exist: said in words before any work (it was an unhandled
    // stream error), and nothing is left behind; the rows go to <out>.partial until all are written.
    const nowhere = await adma('predict', folder, '--out', join(work, 'no-such-folder', 'p.csv'));
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(`adma predict: Cannot write ${join(work, 'no-such-folder', 'p.csv')}: the folder ${join(work, 'no-such-folder')} does not exist.`);
    expect(readdirSync(work).filter((name) => name.endsWith('.partial'))).toEqual([]);

    const exportDir = join(work, 'classifier');
    const exported = await adma('export', folder, '--out', exportDir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain('backend: WebAssembly');
    expect(exported.stdout.trim().split('\n')).toContain(join(exportDir, 'MODEL_CARD.md'));
    const card = readFileSync(join(exportDir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('| ants | 5 |');
    // The card's training details in words (engine/export/training-details.ts), as the app's: the
    // deep head's epochs, its loss to four digits, its seed; no held-out score is claimed.
    const details = card.slice(card.indexOf('## Training details'), card.indexOf('## Loading it'));
    expect(details).toMatch(/- mode: deep\n- epochs: \d+\n- final training loss: [\d.]+\n- training accuracy: 100\.0% \(on its own training labels/);
    expect(details).toContain('- seed: 0\n');
    expect(details).toMatch(/- final training loss: 0\.0*[1-9]\d{0,3}\n/);
    // The held-out labels' score, as `adma train` said it (the deep head's, the one exported).
    const heldOutLine = /evaluation accuracy ([\d.]+% \(95% CI [\d.]+–[\d.]+%\)) on 2 held-out labels/.exec(deep.stderr);
    expect(heldOutLine, deep.stderr).not.toBeNull();
    expect(card).toContain(`| evaluation accuracy | ${heldOutLine![1]!.replace(')', '')}, 2 images) |`);

    // The exported model, run by stock TF.js in another process, agrees with `adma predict`.
    const sample = files.slice(0, 2).concat(files.slice(8, 10));
    const inputs = new Float32Array(sample.length * 224 * 224 * 3);
    for (const [i, file] of sample.entries()) {
      const pixels = await decodeImage(join(folder, file.rel), { height: 224, width: 224, channels: 3, resize: 'center-crop' });
      for (let j = 0; j < pixels.length; j++) inputs[i * pixels.length + j] = pixels[j]! / 127.5 - 1;
    }
    const inputPath = join(work, 'sample.f32');
    writeFileSync(inputPath, new Uint8Array(inputs.buffer));
    const fresh = await new Promise<{ probabilities: number[] }>((done, fail) =>
      execFile(process.execPath, [LOADER, exportDir, inputPath, String(sample.length)], { maxBuffer: 1 << 26 }, (error, stdout) => (error ? fail(error) : done(JSON.parse(stdout) as { probabilities: number[] }))),
    );
    sample.forEach((file, i) => {
      const row = byPath.get(file.rel) as string[];
      expect(Math.abs(Number(row[3]) - fresh.probabilities[i * 2]!)).toBeLessThan(1e-4);
      expect(Math.abs(Number(row[4]) - fresh.probabilities[i * 2 + 1]!)).toBeLessThan(1e-4);
    });

    // Every label turned and mirrored too (the app's "No up or down"): the views are extracted once, then cached.
    const turned = await adma('train', folder, '--labels', csv, '--symmetries', '--fresh');
    expect(turned.code, turned.stderr).toBe(0);
    expect(turned.stderr).toContain('views: 10 images turned and mirrored now, 0 cached');
    expect(turned.stderr).toMatch(/trained light head: .*training accuracy 100\.0%/);
    const turnedAgain = await adma('train', folder, '--labels', csv, '--symmetries');
    expect(turnedAgain.stderr).toContain('views: 0 images turned and mirrored now, 10 cached');
    const deepTurned = await adma('train', folder, '--labels', csv, '--symmetries', '--mode', 'deep');
    expect(deepTurned.code).toBe(2);
    expect(deepTurned.stderr).toContain('--symmetries needs --mode light');
  }, 5 * 60_000); // eight commands on real photos, deep training on wasm: minutes when both cores are busy

  it('names labelled images that were never extracted, and refuses deep mode without cut activations', async () => {
    const csv = join(work, 'bad-labels.csv');
    writeFileSync(csv, `${files[0]!.rel},ants\nants/missing.jpg,ants\n${files[9]!.rel},bees\n`);
    const unknown = await adma('train', folder, '--labels', csv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('line 2: ants/missing.jpg');
    const shallow = join(work, 'shallow');
    mkdirSync(shallow);
    copyFileSync(join(folder, files[0]!.rel), join(shallow, 'a.jpg'));
    copyFileSync(join(folder, files[9]!.rel), join(shallow, 'b.jpg'));
    expect((await adma('extract', shallow, '--model', MOBILENET)).code).toBe(0);
    writeFileSync(join(work, 'ab.csv'), 'a.jpg,ants\nb.jpg,bees\n');
    const deep = await adma('train', shallow, '--labels', join(work, 'ab.csv'), '--mode', 'deep');
    expect(deep.code).toBe(1);
    expect(deep.stderr).toContain('--deep');
  });
});
