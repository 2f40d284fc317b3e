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
}

export interface ExportReport {
  destination: string;
  files: string[];
  modelVersion: number | null;
}

export interface ImportReport {
  rows: number;
  labeled: number;
  unchanged: number;
  createdClasses: string[];
  unmatched: { line: number; path: string; className: string; reason: string }[];
}

export const transferRequests = {
  'export:check': query(s.object({ destination: s.string({ min: 1 }) }), 'app').returns<PathCheck & { empty: boolean }>(),
  'export:run': command(
    s.object({ destination: s.string({ min: 1 }), model: s.boolean(), labelsCsv: s.boolean(), labelsJson: s.boolean(), imageFolder: s.boolean() }),
  ).returns<ExportReport>(),
  /** Import labels from a CSV file of `path,class` rows (header optional). */
  'labels:importCsv': command(s.object({ path: s.string({ min: 1 }), createClasses: s.boolean() })).returns<ImportReport>(),
} as const;
