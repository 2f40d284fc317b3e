/**
 * The loop goes on where it was after a reopen: a batch labeled to its end whose training was
 * recorded, but whose next round was not queried (the project was closed while the model trained
 * on it: the close waits for the training and queries nothing after it; a crash between the two
 * leaves the same), gets its next round by itself once the project is open again and its
 * features are ready, with no "Next round now" and no second training. Through the request
 * handlers, with no window: the starter model on the demo digits, the real engine worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { findStarterModelDir } from '../../../src-main/engine/model/load-model';
import { findDemoDir } from '../../../src-main/engine/starter/demo-set';
import type { ProjectChanged, RoundInfo } from '../../../src-shared/contract';
import { handlerCaller } from '../../support/handler-calls';
import { tempDir } from '../../support/image-folder';
import { until } from '../../support/until';

const starterDir = findStarterModelDir();
const demoDir = findDemoDir();
const missing = !starterDir ? 'the starter model (resources/starter) is not built' : !demoDir ? 'the demo set (resources/demo) is absent' : null;

/** Waits on the real engine (features, training, queries): polled, and given longer than a unit test's state. */
const engineWork = { paceMs: 100, limitMs: 120_000 };
const BATCH = 10;

let workspace: Workspace | null = null;
let handlers: Handlers;
const call = handlerCaller(() => handlers);

function openWorkspace(stateDir: string): Workspace {
  const opened = new Workspace({ stateDir, shell: 'web', version: 'test', log: () => {}, seed: 7 });
  workspace = opened;
  handlers = createHandlers(opened);
  return opened;
}

afterAll(async () => {
  await workspace?.shutdown();
});

describe.skipIf(missing !== null)(`the loop after a reopen${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('a batch trained on but closed before its next round was queried gets that round by itself on reopen, without training again', async () => {
    const stateDir = tempDir('adma-resume-state-');
    const root = path.join(tempDir('adma-resume-'), 'demo');
    const first = openWorkspace(stateDir);
    await call('project:createDemo', { path: root });
    await until('features', async () => (await call('engine:status')).features.state === 'complete', engineWork);
    await call('loop:updateSettings', { batchSize: BATCH });
    const round = await call('loop:nextRound');
    expect(round.items).toHaveLength(BATCH);

    // The demo's true digit of each file; the classes are named by digit.
    const index = JSON.parse(fs.readFileSync(path.join(demoDir as string, 'mnist-demo.json'), 'utf8')) as { labels: string[]; items: { file: string; label: number }[] };
    const digitOf = new Map(index.items.map((item) => [item.file, index.labels[item.label] as string]));
    const classId = new Map((await call('classes:list')).map((c) => [c.name, c.id]));

    // The training on the batch starts after its last label: the project is closed while it
    // runs (the close waits for it to be recorded, and no query follows it).
    const trainingStarted = new Promise<void>((resolve) => {
      const stop = first.events.subscribe((event, payload) => {
        const change = payload as ProjectChanged;
        if (event === 'project:changed' && change.change === 'engine' && change.status.training) {
          stop();
          resolve();
        }
      });
    });
    for (const item of round.items) {
      await call('labels:set', { imageIds: [item.imageId], classId: classId.get(digitOf.get(path.basename(item.relPath)) as string) as number });
    }
    await trainingStarted;
    await first.shutdown();
    workspace = null;

    // Reopened: the batch is labeled and trained on, and no round follows it...
    openWorkspace(stateDir);
    await call('project:open', { path: root, create: false });
    const status = await call('engine:status');
    expect(status.modelVersion).toBe(1);
    expect(await call('loop:currentRound')).toMatchObject({ id: round.id, labeled: BATCH, trained: true });
    // ...until the features are ready: then the next round opens by itself, with the version trained before the close.
    const next = await until<RoundInfo>(
      'the next round, opened by itself',
      async () => {
        const current = await call('loop:currentRound');
        return current && current.id !== round.id ? current : null;
      },
      engineWork,
    );
    expect(next).toMatchObject({ index: 1, modelVersion: 1, labeled: 0 });
    expect(next.items).toHaveLength(BATCH);
    const asked = new Set(round.items.map((item) => item.imageId));
    expect(next.items.some((item) => asked.has(item.imageId))).toBe(false);
    // Not trained again: the version in use is still the one recorded before the close.
    expect((await call('engine:status')).modelVersion).toBe(1);
  });
});
