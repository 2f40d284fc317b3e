/**
 * Parsers for the label files other tools write, each to the same plain entries: which image
 * (a path as the file gives it, maybe with other spellings to try), which class, and where
 * in the file it was. A file that is not of the format at all is refused with a clear error;
 * an entry that is malformed is returned as a problem (with its entry number and why), never
 * dropped in silence, and the rest of the file is still read.
 *
 * - Label Studio JSON export (image classification: `choices` results), full or JSON-MIN.
 * - COCO-style classification JSON: `images`, `categories`, `annotations` with `category_id`.
 * - ADMA Studio's own labels.json (our export), with its unsure images.
 * - Class folders (`<root>/<class>/…`, optionally inside split folders) and Hugging Face
 *   `imagefolder` data sets (metadata.csv with file_name and label), matched by content.
 * - Prediction CSVs: `path,class,probability` rows (long) or `path,<class>,<class>…` columns
 *   of probabilities (wide), read as suggestions.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../src-shared/app-error';
import { errnoReason } from '../core/storage-errors';
import { MAX_LABELS_FILE_BYTES, openUserFile, readUserText } from '../core/user-file';
import { unneutralise } from '../project/csv-field';
import { walkImageFiles, type FoundFile, type SkippedEntry } from '../project/image-files';

export interface ParsedEntry {
  /** Entry number (1-based) in a JSON file, line number in a CSV. */
  line: number;
  /** The image as the file names it (shown in the report). */
  path: string;
  /** Other spellings of the same image to try when `path` matches nothing (Label Studio's upload names). */
  alternatives: string[];
  /** The class name; empty for an unsure image. */
  className: string;
  unsure: boolean;
  /** A prediction's probability (suggestions only). */
  probability: number | null;
  /** The file's content hash (SHA-256, as the scan computes it), when the entry is a file of a class folder. */
  hash: string | null;
  /** The file puts the image in its evaluation (test, validation) split. */
  evaluation: boolean;
}

/** Split names that mean a held-out set: its images join the project's evaluation set on import. */
const EVALUATION_SPLITS = new Set(['evaluation', 'eval', 'test', 'testing', 'val', 'valid', 'validation']);
export const isEvaluationSplit = (name: string | undefined): boolean => name !== undefined && EVALUATION_SPLITS.has(name.trim().toLowerCase());

export interface EntryProblem {
  line: number;
  path: string;
  className: string;
  reason: string;
}

export interface ParsedFile {
  /** What the file was recognised as, for the report. */
  format: string;
  entries: ParsedEntry[];
  problems: EntryProblem[];
  /**
   * The file's own list of its classes, in its order (labels.json's `classes`: the exporting
   * project's order; COCO's `categories`), when it has one: an import creates its new classes
   * in this order, then any other class its entries name, by first mention.
   */
  classOrder?: string[];
  /**
   * `classOrder` is the exporting project's whole class list (ADMA Studio's labels.json), not
   * only the classes its entries use: an import creates every listed class the project lacks,
   * labels or not, so a project's empty classes come back. Not COCO's categories, which may
   * list a whole taxonomy of which a file uses a few.
   */
  classListIsProjects?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const entry = (line: number, path: string, className: string, extra: Partial<ParsedEntry> = {}): ParsedEntry => ({
  line,
  path,
  className,
  alternatives: [],
  unsure: false,
  probability: null,
  hash: null,
  evaluation: false,
  ...extra,
});

function readJson(text: string, source: string): Json {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (error) {
    // JSON.parse names the position, never the contents.
    throw new AppError('BAD_ARGUMENT', `${source} is not valid JSON (${(error as Error).message.replace(/"[^"]*"/g, '…')}). Nothing was imported.`);
  }
}

/** Any JSON labels file: recognised by its shape. */
export function parseLabelsJson(text: string, source: string): ParsedFile {
  const json = readJson(text, source);
  if (Array.isArray(json)) return parseLabelStudio(json, source);
  if (isObject(json) && Array.isArray(json.annotations) && Array.isArray(json.images) && Array.isArray(json.categories)) return parseCoco(json);
  if (isObject(json) && typeof json.formatVersion === 'number' && Array.isArray(json.images)) return parseAdmaJson(json);
  throw new AppError(
    'BAD_ARGUMENT',
    `${source} is JSON but not a labels file this version reads: expected a Label Studio export (a list of tasks), a COCO file (images, categories, annotations) or an ADMA Studio labels.json. Nothing was imported.`,
  );
}

/**
 * The image a Label Studio task points at: `/data/local-files/?d=<path>` (local storage) or
 * `/data/upload/<project>/<8 hex>-<name>` (uploaded; the prefix is Label Studio's), or a URL.
 */
function labelStudioPaths(url: string): { path: string; alternatives: string[] } {
  const local = /[?&]d=([^&]+)/.exec(url);
  const decoded = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (local) {
    const full = decoded(local[1]!);
    return { path: full, alternatives: full.split('/').map((_, i, parts) => parts.slice(i + 1).join('/')).filter(Boolean) };
  }
  const pathPart = decoded(url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, ''));
  const name = pathPart.split('/').pop() ?? pathPart;
  const unprefixed = /^[0-9a-f]{8}-(.+)$/i.exec(name)?.[1];
  return { path: pathPart, alternatives: [name, ...(unprefixed ? [unprefixed] : [])] };
}

function parseLabelStudio(tasks: Json[], source: string): ParsedFile {
  const entries: ParsedEntry[] = [];
  const problems: EntryProblem[] = [];
  let minimal = false;
  tasks.forEach((task, index) => {
    const line = index + 1;
    const bad = (reason: string, path = '', className = '') => problems.push({ line, path, className, reason });
    if (!isObject(task)) return bad('malformed: a task is not an object');
    // Full export: { data: { image }, annotations: [{ result: [{ type: 'choices', value: { choices } }] }] }
    // JSON-MIN: { image, choice } (the field names are the labeling config's).
    const data = isObject(task.data) ? task.data : null;
    const url = data ? (typeof data.image === 'string' ? data.image : Object.values(data).find((v): v is string => typeof v === 'string')) : typeof task.image === 'string' ? task.image : undefined;
    if (!url) return bad('malformed: the task names no image (data.image)');
    const { path, alternatives } = labelStudioPaths(url);
    let choices: Json[] | null;
    if (data) {
      if (!Array.isArray(task.annotations)) return bad('malformed: the task has no annotations list', path);
      const done = task.annotations.filter((a) => isObject(a) && a.was_cancelled !== true);
      if (done.length === 0) return bad('not annotated in Label Studio (no annotation, or only cancelled ones)', path);
      // The latest annotation wins (Label Studio lists them in the order they were made).
      const latest = done[done.length - 1] as { [key: string]: Json };
      const results = Array.isArray(latest.result) ? latest.result : null;
      if (!results) return bad('malformed: the annotation has no result list', path);
      const choiceResults = results.filter((r) => isObject(r) && r.type === 'choices' && isObject(r.value) && Array.isArray(r.value.choices));
      if (choiceResults.length === 0) return bad('the annotation has no choice (not an image classification result)', path);
      choices = choiceResults.flatMap((r) => ((r as { value: { choices: Json[] } }).value.choices));
    } else {
      minimal = true;
      const field = ['choice', 'choices', 'label', 'class', 'sentiment'].map((k) => task[k]).find((v) => v !== undefined);
      if (field === undefined) return bad('not annotated (no choice field)', path);
      choices = typeof field === 'string' ? [field] : isObject(field) && Array.isArray(field.choices) ? field.choices : Array.isArray(field) ? field : null;
      if (!choices) return bad('malformed: the choice is neither a name nor a list of names', path);
    }
    const names = [...new Set(choices.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()))];
    if (names.length === 0) return bad('malformed: the choice is empty', path);
    if (names.length > 1) return bad(`several choices (${names.join(', ')}): a multi-label answer is not one class`, path, names.join('; '));
    entries.push(entry(line, path, names[0]!, { alternatives }));
  });
  if (tasks.length > 0 && entries.length === 0 && problems.every((p) => p.reason.startsWith('malformed'))) {
    throw new AppError('BAD_ARGUMENT', `${source} is a JSON list but none of its ${tasks.length} entries is a Label Studio task with an image. Nothing was imported.`);
  }
  return { format: minimal ? 'Label Studio JSON-MIN export' : 'Label Studio JSON export', entries, problems };
}

function parseCoco(json: { [key: string]: Json }): ParsedFile {
  const entries: ParsedEntry[] = [];
  const problems: EntryProblem[] = [];
  const images = new Map<number, string>();
  (json.images as Json[]).forEach((image, i) => {
    if (isObject(image) && typeof image.id === 'number' && typeof image.file_name === 'string' && image.file_name !== '') images.set(image.id, image.file_name);
    else problems.push({ line: i + 1, path: '', className: '', reason: 'malformed: images[] entry without a numeric id and a file_name' });
  });
  const categories = new Map<number, string>();
  const classOrder: string[] = [];
  (json.categories as Json[]).forEach((category, i) => {
    if (isObject(category) && typeof category.id === 'number' && typeof category.name === 'string' && category.name.trim() !== '') {
      categories.set(category.id, category.name.trim());
      classOrder.push(category.name.trim());
    }
    else problems.push({ line: i + 1, path: '', className: '', reason: 'malformed: categories[] entry without a numeric id and a name' });
  });
  const annotated = new Set<number>();
  (json.annotations as Json[]).forEach((annotation, i) => {
    const line = i + 1;
    if (!isObject(annotation) || typeof annotation.image_id !== 'number' || typeof annotation.category_id !== 'number') {
      problems.push({ line, path: '', className: '', reason: 'malformed: annotation without a numeric image_id and category_id' });
      return;
    }
    const file = images.get(annotation.image_id);
    const className = categories.get(annotation.category_id);
    if (file === undefined) problems.push({ line, path: `image_id ${annotation.image_id}`, className: className ?? '', reason: 'the annotation names an image_id that images[] does not list' });
    else if (className === undefined) problems.push({ line, path: file, className: `category_id ${annotation.category_id}`, reason: 'the annotation names a category_id that categories[] does not list' });
    else {
      annotated.add(annotation.image_id);
      entries.push(entry(line, file, className));
    }
  });
  for (const [id, file] of images) {
    if (!annotated.has(id)) problems.push({ line: 0, path: file, className: '', reason: 'listed in images[] without an annotation: left as it is' });
  }
  return { format: 'COCO-style classification JSON', entries, problems, classOrder };
}

function parseAdmaJson(json: { [key: string]: Json }): ParsedFile {
  const entries: ParsedEntry[] = [];
  const problems: EntryProblem[] = [];
  (json.images as Json[]).forEach((image, i) => {
    if (isObject(image) && typeof image.path === 'string' && image.path !== '' && typeof image.class === 'string' && image.class !== '') {
      entries.push(entry(i + 1, image.path, image.class, { evaluation: isEvaluationSplit(typeof image.split === 'string' ? image.split : undefined) }));
    } else problems.push({ line: i + 1, path: '', className: '', reason: 'malformed: images[] entry without a path and a class' });
  });
  const unsure = Array.isArray(json.unsure) ? json.unsure : [];
  unsure.forEach((image, i) => {
    const line = (json.images as Json[]).length + i + 1;
    if (isObject(image) && typeof image.path === 'string' && image.path !== '') {
      entries.push(entry(line, image.path, '', { unsure: true, evaluation: isEvaluationSplit(typeof image.split === 'string' ? image.split : undefined) }));
    }
    else problems.push({ line, path: '', className: '', reason: 'malformed: unsure[] entry without a path' });
  });
  // The exporting project's class order (labels-export.ts). A name that is not a string is
  // reported and left out of the order; its images' classes still come, by first mention.
  const classOrder: string[] = [];
  (Array.isArray(json.classes) ? json.classes : []).forEach((name, i) => {
    if (typeof name === 'string' && name !== '') classOrder.push(name);
    else problems.push({ line: 0, path: '', className: '', reason: `malformed: classes[${i}] is not a class name: left out of the class order` });
  });
  return { format: 'ADMA Studio labels.json', entries, problems, classOrder, classListIsProjects: true };
}

const PATH_COLUMNS = ['path', 'file', 'file_name', 'filename', 'image', 'image_path'];
const CLASS_COLUMNS = ['class', 'label', 'prediction', 'predicted', 'predicted_class'];
const PROBABILITY_COLUMNS = ['probability', 'prob', 'score', 'confidence'];

/**
 * A prediction CSV, with a header: `path,class,probability` (any of the names above; extra
 * columns are let be) or `path,<class A>,<class B>,…` with one probability per class, of
 * which the highest is the suggestion. An image on several rows keeps its most probable one.
 */
export function parsePredictionsCsv(text: string, source: string): ParsedFile {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true, max_record_size: 64 * 1024 }) as unknown as typeof records;
  } catch (error) {
    const line = Number((error as { lines?: unknown }).lines ?? 0);
    throw new AppError('BAD_ARGUMENT', `${source} is not a readable CSV (line ${line}: ${(error as { code?: string }).code ?? 'parse error'}). Nothing was imported.`);
  }
  const header = records.shift();
  if (!header) throw new AppError('BAD_ARGUMENT', `${source} is empty: a prediction CSV needs a header (path,class,probability) and one row per image.`);
  const names = header.record.map((n) => n.toLowerCase());
  const col = (choices: string[]) => names.findIndex((n) => choices.includes(n));
  const pathCol = col(PATH_COLUMNS);
  const classCol = col(CLASS_COLUMNS);
  const probCol = col(PROBABILITY_COLUMNS);
  const wideCols = header.record.map((name, i) => ({ name, i })).filter(({ i }) => i !== pathCol);
  if (pathCol < 0 || (classCol < 0 && wideCols.length < 2) || (classCol >= 0 && probCol < 0)) {
    throw new AppError(
      'BAD_ARGUMENT',
      `${source}: the first line must name the columns: a path (${PATH_COLUMNS.join('/')}) with a class (${CLASS_COLUMNS.join('/')}) and a probability (${PROBABILITY_COLUMNS.join('/')}), or a path and one probability column per class. Nothing was imported.`,
    );
  }
  const problems: EntryProblem[] = [];
  const best = new Map<string, ParsedEntry>();
  const probabilityOf = (cell: string | undefined): number | null => {
    if (cell === undefined || cell === '') return null;
    const n = Number(cell.replace(/%$/, '')) / (cell.endsWith('%') ? 100 : 1);
    return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
  };
  for (const { record, info } of records) {
    const line = info.lines;
    const fields = record.map(unneutralise);
    const path = fields[pathCol] ?? '';
    if (path === '') {
      problems.push({ line, path: '', className: '', reason: 'malformed: no path' });
      continue;
    }
    let found: ParsedEntry;
    if (classCol >= 0) {
      const className = fields[classCol] ?? '';
      const probability = probabilityOf(fields[probCol]);
      if (className === '' || probability === null) {
        problems.push({ line, path, className, reason: `malformed: ${className === '' ? 'no class' : `the probability "${(fields[probCol] ?? '').slice(0, 20)}" is not a number from 0 to 1`}` });
        continue;
      }
      found = entry(line, path, className, { probability });
    } else {
      const probabilities = wideCols.map(({ name, i }) => ({ name, p: probabilityOf(fields[i]) }));
      const badCell = probabilities.find((c) => c.p === null);
      if (badCell) {
        problems.push({ line, path, className: badCell.name, reason: `malformed: the ${badCell.name} column is not a probability from 0 to 1` });
        continue;
      }
      const top = probabilities.reduce((a, b) => ((b.p as number) > (a.p as number) ? b : a));
      found = entry(line, path, top.name, { probability: top.p });
    }
    const earlier = best.get(path);
    if (!earlier) best.set(path, found);
    else {
      const [kept, dropped] = (found.probability as number) > (earlier.probability as number) ? [found, earlier] : [earlier, found];
      best.set(path, kept);
      problems.push({ line: dropped.line, path, className: dropped.className, reason: `a less probable prediction for an image also on line ${kept.line} (${kept.className})` });
    }
  }
  return { format: classCol >= 0 ? 'prediction CSV (path, class, probability)' : 'prediction CSV (one probability column per class)', entries: [...best.values()], problems };
}

/** Folder names that mean a split, not a class: `<root>/train/<class>/…` is read one level deeper. */
const SPLIT_FOLDERS = new Set(['train', 'training', ...EVALUATION_SPLITS]);

/** The content hash of an image a labels folder holds: a regular file only (a FIFO or device there would never end). */
async function sha256(file: string): Promise<string> {
  const { handle } = await openUserFile(file, { what: 'an image', maxBytes: Infinity });
  try {
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * An expert's folder tree: images under `<root>/<class>/…` (any depth below the class
 * folder), or under `<root>/<split>/<class>/…` when every top folder is a split name
 * (train, val, test…, as ImageFolder exports and many data sets are laid out). Each file
 * comes with its content hash, so it is matched to the project's image whatever its name
 * or place; files straight in the root (no class folder) are reported.
 */
export async function readClassFolders(root: string, onProgress?: (done: number, total: number) => void): Promise<ParsedFile> {
  const skipped: SkippedEntry[] = [];
  const files: FoundFile[] = [];
  for await (const file of walkImageFiles(root, skipped)) files.push(file);
  const tops = new Set(files.map((f) => f.relPath.split('/')[0]!).filter((_, i) => files[i]!.relPath.includes('/')));
  const split = tops.size > 0 && [...tops].every((t) => SPLIT_FOLDERS.has(t.toLowerCase()));
  const problems: EntryProblem[] = skipped.map((s) => ({ line: 0, path: s.relPath, className: '', reason: s.reason }));
  const entries: ParsedEntry[] = [];
  let done = 0;
  for (const file of files) {
    const parts = file.relPath.split('/');
    const depth = split ? 2 : 1;
    if (parts.length <= depth) {
      problems.push({ line: 0, path: file.relPath, className: '', reason: split ? 'not inside a class folder of its split folder' : 'not inside a class folder' });
      continue;
    }
    try {
      entries.push(entry(0, file.relPath, parts[depth - 1]!.trim(), { hash: await sha256(file.absPath), evaluation: split && isEvaluationSplit(parts[0]) }));
    } catch (error) {
      problems.push({ line: 0, path: file.relPath, className: parts[depth - 1]!, reason: `unreadable: ${errnoReason(error)}` });
    }
    onProgress?.(++done, files.length);
  }
  if (files.length === 0) throw new AppError('BAD_ARGUMENT', `${root} holds no image files: put each class's images in a sub-folder named after the class.`);
  return { format: split ? `class folders inside split folders (${[...tops].sort().join(', ')}), matched by content` : 'class folders, matched by content', entries, problems };
}

/** The metadata files of a Hugging Face `imagefolder` data set in `root`: its own, or its split folders'. */
export function huggingFaceMetadata(root: string): string[] {
  const own = path.join(root, 'metadata.csv');
  if (existsSync(own)) return [own];
  let folders: string[];
  try {
    folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
  } catch {
    return [];
  }
  return folders.map((f) => path.join(root, f, 'metadata.csv')).filter((f) => existsSync(f));
}

/**
 * A Hugging Face `imagefolder` data set: each `metadata.csv` names an image beside it
 * (`file_name`) and its class (`label`, or `class`). Images are matched by content: the
 * `sha256` column when there is one (our export writes it), else the file's own hash.
 */
export async function readHuggingFaceFolder(root: string, metadataFiles: readonly string[], onProgress?: (done: number, total: number) => void): Promise<ParsedFile> {
  const entries: ParsedEntry[] = [];
  const problems: EntryProblem[] = [];
  const rows: { line: number; file: string; rel: string; className: string; hash: string | null; evaluation: boolean }[] = [];
  for (const metadata of metadataFiles) {
    const dir = path.dirname(metadata);
    const prefix = path.relative(root, dir).split(path.sep).join('/');
    const relOf = (name: string) => (prefix ? `${prefix}/${name}` : name);
    let records: { record: string[]; info: { lines: number } }[];
    const text = await readUserText(metadata, { what: 'a metadata.csv', maxBytes: MAX_LABELS_FILE_BYTES });
    try {
      records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true, max_record_size: 64 * 1024 }) as unknown as typeof records;
    } catch (error) {
      throw new AppError('BAD_ARGUMENT', `${metadata} is not a readable CSV (line ${Number((error as { lines?: unknown }).lines ?? 0)}). Nothing was imported.`);
    }
    const names = (records.shift()?.record ?? []).map((n) => n.toLowerCase());
    const fileCol = names.indexOf('file_name');
    const classCol = names.includes('label') ? names.indexOf('label') : names.indexOf('class');
    const hashCol = names.indexOf('sha256');
    if (fileCol < 0 || classCol < 0) throw new AppError('BAD_ARGUMENT', `${metadata}: the first line must name a file_name and a label column. Nothing was imported.`);
    for (const { record, info } of records) {
      const fields = record.map(unneutralise);
      const name = fields[fileCol] ?? '';
      const className = fields[classCol] ?? '';
      if (name === '' || className === '') {
        problems.push({ line: info.lines, path: relOf(name), className, reason: `malformed: no ${name === '' ? 'file_name' : 'label'}` });
        continue;
      }
      if (name.includes('..') || path.isAbsolute(name)) {
        problems.push({ line: info.lines, path: name, className, reason: 'malformed: file_name leaves its folder' });
        continue;
      }
      const hash = hashCol >= 0 && /^[0-9a-f]{64}$/.test(fields[hashCol] ?? '') ? (fields[hashCol] as string) : null;
      rows.push({ line: info.lines, file: path.join(dir, name), rel: relOf(name), className, hash, evaluation: isEvaluationSplit(prefix.split('/').pop()) });
    }
  }
  let done = 0;
  for (const row of rows) {
    try {
      entries.push(entry(row.line, row.rel, row.className, { hash: row.hash ?? (await sha256(row.file)), evaluation: row.evaluation }));
    } catch (error) {
      problems.push({ line: row.line, path: row.rel, className: row.className, reason: `unreadable: ${errnoReason(error)}` });
    }
    onProgress?.(++done, rows.length);
  }
  return { format: `Hugging Face imagefolder (${metadataFiles.map((f) => path.relative(root, f).split(path.sep).join('/')).join(', ')}), matched by content`, entries, problems };
}
