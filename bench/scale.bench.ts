/**
 * The back end at 100,000 images: scan and rescan rates, time to first image, database size,
 * then the duration of each request the gallery and the label view send (through `dispatch`,
 * as a shell runs them: each one blocks the host's main thread for that long), and the host's
 * RSS. Run: `npx tsx bench/scale.bench.ts [--images 100000] [--large-every 500] [--extract-seconds N]
 * [--profile-main FILE]`.
 * The folder is generated once under bench/.work/ (mixed sizes, every n-th image 12 MP). Prints
 * numbers; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dispatch } from '../src-main/api/dispatch';
import { createHandlers } from '../src-main/api/handlers';
import type { Workspace } from '../src-main/api/workspace';
import { checkClassLabelCounts } from '../src-main/project/class-label-counts';
import { mainThreadProfile } from './support/main-thread-profile';
import { MainThreadStalls } from './support/main-thread-stalls';
import { threadClock } from './support/thread-cpu';
import { measureScan, scanTimingLines } from './support/measure-scan';
import { scaleFolder } from './support/scale-folder';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '100000' },
    'large-every': { type: 'string', default: '500' },
    'extract-seconds': { type: 'string', default: '0' },
    'profile-main': { type: 'string' },
  },
});
const extractSeconds = Number(values['extract-seconds']);
const count = Number(values.images);

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const loadavg = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');

/**
 * `--extract-seconds N`: feature extraction of the generated folder with the starter model on the
 * engine's backend (ONNX Runtime where it loads), then the perceptual pass (thumbnail hashes and
 * gallery thumbnails), for at most N seconds (then cancelled), and 30 s after it (the pool is
 * rebuilt from the new features): each phase's rate, the load average during it, the main
 * thread's CPU, and every main-thread stall over 100 ms with its own CPU time, its wait for a
 * core, GC and the longest task (support/main-thread-stalls.ts). `--profile-main FILE`: a CPU
 * profile of the main thread only (inspector, 1 ms samples) over the whole of it, to slice
 * around a stall (the offset printed maps a stall's performance.now() to the profile's µs).
 */
async function extract(handlers: ReturnType<typeof createHandlers>, workspace: Workspace, dir: string, seconds: number, profileFile: string | undefined): Promise<void> {
  const profile = profileFile ? await mainThreadProfile(profileFile) : null;
  const stalls = new MainThreadStalls(50);
  console.log(`main-thread clock: ${stalls.clockSource}`);
  const thread = threadClock();
  type Phase = { name: string; start: number; cpu0: number; procCpu0: NodeJS.CpuUsage; loads: number[]; progress: string[] };
  const begin = (name: string): Phase => ({ name, start: performance.now(), cpu0: thread.read().cpuMs, procCpu0: process.cpuUsage(), loads: [os.loadavg()[0]!], progress: [] });
  const end = (phase: Phase, what: string): void => {
    const wallS = (performance.now() - phase.start) / 1000;
    const mainCpuS = (thread.read().cpuMs - phase.cpu0) / 1000;
    const proc = process.cpuUsage(phase.procCpu0);
    phase.loads.push(os.loadavg()[0]!);
    const loads = `${Math.min(...phase.loads).toFixed(1)}–${Math.max(...phase.loads).toFixed(1)}`;
    console.log(`${phase.name}: ${wallS.toFixed(0)} s${what ? `, ${what}` : ''}; load average (1 min) ${loads}; main thread CPU ${mainCpuS.toFixed(1)} s, process (all threads) ${((proc.user + proc.system) / 1e6).toFixed(0)} s`);
    if (phase.progress.length) console.log(`  progress: ${phase.progress.join(', ')}`);
    console.log(`  main-thread stalls: ${stalls.take(8)}`);
  };
  let phase = begin('features');
  // Mutated by the event subscription (a holder: narrowing would not see the callback's writes).
  const perceptual = { seen: false, done: 0, total: 0 };
  const unsubscribe = workspace.events.subscribe((event, payload) => {
    if (event !== 'job:progress') return;
    const p = payload as { kind: string; phase: string; done: number; total: number };
    if (p.kind !== 'extract' || p.phase !== 'thumbnail hashes') return;
    if (!perceptual.seen) {
      end(phase, '');
      phase = begin('perceptual pass (thumbnail hashes and gallery thumbnails)');
    }
    Object.assign(perceptual, { seen: true, done: p.done, total: p.total });
  });
  const t0 = performance.now();
  await dispatch(handlers, 'engine:chooseModel', { choice: { kind: 'starter' } });
  type Status = { backend: string; features: { state: string; done: number; total: number } };
  const status = async (): Promise<Status> => ((await dispatch(handlers, 'engine:status', undefined)) as { ok: true; value: Status }).value;
  let s = await status();
  let lastSample = t0;
  while (s.features.state === 'running' && performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 2000));
    s = await status();
    phase.loads.push(os.loadavg()[0]!);
    if (performance.now() - lastSample >= 60_000) {
      lastSample = performance.now();
      const at = ((performance.now() - phase.start) / 1000).toFixed(0);
      phase.progress.push(`${at} s: ${perceptual.seen ? perceptual.done : s.features.done}`);
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  const finished = s.features.state !== 'running';
  if (!finished) await dispatch(handlers, 'engine:cancelFeatures', undefined);
  unsubscribe();
  const phaseS = (performance.now() - phase.start) / 1000;
  end(
    phase,
    perceptual.seen
      ? `${finished ? `${perceptual.total} images` : `cancelled at ${perceptual.done} of ${perceptual.total}`} = ${((finished ? perceptual.total : perceptual.done) / phaseS).toFixed(0)} images/s`
      : `${s.features.done} of ${s.features.total} features = ${(s.features.done / elapsed).toFixed(0)} images/s`,
  );
  console.log(`feature extraction (starter model, ${s.backend}): ${finished ? 'finished' : 'cancelled'} after ${elapsed.toFixed(0)} s (features and perceptual pass), ${s.features.done} of ${s.features.total} images`);
  phase = begin('30 s after (pool rebuilt from the new features)');
  for (let k = 0; k < 15; k++) {
    await new Promise((r) => setTimeout(r, 2000));
    await status();
    phase.loads.push(os.loadavg()[0]!);
  }
  end(phase, '');
  stalls.stop();
  thread.close();
  await profile?.();
  const cache = path.join(dir, '.adma', 'features');
  const bytes = fs.readdirSync(cache).reduce((sum, name) => sum + fs.statSync(path.join(cache, name)).size, 0);
  console.log(`  feature cache ${mb(bytes)} (${s.features.done > 0 ? Math.round(bytes / s.features.done) : 0} bytes per image)`);
}

/**
 * What every label costs the host's main thread besides its write, with every image labeled: the
 * counts and class list `labelsChanged` announces, and the training-label count the engine status
 * re-sends once a classifier exists (ActiveLoop.onLabelsChanged). Each read alone, then one label
 * through dispatch, which runs them all (a real change each time: image 7 goes to the other class).
 * Medians of 5, max.
 */
async function perLabelStatus(workspace: Workspace, handlers: ReturnType<typeof createHandlers>, classIds: [number, number]): Promise<void> {
  const project = workspace.requireProject();
  const store = workspace.adaptation().store;
  const median = async (what: string, run: (k: number) => unknown): Promise<void> => {
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const s = performance.now();
      await run(k);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${what.padEnd(58)} ${times[2]!.toFixed(1).padStart(7)} ms (max ${times[4]!.toFixed(1)})`);
  };
  console.log(`per-label status with ${project.images.labelCounts().labeled} labels (median of 5, max):`);
  await median('labelCounts (labeled, unsure)', () => project.images.labelCounts());
  await median('classes.list (labels per class)', () => project.classes.list());
  await median('trainingLabelCount (engine status)', () => store.trainingLabelCount());
  // What the renderer asks again after a label (refreshViews, the engine store), whole, through dispatch.
  const request = async (channel: string, args: unknown): Promise<void> => {
    const result = await dispatch(handlers, channel, args);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  };
  await median('engine:status (header, model panel)', () => request('engine:status', undefined));
  await median('dashboard:get (dashboard and adapt views)', () => request('dashboard:get', undefined));
  await median('labels:history limit 300 (history view)', () => request('labels:history', { limit: 300 }));
  // Not per label: the check of the kept counts against the rows when the project opens (class-label-counts.ts).
  await median('checkClassLabelCounts (at every open, not per label)', () => checkClassLabelCounts(project.db));
  await median('labels:set one image (all of it, with the write)', async (k) => {
    const result = await dispatch(handlers, 'labels:set', { imageIds: [7], classId: classIds[(k + 1) % 2] });
    if (!result.ok) throw new Error(`labels:set: ${result.error.message}`);
  });
}

async function main(): Promise<void> {
  const dir = await scaleFolder({ count, largeEvery: Number(values['large-every']) });
  console.log(`${count} images in ${dir}; load average ${loadavg()}; ${os.cpus().length} cores`);
  const timing = await measureScan(dir, 'screen1920');
  const { workspace } = timing;
  const handlers = createHandlers(workspace);
  for (const line of scanTimingLines(timing)) console.log(line);
  console.log(`load average ${loadavg()}`);

  // Requests, each timed through dispatch (median of 3; the host answers nothing else meanwhile).
  const timed = async (what: string, channel: string, args: unknown): Promise<unknown> => {
    const times: number[] = [];
    let value: unknown;
    for (let k = 0; k < 3; k++) {
      const s = performance.now();
      const result = await dispatch(handlers, channel, args);
      times.push(performance.now() - s);
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      value = result.value;
    }
    times.sort((a, b) => a - b);
    console.log(`  ${what.padEnd(58)} ${times[1]!.toFixed(1).padStart(7)} ms (max ${times[2]!.toFixed(1)})`);
    return value;
  };
  console.log('request durations (median of 3, max):');
  const cls = (await dispatch(handlers, 'classes:create', { name: 'A' })) as { ok: true; value: { id: number } };
  const b = (await dispatch(handlers, 'classes:create', { name: 'B' })) as { ok: true; value: { id: number } };
  await timed('project:current (summary)', 'project:current', undefined);
  for (const offset of [0, 50_000, count - 200]) {
    await timed(`images:list all by name, offset ${offset}`, 'images:list', { filter: { kind: 'all' }, offset, limit: 200 });
  }
  for (const key of ['date', 'prediction', 'confidence', 'score'] as const) {
    await timed(`images:list all by ${key}, offset ${count / 2}`, 'images:list', { filter: { kind: 'all' }, sort: { key, descending: true }, offset: count / 2, limit: 200 });
  }
  await timed('images:list unlabeled, offset 0', 'images:list', { filter: { kind: 'unlabeled' }, offset: 0, limit: 200 });
  await timed('images:get', 'images:get', { id: Math.min(77_777, Math.floor(count / 2)) });
  // A bulk write runs in the label writer thread: its answer takes that long; the main thread's
  // stalls meanwhile (with their own CPU time: support/main-thread-stalls.ts) are what block other requests.
  const bulkStalls = new MainThreadStalls(50);
  const bulkTimed = async (what: string, channel: 'labels:setMatching' | 'labels:undo' | 'labels:redo', args: unknown): Promise<void> => {
    bulkStalls.take();
    const s = performance.now();
    const result = await dispatch(handlers, channel, args);
    const ms = performance.now() - s;
    const note = result.ok ? '' : (result.error as { message: string }).message;
    console.log(`  ${what.padEnd(58)} ${ms.toFixed(1).padStart(7)} ms; main-thread stalls ${bulkStalls.take(3)} ${note}`);
  };
  await bulkTimed('labels:setMatching all (Ctrl+A label, once)', 'labels:setMatching', { filter: { kind: 'all' }, exceptIds: [1, 2, 3], classId: cls.value.id });
  await bulkTimed('labels:undo of it (once)', 'labels:undo', undefined);
  await bulkTimed('labels:redo of it (once)', 'labels:redo', undefined);
  await bulkTimed('labels:undo of it again (once)', 'labels:undo', undefined);
  await timed('labels:set one image', 'labels:set', { imageIds: [5], classId: cls.value.id });
  await timed('labels:history limit 200', 'labels:history', { limit: 200 });
  await timed('images:list labeled, offset 0', 'images:list', { filter: { kind: 'labeled' }, offset: 0, limit: 200 });
  await bulkTimed('labels:setMatching all again (every image labeled)', 'labels:setMatching', { filter: { kind: 'all' }, exceptIds: [], classId: cls.value.id });
  bulkStalls.stop();
  await perLabelStatus(workspace, handlers, [cls.value.id, b.value.id]);
  if (extractSeconds > 0) await extract(handlers, workspace, dir, extractSeconds, values['profile-main']);
  const memory = process.memoryUsage();
  console.log(`host RSS ${mb(memory.rss)}, JS heap ${mb(memory.heapUsed)}; load average ${loadavg()}`);
  // shutdown, not close: opening the project starts the engine worker thread (the model
  // session asks it for its backend), which a workspace keeps for its next project; its port
  // kept Node's event loop alive after close().
  await workspace.shutdown();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
