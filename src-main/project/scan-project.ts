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
 *
 * A file moved or renamed is the same image: when the scan finds an image's file gone from its
 * path and a file with the same content hash at a path the project does not know, the image
 * keeps its id (and so its label, unsure mark, evaluation membership, history, round items and
 * predictions, all keyed by the id) and takes the new path (ImageIndex.moveImage), counted as
 * moved, neither removed nor added. The rule (pairMoves):
 * - Only a file at a new path can be a moved one; a file at a path the project knows is that
 *   path's image (changed, unchanged or back).
 * - Only an image whose path the scan did not find can have moved: a copy made while the
 *   original is still there is a new image (a duplicate), and known duplicates stay as they are.
 *   An image already gone in an earlier scan counts too: its file comes back at a new path.
 * - One to one. For one content, one gone image and one new path: a move. With more on either
 *   side (duplicates moved together, or copies) a gone image is paired only with the new path of
 *   the same file name, when that name is the only one of its kind on both sides (a folder of
 *   duplicates moved elsewhere). The rest stay removed and added: pairing identical content by
 *   order would hand one image's label or evaluation place to another file at random, and the
 *   report names the missing labeled files, so the expert can still see them.
 * - The new files whose content the project already knows are held back (not committed with
 *   their batch) until the walk has ended: only then is it known which paths are gone.
 *
 * `checkEveryFile` reads and hashes every file, whatever its size and date: the plain scan
 * trusts an unchanged size and modification time, so a file replaced by one of the same size
 * with its old date back is found only so.
 */
import type { MovedFile, ScanReport, UnreadableFile } from '../../src-shared/contract';
import { sortNaturally, sortNaturallyBy } from '../../src-shared/natural-name';
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

export interface ScanOptions {
  /** Read and hash every file, not only those whose size or date changed. */
  checkEveryFile?: boolean;
}

/** A file's name without its folder. */
const fileName = (relPath: string): string => relPath.slice(relPath.lastIndexOf('/') + 1);

/**
 * Which of `gone` (images of one content whose paths the scan did not find) moved to which of
 * `arrived` (new paths with that content): one to one, see the rule in the file comment.
 */
export function pairMoves(gone: readonly { id: number; relPath: string }[], arrived: readonly string[]): { id: number; from: string; to: string }[] {
  const [onlyGone] = gone;
  const [onlyArrived] = arrived;
  if (onlyGone === undefined || onlyArrived === undefined) return [];
  if (gone.length === 1 && arrived.length === 1) return [{ id: onlyGone.id, from: onlyGone.relPath, to: onlyArrived }];
  const count = (paths: readonly string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const p of paths) counts.set(fileName(p), (counts.get(fileName(p)) ?? 0) + 1);
    return counts;
  };
  const goneNames = count(gone.map((g) => g.relPath));
  const arrivedNames = count(arrived);
  const pairs: { id: number; from: string; to: string }[] = [];
  for (const image of gone) {
    const name = fileName(image.relPath);
    if (goneNames.get(name) !== 1 || arrivedNames.get(name) !== 1) continue;
    pairs.push({ id: image.id, from: image.relPath, to: arrived.find((p) => fileName(p) === name) as string });
  }
  return pairs;
}

export async function scanProject(
  root: string,
  index: ImageIndex,
  onProgress: (progress: ScanProgress) => void = () => {},
  signal?: AbortSignal,
  options: ScanOptions = {},
): Promise<ScanReport> {
  const checkEveryFile = options.checkEveryFile === true;
  const started = performance.now();
  const known = index.indexedFiles();
  const knownUnreadable = index.unreadableFiles();
  const seen = new Set<string>();
  const skipped: SkippedEntry[] = [];
  const first = known.size === 0 && knownUnreadable.size === 0;
  const report = { total: 0, added: 0, removed: 0, changed: 0, unchanged: 0, moved: 0 };
  const names = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
  const moved: MovedFile[] = [];
  /** New paths whose content the project knows: moved files, or copies; decided after the walk. */
  const heldBack: { file: FoundFile; probe: ImageProbe }[] = [];
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
          if (before === undefined && !first && index.hashKnown(outcome.probe.hash)) {
            heldBack.push(outcome);
            continue;
          }
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
    if (before?.present && same(before) && !checkEveryFile) {
      report.unchanged++;
      done++;
      continue;
    }
    if (same(beforeUnreadable) && !checkEveryFile) {
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
    // The held-back new files: each a moved image, or a new one (see the rule above).
    const byHash = new Map<string, { file: FoundFile; probe: ImageProbe }[]>();
    for (const held of heldBack) {
      const same = byHash.get(held.probe.hash);
      if (same) same.push(held);
      else byHash.set(held.probe.hash, [held]);
    }
    const movedIds = new Set<number>();
    for (const [hash, arrivals] of byHash) {
      const gone = index.imagesWithHash(hash).filter((image) => !seen.has(image.relPath));
      const movedTo = new Map(pairMoves(gone, arrivals.map((a) => a.file.relPath)).map((pair) => [pair.to, pair]));
      for (const { file, probe } of arrivals) {
        const pair = movedTo.get(file.relPath);
        if (pair) {
          index.moveImage(pair.id, file.relPath, file.size, file.mtimeMs, probe);
          movedIds.add(pair.id);
          report.moved++;
          moved.push({ imageId: pair.id, from: pair.from, to: pair.to, labeled: false });
        } else {
          index.upsertImage(file.relPath, file.size, file.mtimeMs, probe, now);
          report.added++;
          names.added.push(file.relPath);
        }
      }
    }
    for (const [relPath, file] of known) {
      if (!seen.has(relPath) && file.present && !movedIds.has(file.id)) {
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
  // In name order, as the gallery lists them (a first scan sorts every file's key once: ~0.2 s at 100,000).
  const listed = (paths: string[]): string[] => sortNaturally(paths).slice(0, SCAN_NAMES_LISTED);
  const movedListed = sortNaturallyBy(moved, (m) => m.to).slice(0, SCAN_NAMES_LISTED);
  const answered = new Set(index.answeredImages(movedListed.map((m) => m.imageId)).map((image) => image.imageId));
  const movedFiles = movedListed.map((m) => ({ ...m, labeled: answered.has(m.imageId) }));
  return {
    ...report,
    unreadable,
    durationMs: Math.round(performance.now() - started),
    finishedAt: new Date().toISOString(),
    first,
    addedFiles: listed(names.added),
    removedFiles: listed(names.removed),
    changedFiles: listed(names.changed),
    movedFiles,
    checkedEveryFile: checkEveryFile,
    labeledChanged: index.answeredImages(ids.changed),
    labeledRemoved: index.answeredImages(ids.removed),
    labeledReturned: index.answeredImages(ids.returned),
  };
}
