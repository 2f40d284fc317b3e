/**
 * How often the renderer crosses the process boundary. The stores run against the real
 * handlers (in process, a fake engine instead of TF.js), through a RawApi that counts every
 * request and delivers events asynchronously as the shells do. One label keystroke is one
 * request, "next batch" is one request, and a finished batch that trains and queries the next
 * one on the back end reaches the label view through events alone: nothing is fetched again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Workspace } from '../../../src-main/api/workspace';
import { classes } from '../../../src-renderer/stores/classes.svelte';
import { engine } from '../../../src-renderer/stores/engine.svelte';
import { labeling } from '../../../src-renderer/stores/labeling.svelte';
import { loop } from '../../../src-renderer/stores/loop.svelte';
import { project } from '../../../src-renderer/stores/project.svelte';
import { openProject, refreshesIdle, wireEvents } from '../../../src-renderer/orchestration/project-lifecycle';
import type { Channel } from '../../../src-shared/contract';
import { imageFolder } from '../../support/image-folder';
import { bridgedWorkspace } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const sent: Channel[] = [];
let ws: Workspace;
let unwire: () => void;

/** Run every timer the stores scheduled (coalesced refreshes) so a late re-fetch would be counted. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await vi.runAllTimersAsync();
  }
}

beforeAll(async () => {
  const root = await imageFolder(12);
  ws = bridgedWorkspace(sent);
  unwire = wireEvents();
  await openProject(root, true);
  await ws.rescan();
  await classes.create('ant');
  await classes.create('bee');
  expect(await engine.choose({ kind: 'starter' })).toBe(true);
  await ws.adaptation().features.done;
  await loop.update({ batchSize: 4 });
  // The scans' refreshes run on real timers: let them finish before the label session starts
  // (a refresh after a scan restarts an empty session on the queue) and before the clock is
  // faked (or a slow machine counts them in a test below).
  await until(() => !ws.current!.isScanning && refreshesIdle());
  await labeling.start({ kind: 'round' });
  await until(refreshesIdle);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  await settle();
});

afterAll(async () => {
  vi.useRealTimers();
  unwire?.();
  await ws?.shutdown();
});

describe('requests per user action', () => {
  it('"next batch" is one request; the label view shows the batch from its answer', async () => {
    sent.length = 0;
    const round = await loop.nextRound();
    await labeling.followRound(round); // what the Label view does with the answer
    await settle();
    expect(sent).toEqual(['loop:nextRound']);
    expect(labeling.items.map((i) => i.id)).toEqual(round.items.map((q) => q.imageId));
    expect(labeling.current).toMatchObject({ id: round.items[0]!.imageId, relPath: round.items[0]!.relPath, width: 48, height: 48 });
    expect(loop.rounds[0]?.id).toBe(round.id);
  });

  it('one label keystroke is one request; counts and the queue follow from its event', async () => {
    const ant = classes.list.find((c) => c.name === 'ant')!;
    const first = labeling.current!;
    sent.length = 0;
    await labeling.label(ant.id);
    await settle();
    expect(sent).toEqual(['labels:set']);
    expect(labeling.current?.id).not.toBe(first.id);
    expect(project.summary?.labeledCount).toBe(1);
    expect(classes.byId.get(ant.id)?.labelCount).toBe(1);
    expect(loop.round?.labeled).toBe(1);
  });

  it('a finished batch trains and queries on the back end; the new round arrives by event with nothing fetched', async () => {
    const [ant, bee] = [classes.list.find((c) => c.name === 'ant')!, classes.list.find((c) => c.name === 'bee')!];
    const before = loop.round!;
    sent.length = 0;
    await labeling.label(bee.id);
    await labeling.label(ant.id);
    await labeling.label(bee.id);
    const next = await until(() => (loop.round && loop.round.id !== before.id ? loop.round : null));
    await until(() => labeling.round?.id === next.id);
    await settle();
    expect(sent).toEqual(['labels:set', 'labels:set', 'labels:set']);
    expect(next).toMatchObject({ index: 1, modelVersion: 1, labeled: 0 });
    expect(engine.status?.modelVersion).toBe(1);
    expect(labeling.current?.id).toBe(next.items[0]!.imageId);
  });
});
