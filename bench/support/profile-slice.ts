/**
 * What a V8 CPU profile's thread ran between two moments: the functions with the most samples
 * (self), and the stacks under them. For a main-thread stall found by main-thread-stalls.ts in a
 * bench run with `--profile-main` (the bench prints the offset from performance.now() to the
 * profile's µs). Run: `npx tsx bench/support/profile-slice.ts FILE FROM_MS TO_MS OFFSET_US`
 * (FROM/TO as performance.now() in ms of the bench's process), or
 * `npx tsx bench/support/profile-slice.ts FILE --busy MS`: every run of samples without an
 * (idle) one that spans more than MS and holds at least MS / 10 samples, with what it ran (a hold of the thread by its own work,
 * found without the stall's time).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, fromArg, toArg, offsetArg] = process.argv.slice(2);
if (!file || !fromArg || !toArg || (fromArg !== '--busy' && !offsetArg)) throw new Error('usage: profile-slice FILE FROM_MS TO_MS OFFSET_US | FILE --busy MS');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: ProfileNode): string => {
  const url = n.callFrame.url.replace(/^.*\/wt-[^/]+\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};

const times: number[] = [];
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) times.push((t += profile.timeDeltas[i] ?? 0));
const top = (m: Map<string, number>, k: number): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);

/** What the samples from..to (µs of the profile) ran. */
function slice(from: number, to: number, selfRows: number, stackRows: number): void {
  const self = new Map<string, number>();
  const stacks = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i]! < from || times[i]! > to) continue;
    const leaf = byId.get(profile.samples[i]!)!;
    total++;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + 1);
    const frames: string[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined && frames.length < 12; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName !== '(root)') frames.push(name(n));
    }
    const key = frames.join('\n      < ');
    stacks.set(key, (stacks.get(key) ?? 0) + 1);
  }
  console.log(`${total} samples`);
  for (const [fn, n] of top(self, selfRows)) console.log(`  ${String(n).padStart(5)}  ${fn}`);
  console.log('stacks:');
  for (const [stack, n] of top(stacks, stackRows)) console.log(`  ${String(n).padStart(5)}  ${stack}`);
}

if (fromArg === '--busy') {
  const minUs = Number(toArg) * 1000;
  let runStart = -1;
  for (let i = 0; i <= profile.samples.length; i++) {
    const idle = i === profile.samples.length || byId.get(profile.samples[i]!)!.callFrame.functionName === '(idle)';
    if (!idle && runStart < 0) runStart = i;
    if (idle && runStart >= 0) {
      const span = times[i - 1]! - times[runStart]!;
      if (span > minUs && i - runStart >= minUs / 10_000) {
        console.log(`\nbusy ${(span / 1000).toFixed(0)} ms from profile µs ${times[runStart]!.toFixed(0)} (+${((times[runStart]! - profile.startTime) / 1e6).toFixed(1)} s), ${i - runStart} samples:`);
        slice(times[runStart]!, times[i - 1]!, 8, 3);
      }
      runStart = -1;
    }
  }
} else {
  const offset = Number(offsetArg);
  console.log(`between ${fromArg} and ${toArg} ms:`);
  slice(Number(fromArg) * 1000 + offset, Number(toArg) * 1000 + offset, 15, 6);
}
