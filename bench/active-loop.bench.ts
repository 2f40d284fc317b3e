/**
 * Round turnaround on a 10,000-image pool (MNIST digits, starter model, light mode, the
 * engine's backend — wasm here): from the last label of a batch to the next batch being
 * ready, split into training and selection; and, in continuous mode, how long the expert
 * waits for a next image (the queue must never be empty). Also the resident memory of the
 * process and its engine worker with the project open.
 * Run: npx tsx bench/active-loop.bench.ts [images] [rounds]. Prints numbers; asserts nothing.
 * The pool is written once to bench/.work/ (git-ignored) and reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../src-main/api/dispatch';
import { createHandlers } from '../src-main/api/handlers';
import { Workspace } from '../src-main/api/workspace';
import { ADMIN_DIR } from '../src-main/project/project-db';
import { writeLabelledImages } from '../src-main/engine/starter/labelled-image-files';
import { loadMnistDigits, MNIST_LABELS } from '../src-main/engine/starter/mnist-source';
import type { ArgsOf, Channel, ResultOf } from '../src-shared/contract';

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 8);
const dir = path.resolve('bench/.work', `loop-${count}`);

async function pool(): Promise<Map<string, string>> {
  const truthFile = path.join(dir, '..', `loop-${count}-truth.json`);
  if (!fs.existsSync(truthFile)) {
    const digits = (await loadMnistDigits()).slice(0, count);
    const written = await writeLabelledImages(
      dir,
      digits.map((d) => ({ file: `${d.id}.png`, label: MNIST_LABELS[d.label] as string, image: { width: 28, height: 28, pixels: d.pixels } })),
      'flat',
    );
    fs.writeFileSync(truthFile, JSON.stringify(Object.fromEntries(written.map((w) => [w.path, w.label]))));
  }
  return new Map(Object.entries(JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Record<string, string>));
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] as number;

async function main(): Promise<void> {
  const truth = await pool();
  fs.rmSync(path.join(dir, ADMIN_DIR), { recursive: true, force: true });
  const ws = new Workspace({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'adma-bench-')), shell: 'web', version: 'bench', log: (m) => console.error(m) });
  const h = createHandlers(ws);
  const call = async <C extends Channel>(c: C, args?: ArgsOf<C>): Promise<ResultOf<C>> => {
    const r = await dispatch(h, c, args);
    if (!r.ok) throw new Error(`${c}: ${r.error.message}`);
    return r.value as ResultOf<C>;
  };
  let roundAt = 0;
  ws.events.subscribe((event, payload) => {
    if (event === 'project:changed' && (payload as { change: string }).change === 'round') roundAt = performance.now();
  });
  await call('project:open', { path: dir, create: true });
  await ws.rescan();
  const classId = new Map<string, number>();
  for (const name of MNIST_LABELS) classId.set(name, (await call('classes:create', { name })).id);
  const t0 = performance.now();
  await call('engine:chooseModel', { choice: { kind: 'starter' } });
  let status = await call('engine:status');
  while (status.features.state === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    status = await call('engine:status');
  }
  const extractS = (performance.now() - t0) / 1000;
  console.log(`backend: ${status.backend}`);
  console.log(`pool: ${count} images; feature extraction ${extractS.toFixed(1)} s (${Math.round(count / extractS)} images/s, starter model)`);

  const label = async (imageId: number, relPath: string) => call('labels:set', { imageIds: [imageId], classId: classId.get(truth.get(relPath) as string) as number });
  await call('loop:updateSettings', { batchSize: 10 });
  const p0 = performance.now();
  let round = await call('loop:nextRound');
  console.log(`first round (pool prepare incl. distinctiveness for ${count} images + selection): ${Math.round(performance.now() - p0)} ms`);

  const turnaround: number[] = [];
  const trainMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const item of round.items.slice(0, -1)) await label(item.imageId, item.relPath);
    const last = round.items.at(-1)!;
    const before = round.id;
    const start = performance.now();
    await label(last.imageId, last.relPath);
    while (((await call('loop:currentRound'))?.id ?? before) === before) await new Promise((res) => setTimeout(res, 5));
    turnaround.push(roundAt - start);
    round = (await call('loop:currentRound'))!;
    const versions = ws.adaptation().store.latestVersion();
    if (versions) trainMs.push(Number(versions.metrics.millis));
  }
  console.log(`round turnaround, last label → next batch ready (light, b = 10, ${rounds} rounds): p50 ${Math.round(percentile(turnaround, 50))} ms, max ${Math.round(Math.max(...turnaround))} ms`);
  console.log(`  of which fine-tuning in the worker: p50 ${Math.round(percentile(trainMs, 50))} ms`);

  await call('loop:updateSettings', { continuous: true });
  const waits: number[] = [];
  let emptyQueue = 0;
  for (let i = 0; i < 60; i++) {
    const start = performance.now();
    const current = (await call('loop:currentRound'))!;
    const next = current.items.find((item) => item.classId === null);
    waits.push(performance.now() - start);
    if (!next) {
      emptyQueue++;
      await new Promise((res) => setTimeout(res, 50));
      continue;
    }
    await label(next.imageId, next.relPath);
    await new Promise((res) => setTimeout(res, 250)); // an expert's ~4 labels per second
  }
  console.log(`continuous mode, 60 labels at ~4/s: next image available after p50 ${percentile(waits, 50).toFixed(1)} ms, p95 ${percentile(waits, 95).toFixed(1)} ms; queue empty ${emptyQueue} times; ${ws.adaptation().store.latestVersion()?.version} versions trained`);
  const rss = process.memoryUsage().rss;
  console.log(`memory with the project open: main process RSS ${(rss / 1e6).toFixed(0)} MB (the engine worker is a thread of the same process, so this includes it)`);
  await ws.shutdown();
}

void main();
