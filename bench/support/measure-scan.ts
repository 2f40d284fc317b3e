/**
 * The scan timing both scan benches share: a fresh project on `dir` (its `.adma` removed),
 * opened as a shell opens it, the first scan timed from the open, the time until the first
 * image's bytes (in `variant`) are in hand while that scan runs, then a rescan with nothing
 * changed. The workspace is returned open for further measurements; the caller closes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MediaVariant, ScanReport } from '../../src-shared/contract';
import { Workspace } from '../../src-main/api/workspace';
import { readMedia } from '../../src-main/media/image-media';
import { ADMIN_DIR } from '../../src-main/project/project-db';
import { MainThreadStalls } from './main-thread-stalls';

export interface ScanTiming {
  workspace: Workspace;
  full: ScanReport;
  fullMs: number;
  /** CPU time of the process (all threads) during the first scan. */
  fullCpuMs: number;
  /** Stalls of the main thread during the first scan (MainThreadStalls.take). */
  fullStalls: string;
  /** Open → the first unlabeled image's bytes ready (null: no image). */
  firstImageMs: number | null;
  rescan: ScanReport;
  rescanMs: number;
  dbBytes: number;
}

export async function measureScan(dir: string, variant: MediaVariant): Promise<ScanTiming> {
  fs.rmSync(path.join(dir, ADMIN_DIR), { recursive: true, force: true });
  const workspace = new Workspace({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'adma-bench-')), shell: 'web', version: 'bench' });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const stalls = new MainThreadStalls();
  let firstImageMs: number | null = null;
  let claimed = false;
  workspace.events.subscribe((event) => {
    if (event !== 'project:changed' || claimed) return;
    const project = workspace.current;
    const first = project?.images.list({ kind: 'unlabeled' }, 0, 1).items[0];
    if (project && first) {
      claimed = true; // measured when the bytes are in hand
      void readMedia(project, first.id, variant).then(() => {
        firstImageMs = performance.now() - t0;
      });
    }
  });
  await workspace.open(dir, true);
  const full = await workspace.rescan();
  const fullMs = performance.now() - t0;
  const fullStalls = stalls.take();
  stalls.stop();
  const cpu = process.cpuUsage(cpu0);
  const fullCpuMs = (cpu.user + cpu.system) / 1000;
  const t1 = performance.now();
  const rescan = await workspace.rescan();
  const rescanMs = performance.now() - t1;
  const dbBytes = fs.statSync(path.join(dir, ADMIN_DIR, 'project.db')).size;
  return { workspace, full, fullMs, fullCpuMs, fullStalls, firstImageMs, rescan, rescanMs, dbBytes };
}

/** The lines both benches print for a ScanTiming. */
export function scanTimingLines(t: ScanTiming): string[] {
  const rate = (files: number, ms: number): string => `${(ms / 1000).toFixed(2)} s = ${Math.round(files / (ms / 1000))} files/s`;
  return [
    `images: ${t.full.total} (unreadable ${t.full.unreadable.length})`,
    `first scan: ${rate(t.full.total, t.fullMs)} (walk, read, SHA-256, header probe, SQLite); CPU ${(t.fullCpuMs / 1000).toFixed(2)} s = ${Math.round((t.fullCpuMs * 1000) / t.full.total)} µs per file`,
    `main thread during the first scan: ${t.fullStalls}`,
    `time to first image (open → first image bytes ready, during the scan): ${t.firstImageMs === null ? 'n/a' : `${Math.round(t.firstImageMs)} ms`}`,
    `rescan, nothing changed: ${rate(t.rescan.unchanged, t.rescanMs)}`,
    `project database: ${(t.dbBytes / 2 ** 20).toFixed(1)} MB (${Math.round(t.dbBytes / t.full.total)} bytes per image)`,
  ];
}
