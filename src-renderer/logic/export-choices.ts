/**
 * The Export dialog's boxes against what the project can give now. A part that cannot be made
 * (the adapted model before any training; the train/evaluation split while the evaluation set
 * has no labeled image) is shown unticked and disabled, whatever was ticked: the dialog never
 * shows a box ticked that the export will not honour. What the person asked for is kept, so
 * the box is ticked again once the part can be made. The result line says what was left out
 * and why.
 */
import type { ExportRequest, ModelChoice } from '../../src-shared/contract';

export type ExportParts = Omit<Required<ExportRequest>, 'destination' | 'modelVersion'>;

export interface ExportAvailability {
  /** A model version has been trained (and the one chosen can be exported now). */
  trainedModel: boolean;
  /** Why the chosen version cannot be exported now (trained on another backbone than the one in use…); absent or null when it can, or none is trained. */
  modelRefused?: string | null;
  /** The evaluation set has at least one labeled image. */
  labeledEvaluation: boolean;
}

/** The parts as the boxes show them and the export takes them: asked for and possible now. */
export function exportedParts(asked: ExportParts, can: ExportAvailability): ExportParts {
  return {
    ...asked,
    model: asked.model && can.trainedModel,
    splitImageFolder: asked.imageFolder && asked.splitImageFolder && can.labeledEvaluation,
  };
}

/** What an export of `asked` leaves out that was asked for, and why (one sentence each). */
export function exportLeftOut(asked: ExportParts, can: ExportAvailability): string[] {
  const out: string[] = [];
  if (asked.model && !can.trainedModel) {
    out.push(
      can.modelRefused
        ? `The adapted model was left out: ${can.modelRefused}`
        : 'The adapted model was left out: no model has been trained yet (it trains when a batch is labeled).',
    );
  }
  if (asked.imageFolder && asked.splitImageFolder && !can.labeledEvaluation) {
    out.push('The ImageFolder copy is not split into train/ and evaluation/: the evaluation set has no labeled image.');
  }
  if (asked.huggingFace && !can.labeledEvaluation) out.push('The Hugging Face layout has no test/ split: the evaluation set has no labeled image.');
  return out;
}

/**
 * The files the adapted model is exported as, in words (export-adapted.ts): a TF.js pre-trained
 * model gives the TF.js folder and the same classifier as model.onnx; an ONNX model folder gives
 * model.onnx only (its trunk is no TF.js graph). The versions that can be exported are on the
 * pre-trained model in use, so its choice says which (the model panel always sends an ONNX
 * folder with its preprocessing).
 */
export function modelFilesWords(choice: ModelChoice | null, version: number): string {
  const model = choice?.kind === 'folder' && choice.onnx ? `ONNX model (version ${version}): model.onnx` : `TF.js model and model.onnx (version ${version})`;
  return `${model}, labels.json, preprocessing.json, model card`;
}

/** The kinds of file an export writes, in the order the result lists them. */
export const EXPORT_FILE_KINDS = ['model', 'card', 'preprocessing', 'snippets', 'labels', 'imageFolder', 'huggingFace', 'other'] as const;
export type ExportFileKind = (typeof EXPORT_FILE_KINDS)[number];

const KIND_TITLES: Record<ExportFileKind, string> = {
  model: 'Model',
  card: 'Model card',
  preprocessing: 'Preprocessing',
  snippets: 'Code snippets',
  labels: 'Labels',
  imageFolder: 'ImageFolder copy',
  huggingFace: 'Hugging Face imagefolder',
  other: 'Other files',
};

/** One kind of file in an export's result: what it holds in words, where, how many files and bytes. */
export interface ExportFileGroup {
  kind: ExportFileKind;
  title: string;
  /** Its files named (a few), or its images counted (copies). */
  what: string;
  /** Whether `what` names every one of its files (none counted, none left in "N more"). */
  named: boolean;
  /** The export's sub-folder it is in, with a trailing '/'; '' at the export's top. */
  folder: string;
  files: number;
  bytes: number;
}

/** Code in any language a snippet beside the model may be written in. */
const SNIPPET_EXTENSIONS = /\.(py|ipynb|js|mjs|cjs|ts|html|sh|r)$/i;

/**
 * A written file's kind from its path relative to the export (labels-export.ts and
 * export-classifier.ts name them): the app writes the model and what goes with it into `model/`,
 * the copies into `images/` and `huggingface/`, the labels files at the top.
 */
export function exportFileKind(parts: readonly string[]): ExportFileKind {
  const [top, ...rest] = parts;
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return /^(labels\.(csv|json)|unsure\.csv)$/.test(name) ? 'labels' : 'other';
  if (top === 'images') return 'imageFolder';
  if (top === 'huggingface') return 'huggingFace';
  if (top !== 'model') return 'other';
  if (name === 'MODEL_CARD.md' || /^learning-curve\./.test(name)) return 'card';
  if (name === 'preprocessing.json') return 'preprocessing';
  if (SNIPPET_EXTENSIONS.test(name) || rest.slice(0, -1).some((folder) => /snippet/i.test(folder))) return 'snippets';
  return 'model';
}

/** Most names a group lists; more are counted ("and 2 more"). */
const MOST_NAMES = 5;

/** Up to MOST_NAMES names, then how many more. */
function namesWords(names: readonly string[]): string {
  return names.length <= MOST_NAMES ? names.join(', ') : `${names.slice(0, MOST_NAMES).join(', ')} and ${names.length - MOST_NAMES} more`;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * A group's contents in words, from its files' paths split into folders; named relative to the
 * group's `folder`. `named`: whether the words name every file (the result then needs no "Show
 * all N files": it would list the same names again).
 */
function groupWhat(kind: ExportFileKind, paths: readonly (readonly string[])[], folder: string): { what: string; named: boolean } {
  const names = paths.map((p) => p.join('/').slice(folder.length));
  const counted = (what: string): { what: string; named: boolean } => ({ what, named: false });
  if (kind === 'imageFolder') {
    // images/<class>/<file>, or images/<split>/<class>/<file> when split.
    const split = [...new Set(paths.filter((p) => p.length === 4).map((p) => `${p[1]}/`))];
    const classes = new Set(paths.map((p) => p[p.length - 2]));
    return counted(`${count(paths.length, 'image')} in ${count(classes.size, 'class folder')}${split.length > 1 ? `, split into ${split.join(' and ')}` : ''}`);
  }
  if (kind === 'huggingFace') {
    // huggingface/<split>/<file>, with one metadata.csv per split.
    const metadata = paths.filter((p) => p[p.length - 1] === 'metadata.csv');
    const splits = [...new Set(paths.map((p) => `${p[1]}/`))];
    const images = count(paths.length - metadata.length, 'image');
    return counted(metadata.length === 1 ? `${images} and metadata.csv` : `${images} and ${metadata.length} metadata.csv files${splits.length > 1 ? ` (${splits.join(' and ')})` : ''}`);
  }
  if (kind === 'model') {
    // TF.js weights come in shards: counted, not named.
    const shards = names.filter((n) => n.endsWith('.bin'));
    const listed = [...names.filter((n) => !n.endsWith('.bin')), ...(shards.length > 0 ? [count(shards.length, 'weight file')] : [])];
    return { what: namesWords(listed), named: shards.length === 0 && listed.length <= MOST_NAMES };
  }
  return { what: namesWords(names), named: names.length <= MOST_NAMES };
}

/**
 * What an export wrote, by kind, for its result: the model, its card, preprocessing.json, code
 * snippets, the labels files, each image copy, anything else; each with its files named or
 * counted, its folder, and its size. `files` and `sizes` as in ExportReport (paths relative to the
 * export with the system's separator; bytes in the same order). Kinds with no file are left out.
 */
export function exportFileGroups(files: readonly string[], sizes: readonly number[]): ExportFileGroup[] {
  const byKind = new Map<ExportFileKind, { paths: string[][]; bytes: number }>();
  files.forEach((file, i) => {
    const parts = file.split(/[\\/]/);
    const kind = exportFileKind(parts);
    const group = byKind.get(kind) ?? { paths: [], bytes: 0 };
    group.paths.push(parts);
    group.bytes += sizes[i] ?? 0;
    byKind.set(kind, group);
  });
  return EXPORT_FILE_KINDS.flatMap((kind) => {
    const group = byKind.get(kind);
    if (!group) return [];
    const tops = new Set(group.paths.map((p) => (p.length > 1 ? `${p[0]}/` : '')));
    const folder = tops.size === 1 ? ([...tops][0] as string) : '';
    return [{ kind, title: KIND_TITLES[kind], ...groupWhat(kind, group.paths, folder), folder, files: group.paths.length, bytes: group.bytes }];
  });
}
