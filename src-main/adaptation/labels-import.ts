/**
 * Labels (and suggestions) from other tools' files: a labels CSV of `path,class` rows, a
 * folder tree of class sub-folders, Label Studio and COCO JSON, ADMA Studio's own labels.json
 * (label-formats.ts reads each), and prediction CSVs as suggestions. Images are matched by
 * path (relative to the project folder, absolute inside it, or a bare file name when unique)
 * or, for class folders, by content hash. The whole file is planned before anything changes:
 * every entry that cannot be applied (no such image, ambiguous name, unknown class, two
 * different answers for one image, malformed) is reported with its line or entry number and
 * why, and the rest is applied; entries whose class could not be created (too many classes,
 * a name too long) refuse the whole import, with every such entry reported and nothing
 * changed. What is applied is one transaction and one undoable action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { classNameKey, classNameProblem, visibleClassName } from '../../src-shared/class-name';
import type { ImportedSuggestionSource, ImportKind, ImportReport } from '../../src-shared/contract';
import { isInside } from '../media/path-containment';
import { DEFAULT_HOTKEYS, MAX_CLASS_NAME } from '../project/class-store';
import { readLabelsCsv } from '../project/labels-csv';
import type { Project } from '../project/project';
import { errnoReason } from '../core/storage-errors';
import { MAX_LABELS_FILE_BYTES, readUserText } from '../core/user-file';
import { AdaptationStore } from './adaptation-store';
import { huggingFaceMetadata, isEvaluationSplit, parseLabelsJson, parsePredictionsCsv, readClassFolders, readHuggingFaceFolder, type ParsedEntry, type ParsedFile } from './label-formats';

type ImageRow = ReturnType<Project['images']['list']>['items'][number];

function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, 10).join(', ');
  return lines.length > 10 ? `${shown} and ${lines.length - 10} more` : shown;
}

const NO_SUCH_IMAGE = 'no such image in the project (rescan if it was added recently)';

/** The project's images, looked up by relative path, by bare file name and by content hash. */
class ImageLookup {
  private readonly byRel = new Map<string, ImageRow>();
  private readonly byName = new Map<string, ImageRow[]>();
  private readonly byHash = new Map<string, ImageRow[]>();

  constructor(private readonly project: Project) {
    for (const image of project.images.list({ kind: 'all' }, 0, 10_000_000).items) {
      this.byRel.set(image.relPath, image);
      const name = image.relPath.split('/').pop() as string;
      this.byName.set(name, [...(this.byName.get(name) ?? []), image]);
      this.byHash.set(image.hash, [...(this.byHash.get(image.hash) ?? []), image]);
    }
  }

  private byPath(given: string): ImageRow | string {
    let rel = given.replace(/\\/g, '/');
    if (path.isAbsolute(given)) {
      if (!isInside(this.project.root, given)) return 'outside the project folder';
      rel = path.relative(this.project.root, given).split(path.sep).join('/');
    }
    rel = rel.replace(/^\.\//, '');
    const exact = this.byRel.get(rel);
    if (exact) return exact;
    if (rel.includes('/')) return NO_SUCH_IMAGE;
    const candidates = this.byName.get(rel) ?? [];
    if (candidates.length > 1) {
      return `ambiguous: ${candidates.length} images are named ${rel} (${candidates.slice(0, 3).map((c) => c.relPath).join(', ')}${candidates.length > 3 ? ', …' : ''}); give the path relative to the project folder`;
    }
    return candidates[0] ?? NO_SUCH_IMAGE;
  }

  /**
   * The images an entry names: every copy with its content hash (identical files get the
   * same answer), else the image at its path or one of its other spellings; else why not.
   */
  find(entry: ParsedEntry): ImageRow[] | string {
    if (entry.hash !== null) return this.byHash.get(entry.hash) ?? 'no image in the project has the same content (rescan if it was added recently)';
    let reason = this.byPath(entry.path);
    if (typeof reason !== 'string') return [reason];
    // Tried from the most to the least specific: the last one's reason (a bare name) says most.
    for (const alternative of entry.alternatives) {
      const found = this.byPath(alternative);
      if (typeof found !== 'string') return [found];
      reason = found;
    }
    return reason;
  }
}


/** Read a labels file of any supported kind: a folder of class folders, a JSON file, or a labels CSV. */
async function readLabelsFile(file: string, onProgress?: (done: number, total: number) => void): Promise<ParsedFile> {
  if (fs.statSync(file).isDirectory()) {
    const metadata = huggingFaceMetadata(file);
    return metadata.length > 0 ? readHuggingFaceFolder(file, metadata, onProgress) : readClassFolders(file, onProgress);
  }
  const text = await readText(file);
  if (/^\s*[[{]/.test(text.replace(/^\uFEFF/, ''))) return parseLabelsJson(text, file);
  return labelsCsvFile(text, file);
}

function labelsCsvFile(text: string, file: string): ParsedFile {
  // A line that is not a label is listed with why; the others are applied (one bad line of
  // thousands no longer refuses the file).
  const { lines, problems } = readLabelsCsv(text, file);
  const entries = lines.map(
    (l): ParsedEntry => ({ line: l.line, path: l.path, className: l.className, alternatives: [], unsure: false, probability: null, hash: null, evaluation: isEvaluationSplit(l.split) }),
  );
  return { format: 'labels CSV (path, class)', entries, problems: problems.map((p) => ({ line: p.line, path: p.path ?? '', className: p.className ?? '', reason: p.reason })) };
}

/** A labels or predictions file the request names: a regular file of at most 512 MB (user-file.ts: never a FIFO or a device). */
function readText(file: string): Promise<string> {
  return readUserText(file, { what: 'a labels or predictions file', maxBytes: MAX_LABELS_FILE_BYTES });
}

function checkExists(file: string): void {
  try {
    fs.statSync(file);
  } catch (error) {
    throw new AppError('UNREADABLE', `Cannot read ${file}: ${errnoReason(error)}.`);
  }
}

/**
 * Import `file` as labels (any supported format) or as suggestions (a prediction CSV).
 * `onProgress`: files read so far; `window`: the id of the window that asked, kept with the labels' action (null: none).
 */
export async function importFile(
  project: Project,
  file: string,
  kind: ImportKind,
  createClasses: boolean,
  { onProgress, window = null }: { onProgress?: (done: number, total: number) => void; window?: string | null } = {},
): Promise<ImportReport> {
  checkExists(file);
  if (kind === 'suggestions') {
    if (fs.statSync(file).isDirectory()) throw new AppError('BAD_ARGUMENT', `${file} is a folder: suggestions come from a prediction CSV file.`);
    return importSuggestions(project, parsePredictionsCsv(await readText(file), file), path.basename(file));
  }
  return applyLabels(project, await readLabelsFile(file, onProgress), createClasses, file, window);
}

/** The labels CSV import (Labels → Import of a CSV, `labels:importCsv`); `window` as for importFile. */
export async function importLabelsCsv(project: Project, csvPath: string, createClasses: boolean, window: string | null = null): Promise<ImportReport> {
  return applyLabels(project, labelsCsvFile(await readText(csvPath), csvPath), createClasses, csvPath, window);
}

function emptyReport(parsed: ParsedFile): ImportReport {
  return { format: parsed.format, rows: parsed.entries.length + parsed.problems.length, labeled: 0, unsure: 0, suggested: 0, evaluation: 0, unchanged: 0, createdClasses: [], unmatched: [...parsed.problems] };
}

/**
 * Each live class's id by its name's key (classNameKey). A project made before the key covered
 * every script may hold two names with one key ("Élan", "élan"): the first in the class list
 * takes the key, so an import puts such labels on one class, always the same one.
 */
function classIdsByKey(live: readonly { name: string; id: number }[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const c of live) if (!ids.has(classNameKey(c.name))) ids.set(classNameKey(c.name), c.id);
  return ids;
}

const targetKey = (e: ParsedEntry): string => (e.unsure ? '\u0000unsure' : classNameKey(e.className));
const targetName = (e: ParsedEntry): string => (e.unsure ? 'unsure' : e.className);

/**
 * Entries that name one image with two different answers: none of them is applied, each is
 * reported with the other lines. Agreeing repeats are one answer.
 */
function withoutConflicts(planned: { entry: ParsedEntry; image: ImageRow }[], report: ImportReport): { entry: ParsedEntry; image: ImageRow }[] {
  const byImage = new Map<number, { entry: ParsedEntry; image: ImageRow }[]>();
  for (const p of planned) byImage.set(p.image.id, [...(byImage.get(p.image.id) ?? []), p]);
  const kept: { entry: ParsedEntry; image: ImageRow }[] = [];
  for (const group of byImage.values()) {
    const answers = new Set(group.map((p) => targetKey(p.entry)));
    if (answers.size === 1) {
      kept.push(group[0]!);
      continue;
    }
    const summary = group.map((p) => `${p.entry.line > 0 ? `line ${p.entry.line}` : p.entry.path}: ${targetName(p.entry)}`).join('; ');
    for (const p of group) report.unmatched.push({ line: p.entry.line, path: p.entry.path, className: targetName(p.entry), reason: `conflicting answers for ${p.image.relPath} (${summary}): none applied` });
  }
  return kept;
}

/**
 * Puts `byKey` (keyed by classNameKey, in first-mention order) in the file's class order: the
 * classes `order` lists first, as it lists them (a name listed twice, under any spelling of
 * its key, counts where it first is), then the others, still by first mention.
 */
function inClassOrder<T>(byKey: Map<string, T>, order: readonly string[]): void {
  const rank = new Map<string, number>();
  order.forEach((name, i) => {
    const key = classNameKey(name);
    if (!rank.has(key)) rank.set(key, i);
  });
  // Array.prototype.sort is stable: unlisted classes keep their first-mention order.
  const sorted = [...byKey].sort(([a], [b]) => (rank.get(a) ?? order.length) - (rank.get(b) ?? order.length));
  byKey.clear();
  for (const [key, value] of sorted) byKey.set(key, value);
}

function applyLabels(project: Project, parsed: ParsedFile, createClasses: boolean, source: string, window: string | null): ImportReport {
  const lookup = new ImageLookup(project);
  const live = project.classes.list();
  const classes = classIdsByKey(live);
  const report = emptyReport(parsed);

  // 1. Plan, without writing.
  const matched: { entry: ParsedEntry; image: ImageRow }[] = [];
  const newClasses = new Map<string, { name: string; lines: number[] }>();
  for (const entry of parsed.entries) {
    const miss = (reason: string) => report.unmatched.push({ line: entry.line, path: entry.path, className: targetName(entry), reason });
    const images = lookup.find(entry);
    if (typeof images === 'string') {
      miss(images);
      continue;
    }
    const key = classNameKey(entry.className);
    if (!entry.unsure && !classes.has(key)) {
      if (!createClasses) {
        miss(`no class named "${entry.className}"`);
        continue;
      }
      const planned = newClasses.get(key) ?? { name: entry.className, lines: [] };
      planned.lines.push(entry.line);
      newClasses.set(key, planned);
    }
    for (const image of images) matched.push({ entry, image });
  }
  const planned = withoutConflicts(matched, report);
  // The classes of the exporting project that no entry names (no label yet there) come too.
  const listedOnly = new Set<string>();
  if (createClasses && parsed.classListIsProjects) {
    for (const name of parsed.classOrder ?? []) {
      const key = classNameKey(name);
      if (classes.has(key) || newClasses.has(key)) continue;
      newClasses.set(key, { name, lines: [] });
      listedOnly.add(key);
    }
  }
  // Created in the file's class order where it has one (every check below follows it too).
  if (parsed.classOrder) inClassOrder(newClasses, parsed.classOrder);

  // 2. Refuse the whole import when a class cannot be created.
  const blocking: string[] = [];
  const where = (lines: number[]) =>
    lines.length === 0 ? "the file's class list" : lines.every((l) => l === 0) ? `${lines.length} file${lines.length === 1 ? '' : 's'}` : `lines ${lineList(lines)}`;
  const tooLong = [...newClasses.values()].filter((c) => c.name.length > MAX_CLASS_NAME);
  for (const c of tooLong) blocking.push(`${where(c.lines)}: the class name "${visibleClassName(c.name.slice(0, 40))}…" has ${c.name.length} characters; at most ${MAX_CLASS_NAME} are allowed`);
  // The check ClassStore.create makes too (src-shared/class-name.ts), here with the lines.
  const creatable: typeof tooLong = [];
  for (const c of newClasses.values()) {
    if (c.name.length > MAX_CLASS_NAME) continue;
    const problem = classNameProblem(c.name);
    if (problem === null) creatable.push(c);
    else blocking.push(`${where(c.lines)}: ${problem.replace(/^The/, 'the')}`);
  }
  const room = DEFAULT_HOTKEYS.length - live.length;
  if (creatable.length > room) {
    const over = creatable.slice(room);
    blocking.push(
      `the file names ${newClasses.size} new classes but the project has ${live.length} of at most ${DEFAULT_HOTKEYS.length}: ` +
        `${where(over.flatMap((c) => c.lines).sort((a, b) => a - b))} would need classes ${over.length > 3 ? `${over.slice(0, 3).map((c) => `"${c.name}"`).join(', ')} and ${over.length - 3} more` : over.map((c) => `"${c.name}"`).join(', ')} beyond that`,
    );
  }
  if (blocking.length > 0) {
    throw new AppError('CONFLICT', `Nothing was imported from ${source}; no class or label was changed:\n  ${blocking.join('\n  ')}`);
  }

  // 3. Apply: one transaction, one undoable action.
  project.db.transaction(() => {
    for (const c of newClasses.values()) {
      // A class only entries in conflict named is not created; one only the class list names is.
      const key = classNameKey(c.name);
      if (!listedOnly.has(key) && !planned.some((p) => !p.entry.unsure && classNameKey(p.entry.className) === key)) continue;
      classes.set(classNameKey(c.name), project.classes.create(c.name, undefined).id);
      report.createdClasses.push(c.name);
    }
    const pairs: { imageId: number; classId: number | null; unsure: boolean }[] = [];
    let actionId: number | null = null;
    for (const { entry, image } of planned) {
      const classId = entry.unsure ? null : (classes.get(classNameKey(entry.className)) as number);
      if (entry.unsure ? image.unsure : image.classId === classId) report.unchanged++;
      else pairs.push({ imageId: image.id, classId, unsure: entry.unsure });
    }
    if (pairs.length > 0) {
      actionId = project.labels.setMany(pairs, project.images.existingIds(pairs.map((p) => p.imageId)), { importedFrom: path.basename(source), window }).actionId || null;
      report.labeled = pairs.filter((p) => !p.unsure).length;
      report.unsure = pairs.filter((p) => p.unsure).length;
    }
    // The file's held-out split stays held out here: such images join the evaluation set, unless
    // they were labeled or queried before (they may have been trained on already). They are
    // labeled by this action (classId null before it), so undoing it takes them out again.
    const store = new AdaptationStore(project.db);
    const queried = store.queriedIds();
    const evaluation = store.evaluationIds();
    const held = planned
      .filter(({ entry, image }) => entry.evaluation && image.classId === null && !image.unsure && !queried.has(image.id) && !evaluation.has(image.id))
      .map(({ image }) => image.id);
    store.addEvaluation(held, actionId);
    report.evaluation = held.length;
  }).immediate();
  report.unmatched.sort((a, b) => a.line - b.line);
  project.wal.committed();
  return report;
}

/**
 * Another model's predictions, kept as suggestions (never as labels): shown while labeling
 * with their probability, as the project's own model's are. A new import replaces the
 * suggestion of each image it names; classes are never created for them.
 */
function importSuggestions(project: Project, parsed: ParsedFile, source: string): ImportReport {
  const lookup = new ImageLookup(project);
  const classes = classIdsByKey(project.classes.list());
  const report = emptyReport(parsed);
  const rows: { imageId: number; classId: number; probability: number }[] = [];
  for (const entry of parsed.entries) {
    const miss = (reason: string) => report.unmatched.push({ line: entry.line, path: entry.path, className: entry.className, reason });
    const images = lookup.find(entry);
    const classId = classes.get(classNameKey(entry.className));
    if (typeof images === 'string') miss(images);
    else if (classId === undefined) miss(`no class named "${entry.className}" (suggestions never create classes)`);
    else for (const image of images) rows.push({ imageId: image.id, classId, probability: entry.probability as number });
  }
  const now = new Date().toISOString();
  const upsert = project.db.prepare('INSERT OR REPLACE INTO imported_suggestions (image_id, class_id, probability, source, imported_at) VALUES (?, ?, ?, ?, ?)');
  project.db.transaction(() => {
    for (const r of rows) upsert.run(r.imageId, r.classId, r.probability, source, now);
  }).immediate();
  project.wal.committed();
  report.suggested = rows.length;
  report.unmatched.sort((a, b) => a.line - b.line);
  return report;
}

/** The imports suggestions came from, each with how many suggestions it still gives (latest import first). */
export function importedSuggestionSources(project: Project): ImportedSuggestionSource[] {
  return project.db
    .prepare('SELECT source, COUNT(*) AS count, MAX(imported_at) AS importedAt FROM imported_suggestions GROUP BY source ORDER BY importedAt DESC, source')
    .all() as ImportedSuggestionSource[];
}

/**
 * Remove imported suggestions: those of one import's file (`source`, as listed by
 * importedSuggestionSources) or all of them. Labels are never touched; suggestions are not
 * in the label history (an import of them is not undoable either): importing the file again
 * restores them. Returns how many were removed.
 */
export function clearImportedSuggestions(project: Project, source?: string): number {
  const result = project.db.transaction(() =>
    source === undefined ? project.db.prepare('DELETE FROM imported_suggestions').run() : project.db.prepare('DELETE FROM imported_suggestions WHERE source = ?').run(source),
  ).immediate();
  project.wal.committed();
  return result.changes;
}

