import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { saveLayersModel } from '../../../src-main/engine/export/save-layers-model';
import { artifactsHandler, readModelFolder } from '../../../src-main/engine/model/model-folder-io';

let work: string;
beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'adma-save-model-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('saving a Layers model to a folder', () => {
  it('splits the weights into shards that load back to the same predictions, and removes stale shards', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [20], units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const dir = join(work, 'model');
    const small = await saveLayersModel(model, dir, 2048);
    const bytes = (20 * 64 + 64 + 64 * 3 + 3) * 4;
    expect(small.weightBytes).toBe(bytes);
    const shards = Math.ceil(bytes / 2048);
    expect(shards).toBeGreaterThan(2);
    expect(small.files).toEqual(['model.json', ...Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`)]);

    const contents = await readModelFolder(dir);
    expect(contents.json.format).toBe('layers-model');
    const reloaded = await tf.loadLayersModel(artifactsHandler(contents.artifacts));
    const x = tf.randomUniform([5, 20], -1, 1, 'float32', 4);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const actual = (reloaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(actual)).toEqual(Array.from(expected));

    const large = await saveLayersModel(model, dir);
    expect(large.files).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    tf.dispose([x]);
    model.dispose();
    reloaded.dispose();
  });
});
