import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHead, saveHead, type HeadRecordFacts } from '../../../src-main/engine/train/head-file';
import type { HeadWeights } from '../../../src-main/engine/train/head-weights';

const work = mkdtempSync(join(tmpdir(), 'adma-head-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const facts: HeadRecordFacts = { modelId: 'm', labelCounts: [3, 4, 5], trainedAt: '2026-01-01T00:00:00.000Z', backend: 'wasm', seed: 7, epochs: 12, loss: 0.04, trainAccuracy: 1 };
const ramp = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * k)));

describe('head files', () => {
  it('round-trips light and deep heads exactly', async () => {
    const light: HeadWeights = { mode: 'light', classes: ['a', 'b', 'c'], inputShape: [5], block: null, dense: { kernel: ramp(15, 1), bias: ramp(3, 2) } };
    const deep: HeadWeights = {
      mode: 'deep',
      classes: ['a', 'b', 'c'],
      inputShape: [2, 2, 4],
      block: { kernel: ramp(24, 3), bias: ramp(6, 4), inChannels: 4, outChannels: 6, activation: 'relu6' },
      dense: { kernel: ramp(18, 5), bias: ramp(3, 6) },
    };
    for (const head of [light, deep]) {
      const dir = join(work, head.mode);
      await saveHead(dir, { head, facts });
      const loaded = await loadHead(dir);
      expect(loaded.facts).toEqual(facts);
      expect(loaded.head).toEqual(head);
    }
  });

  it('reports a missing or torn head clearly', async () => {
    await expect(loadHead(join(work, 'none'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const dir = join(work, 'torn');
    await saveHead(dir, { head: { mode: 'light', classes: ['a', 'b'], inputShape: [2], block: null, dense: { kernel: ramp(4, 1), bias: ramp(2, 1) } }, facts });
    writeFileSync(join(dir, 'head.bin'), new Uint8Array(8));
    await expect(loadHead(dir)).rejects.toThrow(/holds 2 weights but head.json describes 6/);
  });
});
