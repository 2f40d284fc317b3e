/**
 * Round turnaround on a 10,000-image pool (MNIST digits, starter model, light mode, the
 * engine's backend — wasm here): from the last label of a batch to the next batch being
 * ready, split into training and selection; and, in continuous mode, how long the expert
 * waits for a next image (the queue must never be empty). Also the resident memory of the
 * process and its engine worker with the project open.
 * Run: npx tsx bench/active-loop.bench.ts [images] [rounds] [--prelabel N] [--skip-continuous].
 * Beyond the package's 10,000 digits, each further copy of a digit is shifted by a pixel or two
 * and carries its own faint noise (distinct features, as distinct photos would have).
 * `--keep-features` keeps the feature cache of the last run (extraction then only reads it);
 * `--keep-perceptual` keeps the thumbnails' difference hashes too (perceptual.db, by content hash).
 * `--profile-main FILE`: a CPU profile of the main thread only from the model choice to the end
 * of the first round (support/main-thread-profile.ts), to slice around a stall.
 * `--prelabel N` labels N random images (the true digit, outside the queue) before the rounds,
 * so the rounds run with N + 10, N + 20, ... labels (the cluster strategies' K grows with them).
 * Also: the feature cache's size, `dashboard:get` and the longest stall of the host's event loop
 * (the main thread: a request answered late by that much) during each phase.
 * The pool is written once to bench/.work/ (git-ignored) and reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { dispatch } from '../src-main/api/dispatch';
import { createHandlers } from '../src-main/api/handlers';
import { Workspace } from '../src-main/api/workspace';
import { ADMIN_DIR } from '../src-main/project/project-db';
import { writeLabelledImages } from '../src-main/engine/starter/labelled-image-files';
import { loadMnistDigits, MNIST_LABELS, type MnistDigit } from '../src-main/engine/starter/mnist-source';
import { mulberry32 } from '../src-main/core/seeded-random';
import type { ArgsOf, Channel, ResultOf } from '../src-shared/contract';
import { IMAGE_SORT_KEYS } from '../src-shared/requests/images';
import { mainThreadProfile } from './support/main-thread-profile';
import { MainThreadStalls } from './support/main-thread-stalls';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { prelabel: { type: 'string', default: '0' }, 'skip-continuous': { type: 'boolean', default: false }, 'keep-features': { type: 'boolean', default: false }, 'keep-perceptual': { type: 'boolean', default: false }, 'profile-main': { type: 'string' } },
});
const count = Number(positionals[0] ?? 10_000);
const rounds = Number(positionals[1] ?? 8);
const prelabel = Number(options.prelabel);
const dir = path.resolve('bench/.work', `loop-${count}`);

/** Copy `copy` (0: the digit itself) of a digit: shifted by up to 2 pixels, with its own faint noise. */
function variant(digit: MnistDigit, copy: number): MnistDigit {
  if (copy === 0) return digit;
  const random = mulberry32(copy * 100_003 + digit.pixels.length + digit.label);
  const dx = (copy % 5) - 2;
  const dy = (Math.floor(copy / 5) % 5) - 2;
  const pixels = new Uint8Array(28 * 28);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      const sy = y - dy;
      const v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? (digit.pixels[sy * 28 + sx] as number) : 0;
      pixels[y * 28 + x] = Math.max(0, Math.min(255, v + Math.round((random() - 0.5) * 24)));
    }
  }
  return { id: `${digit.id}-v${copy}`, label: digit.label, pixels };
}

async function pool(): Promise<Map<string, string>> {
  const truthFile = path.join(dir, '..', `loop-${count}-truth.json`);
  if (!fs.existsSync(truthFile)) {
    const all = await loadMnistDigits();
    const digits = Array.from({ length: count }, (_, i) => variant(all[i % all.length]!, Math.floor(i / all.length)));
    const written = await writeLabelledImages(
      dir,
      digits.map((d) => ({ file: `${d.id}.png`, label: MNIST_LABELS[d.label] as string, image: { width: 28, height: 28, pixels: d.pixels } })),
      'flat',
    );
    fs.writeFileSync(truthFile, JSON.stringify(Object.fromEntries(written.map((w) => [w.path, w.label]))));
  }
  return new Map(Object.entries(JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Record<string, string>));
}

const loadavg = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');

/** Each entry of a folder with its size (folders summed), largest first. */
function sizes(folder: string): string {
  const total = (p: string): number => {
    const stat = fs.statSync(p);
    return stat.isDirectory() ? fs.readdirSync(p).reduce((sum, name) => sum + total(path.join(p, name)), 0) : stat.size;
  };
  return fs
    .readdirSync(folder)
    .map((name) => [name, total(path.join(folder, name))] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(1)} MB`)
    .join(', ');
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] as number;

async function main(): Promise<void> {
  const truth = await pool();
  // --keep-features: a fresh project, but the feature cache (keyed by content hash) is kept.
  const admin = path.join(dir, ADMIN_DIR);
  const kept = (name: string): boolean => (options['keep-features'] && name === 'features') || (options['keep-perceptual'] && name.startsWith('perceptual.db'));
  if (fs.existsSync(admin)) for (const name of fs.readdirSync(admin)) if (!kept(name)) fs.rmSync(path.join(admin, name), { recursive: true, force: true });
  const ws = new Workspace({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'adma-bench-')), shell: 'web', version: 'bench', log: (m) => console.error(m) });
  const h = createHandlers(ws);
  const call = async <C extends Channel>(c: C, args?: ArgsOf<C>): Promise<ResultOf<C>> => {
    // Each request arrives as its own message, as from a shell (IPC, WebSocket): without this
    // turn of the event loop, requests awaited one after another ran as one block of
    // microtasks, and the stall monitors saw 500 labels as one 4-second stall.
    await new Promise((resolve) => setImmediate(resolve));
    const r = await dispatch(h, c, args);
    if (!r.ok) throw new Error(`${c}: ${r.error.message}`);
    return r.value as ResultOf<C>;
  };
  // The host's main thread: the longest it was busy without answering (event-loop delay).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const stall = (): string => {
    const max = delay.max / 1e6;
    delay.reset();
    return `${max.toFixed(0)} ms`;
  };
  // Each stall over 50 ms, counted per phase (the histogram above gives only the longest).
  const stalls = new MainThreadStalls();
  console.log(`main-thread stalls: a 10 ms timer; CPU and wait per stall from ${stalls.clockSource}; load average ${loadavg()}`);
  let roundAt = 0;
  ws.events.subscribe((event, payload) => {
    if (event === 'project:changed' && (payload as { change: string }).change === 'round') roundAt = performance.now();
  });
  await call('project:open', { path: dir, create: true });
  await ws.rescan();
  const classId = new Map<string, number>();
  for (const name of MNIST_LABELS) classId.set(name, (await call('classes:create', { name })).id);
  const label = async (imageId: number, relPath: string) => call('labels:set', { imageIds: [imageId], classId: classId.get(truth.get(relPath) as string) as number });
  stall();
  stalls.take();
  const stopProfile = options['profile-main'] ? await mainThreadProfile(options['profile-main']) : null;
  const t0 = performance.now();
  await call('engine:chooseModel', { choice: { kind: 'starter' } });
  // The start of extraction (the job's images listed and handed to the worker): its first 3 seconds.
  while (performance.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 50));
  console.log(`extraction start (model chosen, first 3 s): longest main-thread stall ${stall()}; stalls ${stalls.take()}`);
  let status = await call('engine:status');
  while (status.features.state === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    status = await call('engine:status');
  }
  const extractS = (performance.now() - t0) / 1000;
  console.log(`backend: ${status.backend}; load average ${loadavg()}`);
  console.log(`pool: ${count} images; feature extraction ${extractS.toFixed(1)} s (${Math.round(count / extractS)} images/s, starter model); longest main-thread stall ${stall()}; stalls ${stalls.take()}`);
  // The folder's sizes walk every file synchronously (after extraction from scratch, 100,000
  // thumbnails: ~0.5 s of this thread's CPU): the bench's own work, not counted as a stall.
  console.log(`project folder .adma: ${sizes(path.join(dir, ADMIN_DIR))}`);
  stalls.take();
  stall();

  await call('loop:updateSettings', { batchSize: 10 });
  const p0 = performance.now();
  let round = await call('loop:nextRound');
  console.log(`first round (pool prepare incl. distinctiveness for ${count} images + selection): ${Math.round(performance.now() - p0)} ms; longest main-thread stall ${stall()}; stalls ${stalls.take()}`);
  await stopProfile?.();

  const runRounds = async (labels: string): Promise<void> => {
    const turnaround: number[] = [];
    const cpuMs: number[] = [];
    const trainMs: number[] = [];
    const roundStalls: string[] = [];
    stalls.take();
    for (let r = 0; r < rounds; r++) {
      for (const item of round.items.slice(0, -1)) await label(item.imageId, item.relPath);
      const last = round.items.at(-1)!;
      const before = round.id;
      const start = performance.now();
      const cpu = process.cpuUsage();
      await label(last.imageId, last.relPath);
      while (((await call('loop:currentRound'))?.id ?? before) === before) await new Promise((res) => setTimeout(res, 5));
      turnaround.push(roundAt - start);
      const used = process.cpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
      round = (await call('loop:currentRound'))!;
      const versions = ws.adaptation().store.latestVersion();
      if (versions) trainMs.push(Number(versions.metrics.millis));
      roundStalls.push(stalls.take(3));
    }
    console.log(`round turnaround (${labels}), last label → next batch ready (light, b = 10, ${rounds} rounds): p50 ${Math.round(percentile(turnaround, 50))} ms, max ${Math.round(Math.max(...turnaround))} ms`);
    console.log(`  of which fine-tuning in the worker: p50 ${Math.round(percentile(trainMs, 50))} ms; load average ${loadavg()}`);
    console.log(`  every turnaround (ms): ${turnaround.map((t) => Math.round(t)).join(', ')}; longest main-thread stall during the rounds ${stall()}`);
    // CPU time of the whole process (every thread) per turnaround: what the wall clock would be on one idle core.
    console.log(`  CPU time per turnaround (all threads, ms): ${cpuMs.map((t) => Math.round(t)).join(', ')}`);
    console.log(`  main-thread stalls per round (its labels, training, selection): ${roundStalls.join('; ')}`);
  };
  await runRounds('from 0 labels');
  if (prelabel > 0) {
    stall();
    const random = mulberry32(7);
    const rows: { id: number; relPath: string }[] = [];
    for (let offset = 0; offset < count; offset += 5000) rows.push(...(await call('images:list', { filter: { kind: 'all' }, offset, limit: 5000 })).items);
    const picked = new Set<number>();
    while (picked.size < Math.min(prelabel, rows.length)) picked.add(Math.floor(random() * rows.length));
    for (const index of picked) await label(rows[index]!.id, rows[index]!.relPath);
    console.log(`${picked.size} images labeled outside the queue (true digits); longest main-thread stall ${stall()}; stalls ${stalls.take()}`);
    await runRounds(`from ${picked.size + rounds * 10} labels`);
  }

  for (const [what, channel] of [
    ['dashboard:get', 'dashboard:get'],
    ['project:current', 'project:current'],
    ['loop:currentRound', 'loop:currentRound'],
    ['engine:status', 'engine:status'],
  ] as const) {
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const s = performance.now();
      await call(channel);
      times.push(performance.now() - s);
    }
    console.log(`  ${what}: ${times.map((t) => t.toFixed(1)).join(' / ')} ms`);
  }
  // The gallery's pages: every sort key, near the top and deep (with the rounds' predictions and query scores).
  console.log(`gallery pages (images:list, 200 images, median of 3 / max), load average ${loadavg()}:`);
  stalls.take();
  const offsets = [0, Math.floor(count / 2), count - 200];
  for (const filter of [{ kind: 'all' }, { kind: 'unlabeled' }] as const) {
    for (const key of IMAGE_SORT_KEYS) {
      for (const descending of [false, true]) {
        const line: string[] = [];
        for (const offset of offsets) {
          const times: number[] = [];
          for (let k = 0; k < 3; k++) {
            const s = performance.now();
            await call('images:list', { filter, sort: { key, descending }, offset, limit: 200 });
            times.push(performance.now() - s);
          }
          times.sort((a, b) => a - b);
          line.push(`@${offset} ${times[1]!.toFixed(1)}/${times[2]!.toFixed(1)}`);
        }
        console.log(`  ${filter.kind} by ${key}${descending ? ' desc' : ''}: ${line.join(', ')} ms`);
      }
    }
  }
  console.log(`  gallery pages: main-thread stalls ${stalls.take()}`);
  console.log(`  memory after the rounds: main process RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  if (options['skip-continuous']) {
    stalls.stop();
    await ws.shutdown();
    return;
  }

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
  stalls.stop();
  await ws.shutdown();
}

void main();
