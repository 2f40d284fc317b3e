/**
 * A (re)scan: walks the folder, probes only new or changed files, and records what was
 * added, removed, changed or unreadable. Writes are committed in small batches so the UI
 * can show the first images while a large folder is still being indexed; a bad file is
 * listed with its reason and never stops the scan.
 *
 * A file is changed when its content hash is new (a file only touched is unchanged). A changed
 * image keeps its id and its label, but its model output, made from the old pixels, is dropped
 * in the same transaction (ImageIndex.forgetModelOutput); the report names every labeled image
 * whose file changed, went or came back, so the expert is told and can review them.
 */
import type { ScanReport, UnreadableFile } from '../../src-shared/contract';
import { SCAN_NAMES_LISTED } from '../../src-shared/requests/project';
import { probeImage, UnreadableImage, walkImageFiles, type FoundFile, type ImageProbe, type SkippedEntry } from './image-files';
import type { ImageIndex } from './image-index';

export interface ScanProgress {
  phase: 'indexing';
  done: number;
  /** Files found so far; grows while the walk is running. */
  total: number;
}

/**
 * Commits: the first probed file at once (the first image shows while the walk goes on), then
 * whatever is pending every FLUSH_INTERVAL_MS or FLUSH_MAX files, whichever comes first. Each
 * commit is an fsync'd transaction on the main thread: 500 commits of 200 files cost 8 s of a
 * 100,000-file scan; one commit per ~quarter second keeps the gallery's counts moving.
 */
const FLUSH_INTERVAL_MS = 250;
const FLUSH_MAX = 2_000;
/** Probes in flight (reads and header decodes on libuv's pool). */
const CONCURRENCY = 8;

type Outcome = { file: FoundFile; probe: ImageProbe } | { file: FoundFile; reason: string };

export async function scanProject(
  root: string,
  index: ImageIndex,
  onProgress: (progress: ScanProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<ScanReport> {
  const started = performance.now();
  const known = index.indexedFiles();
  const knownUnreadable = index.unreadableFiles();
  const seen = new Set<string>();
  const skipped: SkippedEntry[] = [];
  const first = known.size === 0 && knownUnreadable.size === 0;
  const report = { total: 0, added: 0, removed: 0, changed: 0, unchanged: 0 };
  const names = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
  /** Images whose content changed (present before or back with new content), gone, back as they were. */
  const ids = { changed: [] as number[], removed: [] as number[], returned: [] as number[] };
  let found = 0;
  let done = 0;
  let pending: Outcome[] = [];
  let lastFlush = -Infinity;

  const flush = (): void => {
    lastFlush = performance.now();
    const now = new Date().toISOString();
    const batch = pending;
    pending = [];
    index.transaction(() => {
      for (const outcome of batch) {
        const { file } = outcome;
        if ('probe' in outcome) {
          const before = known.get(file.relPath);
          const newContent = before !== undefined && index.hashOf(before.id) !== outcome.probe.hash;
          if (before?.present && !newContent) report.unchanged++;
          else if (before?.present) {
            report.changed++;
            names.changed.push(file.relPath);
          } else {
            report.added++;
            names.added.push(file.relPath);
            if (before && !newContent) ids.returned.push(before.id);
          }
          index.upsertImage(file.relPath, file.size, file.mtimeMs, outcome.probe, now);
          if (before && newContent) {
            ids.changed.push(before.id);
            index.forgetModelOutput(before.id);
          }
        } else {
          const before = known.get(file.relPath);
          if (before?.present) {
            report.removed++;
            names.removed.push(file.relPath);
            ids.removed.push(before.id);
          }
          index.markUnreadable(file.relPath, file.size, file.mtimeMs, outcome.reason, now);
        }
      }
    });
    onProgress({ phase: 'indexing', done, total: found });
  };

  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // One promise resolved by whichever probe ends next (Promise.race over the set attached a
  // new reaction to every probe in flight for each file).
  let releaseSlot = (): void => {};
  let nextSlot = Promise.resolve();
  const renewSlot = (): void => {
    nextSlot = new Promise<void>((resolve) => {
      releaseSlot = () => {
        renewSlot();
        resolve();
      };
    });
  };
  renewSlot();
  const probeOne = async (file: FoundFile): Promise<void> => {
    // Await first, then push: `pending` is swapped by flush() while probes are in flight.
    let outcome: Outcome;
    try {
      outcome = { file, probe: await probeImage(file.absPath, file.size) };
    } catch (error) {
      if (!(error instanceof UnreadableImage)) throw error;
      outcome = { file, reason: error.message };
    }
    pending.push(outcome);
    done++;
    if (pending.length >= FLUSH_MAX || performance.now() - lastFlush >= FLUSH_INTERVAL_MS) flush();
  };

  for await (const file of walkImageFiles(root, skipped)) {
    if (signal?.aborted || failure) break;
    found++;
    seen.add(file.relPath);
    const before = known.get(file.relPath);
    const beforeUnreadable = knownUnreadable.get(file.relPath);
    const same = (x: { size: number; mtimeMs: number } | undefined): boolean =>
      x !== undefined && x.size === file.size && x.mtimeMs === file.mtimeMs;
    if (before?.present && same(before)) {
      report.unchanged++;
      done++;
      continue;
    }
    if (same(beforeUnreadable)) {
      done++;
      continue;
    }
    if (inFlight.size >= CONCURRENCY) await nextSlot;
    const task = probeOne(file)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        inFlight.delete(task);
        releaseSlot();
      });
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  // A failed write (disk full, the database gone) ends the scan with that error; what was
  // committed before it stays.
  if (failure) throw failure.error;
  flush();
  if (signal?.aborted) {
    throw Object.assign(new Error('scan cancelled'), { name: 'AbortError' });
  }

  index.transaction(() => {
    const now = new Date().toISOString();
    for (const entry of skipped) {
      seen.add(entry.relPath);
      index.markUnreadable(entry.relPath, -1, -1, entry.reason, now);
    }
    for (const [relPath, file] of known) {
      if (!seen.has(relPath) && file.present) {
        index.markAbsent(relPath);
        report.removed++;
        names.removed.push(relPath);
        ids.removed.push(file.id);
      }
    }
    for (const relPath of knownUnreadable.keys()) if (!seen.has(relPath)) index.forgetUnreadable(relPath);
  });

  const unreadable: UnreadableFile[] = index.unreadable();
  report.total = index.counts().images;
  const listed = (paths: string[]): string[] => paths.sort().slice(0, SCAN_NAMES_LISTED);
  return {
    ...report,
    unreadable,
    durationMs: Math.round(performance.now() - started),
    finishedAt: new Date().toISOString(),
    first,
    addedFiles: listed(names.added),
    removedFiles: listed(names.removed),
    changedFiles: listed(names.changed),
    labeledChanged: index.answeredImages(ids.changed),
    labeledRemoved: index.answeredImages(ids.removed),
    labeledReturned: index.answeredImages(ids.returned),
  };
}
