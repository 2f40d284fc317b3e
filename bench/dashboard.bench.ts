/**
 * `dashboard:get` on the project the scale bench leaves (bench/.work/scale-100000-500: 100,000
 * images, every one labeled), opened as it is (no new scan of its files): a bulk label of every
 * image and back (the label writer thread's connection, then this one's cache is cold), each
 * followed by 5 dashboard reads timed one by one, then 21 reads through `dispatch` and the
 * database reads inside it, medians and maxima. Run it from a checkout of the old code as well
 * (its own copy of this file, with bench/.work linked to this one's) to compare.
 * `npx tsx bench/dashboard.bench.ts [--folder bench/.work/scale-100000-500]`. Prints numbers; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dispatch } from '../src-main/api/dispatch';
import { createHandlers } from '../src-main/api/handlers';
import { Workspace } from '../src-main/api/workspace';

const { values } = parseArgs({ options: { folder: { type: 'string', default: 'bench/.work/scale-100000-500' } } });
const dir = path.resolve(values.folder!);
if (!fs.existsSync(path.join(dir, '.adma', 'project.db'))) throw new Error(`No project in ${dir}: run bench/scale.bench.ts first.`);
const loadavg = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');

const workspace = new Workspace({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'adma-bench-')), shell: 'web', version: 'bench' });
await workspace.open(dir, false);
await workspace.rescan();
const handlers = createHandlers(workspace);
const adaptation = workspace.adaptation();
const { store } = adaptation;
const project = workspace.requireProject();
const request = async (channel: string, args: unknown): Promise<void> => {
  const result = await dispatch(handlers, channel, args);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
};

const timed = async (name: string, run: () => unknown): Promise<void> => {
  const times: number[] = [];
  for (let k = 0; k < 21; k++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(40)} ${times[10]!.toFixed(2).padStart(7)} ms (max ${times[20]!.toFixed(2)})`);
};

console.log(`${project.images.presentCount()} images, ${project.images.labelCounts().labeled} labeled; load average ${loadavg()}`);
const classes = project.classes.list().map((c) => c.id);
for (const classId of [classes[1], classes[0]]) {
  await request('labels:setMatching', { filter: { kind: 'all' }, exceptIds: [], classId });
  const times: string[] = [];
  for (let k = 0; k < 5; k++) {
    const started = performance.now();
    await request('dashboard:get', undefined);
    times.push((performance.now() - started).toFixed(1));
  }
  console.log(`after a bulk label of every image: dashboard:get ${times.join(', ')} ms`);
}
console.log('21 reads each (median, max):');
await timed('dashboard:get (dispatch)', () => request('dashboard:get', undefined));
await timed('Evaluation.dashboard', () => adaptation.evaluation.dashboard());
await timed('AdaptationStore.placeCounts', () => store.placeCounts());
await timed('ImageIndex.presentCount', () => project.images.presentCount());
await timed('AdaptationStore.trainingLabelCount', () => store.trainingLabelCount());
await timed('ClassStore.list', () => project.classes.list());
console.log(`load average ${loadavg()}`);
await workspace.shutdown();
