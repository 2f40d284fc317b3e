/**
 * Label commit latency: Project.setLabels for one image at a time, as each keypress does,
 * with the project database's synchronous=FULL (the default since issue 15.5: each label is
 * on the disk before the request answers) against the earlier NORMAL. Includes the WAL
 * checkpoint every 16 commits (issue 11.17). Prints p50 / p95 / max per mode.
 * `npx tsx bench/label-commit.bench.ts [--labels 600] [--dir /path/on/the/disk/to/test]`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Project } from '../src-main/project/project';

const { values } = parseArgs({ options: { labels: { type: 'string', default: '600' }, dir: { type: 'string', default: os.tmpdir() } } });
const labels = Number(values.labels);
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(mode: 'FULL' | 'NORMAL'): Promise<void> {
  const root = fs.mkdtempSync(path.join(values.dir, 'adma-commit-bench-'));
  for (let i = 0; i < labels; i++) {
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: 0 } } }).png().toFile(path.join(root, `${i}.png`));
  }
  const project = Project.open(root, true);
  try {
    await project.rescan();
    project.db.pragma(`synchronous = ${mode}`);
    const classes = [project.classes.create('a', undefined).id, project.classes.create('b', undefined).id];
    const ids = project.images.list({ kind: 'all' }, 0, labels).items.map((i) => i.id);
    const samples: number[] = [];
    for (const [i, id] of ids.entries()) {
      const t = performance.now();
      project.setLabels([id], classes[i % 2]!);
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const f = (v: number) => `${v.toFixed(2)} ms`;
    console.log(`synchronous=${mode}: ${samples.length} labels, p50 ${f(percentile(samples, 50))}, p95 ${f(percentile(samples, 95))}, max ${f(samples.at(-1)!)}`);
  } finally {
    await project.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`disk: ${values.dir}`);
  for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL'] as const) await run(mode);
}

void main();
