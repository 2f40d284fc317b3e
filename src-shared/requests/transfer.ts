/** What leaves and enters a project: export (model, labels, images) and CSV label import. */
import { s } from '../schema';
import { command, query } from './request-def';
import type { PathCheck } from './project';

export interface ExportRequest {
  destination: string;
  model: boolean;
  labelsCsv: boolean;
  labelsJson: boolean;
  imageFolder: boolean;
  /** The ImageFolder copy as `train/<class>/…` and `evaluation/<class>/…`: the evaluation set apart, never mixed with training (absent: false). */
  splitImageFolder?: boolean;
  /** A Hugging Face `imagefolder` layout: `train/` and `test/` (the evaluation set), each with a metadata.csv of file_name and label (absent: false). */
  huggingFace?: boolean;
  /** The kept version to export with `model` (absent: the latest). */
  modelVersion?: number;
}

/** Why a project keeps a trained version (model-versions.ts keepReasons); versions with none are deleted after the next training. */
export type VersionKeepReason = 'latest' | 'recent' | 'best' | 'backbone' | 'round';

/** A trained version the project keeps, as the export dialog lists it. */
export interface ModelVersionInfo {
  version: number;
  modelId: string;
  /** The pre-trained model it was trained on, by name. */
  backbone: string;
  trainingLabels: number;
  /**
   * Accuracy on the evaluation set with its 95% interval; null when not scored. `withoutFeatures`:
   * the labeled evaluation images the score leaves out (they had no features yet when it was
   * scored); not 0: scored on part of the set, not compared for the best (keepReasons).
   */
  accuracy: { value: number; low: number; high: number; evaluated: number; withoutFeatures: number } | null;
  trainedAt: string;
  kept: VersionKeepReason[];
  /** Why it cannot be exported now (another backbone than the one in use, its files gone), else null. */
  notExportable: string | null;
}

export interface ModelVersions {
  versions: ModelVersionInfo[];
  /** How many latest versions are always kept. */
  keepLatest: number;
}

export interface ExportReport {
  destination: string;
  /** Every file written, relative to `destination` (the system's separator), in the order written. */
  files: string[];
  /** The size in bytes of each of `files`, in the same order (the dialog's sizes per kind). */
  sizes: number[];
  modelVersion: number | null;
  /**
   * What the expert should know about what was not exported, in sentences: labels of images
   * missing from the folder at the last scan, and labeled images whose files an image copy found
   * changed, gone or unreadable since (named, each with why; in no file of the export).
   */
  notes: string[];
}

export interface ImportReport {
  /** What the file was read as, e.g. "Label Studio JSON export" or "class folders, matched by content". */
  format: string;
  /** Entries read (rows, tasks, annotations, files), applied or not. */
  rows: number;
  labeled: number;
  /** Images marked unsure (an ADMA Studio labels.json carries them). */
  unsure: number;
  /** Suggestions stored (a prediction CSV). */
  suggested: number;
  /**
   * Images put in the evaluation set because the file holds them in its evaluation (test,
   * validation) split; only images that had no label and were never queried join it.
   */
  evaluation: number;
  unchanged: number;
  createdClasses: string[];
  /**
   * Every entry not applied, and why. `line`: the line of a CSV, the entry's number in its JSON
   * list (1-based), 0 for a file of a folder or an image listed without an annotation.
   */
  unmatched: { line: number; path: string; className: string; reason: string }[];
}

/** The file suggestions were imported from, and how many of its suggestions remain. */
export interface ImportedSuggestionSource {
  source: string;
  count: number;
  importedAt: string;
}

/** Import as labels (a labels CSV, class folders, Label Studio, COCO or ADMA JSON) or as suggestions (a prediction CSV). */
export type ImportKind = 'labels' | 'suggestions';

export interface ExportCheck extends PathCheck {
  refused: string | null;
  /** Why a destination that does not exist cannot be created there (under a file, permission denied, read-only), else null. */
  cannotCreate: string | null;
}

export const transferRequests = {
  /** The destination as the export would find it; `refused`: why the export would refuse it for where it is (inside the open project), else null. */
  'export:check': query(s.object({ destination: s.string({ min: 1 }) }), 'app').returns<ExportCheck>(),
  'export:run': command(
    s.object({
      destination: s.string({ min: 1 }),
      model: s.boolean(),
      labelsCsv: s.boolean(),
      labelsJson: s.boolean(),
      imageFolder: s.boolean(),
      splitImageFolder: s.optional(s.boolean()),
      huggingFace: s.optional(s.boolean()),
      modelVersion: s.optional(s.int({ min: 1, max: 1_000_000_000 })),
    }),
  ).returns<ExportReport>(),
  /** The trained versions the project keeps (newest first), why each is kept, and whether it can be exported now. */
  'export:versions': query(s.none()).returns<ModelVersions>(),
  /** Import labels from a CSV file of `path,class` rows (header optional). */
  'labels:importCsv': command(s.object({ path: s.string({ min: 1 }), createClasses: s.boolean() })).returns<ImportReport>(),
  /** Import labels from a file or a folder of class folders (the format is recognised), or suggestions from a prediction CSV. */
  'labels:import': command(s.object({ path: s.string({ min: 1 }), kind: s.literal('labels', 'suggestions'), createClasses: s.boolean() })).returns<ImportReport>(),
  /** The imports suggestions came from, latest first. */
  'suggestions:importedSources': query(s.none()).returns<ImportedSuggestionSource[]>(),
  /** Remove the suggestions of one import (`source`) or all imported suggestions; labels are never touched. */
  'suggestions:clearImported': command(s.object({ source: s.optional(s.string({ min: 1 })) })).returns<{ cleared: number }>(),
} as const;
