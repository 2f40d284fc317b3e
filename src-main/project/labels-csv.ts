/**
 * Reads a labels CSV (for `adma train` and Labels → Import): one `path,class` row per labeled
 * image, an optional header, parsed by csv-parse (RFC 4180: quoted fields with commas, doubled
 * quotes and line breaks; quotes inside unquoted fields are taken literally). Excel's
 * semicolon CSVs (locales with a decimal comma) are recognised, also by a `sep=;` first line.
 * Cells neutralised against formula injection by our export (csv-field.ts) are read back as
 * they were. Problems are reported by line number, never by echoing the file's contents
 * (it may be a file that is not a CSV at all, e.g. a password file).
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../src-shared/app-error';
import { unneutralise } from './csv-field';

export interface LabelLine {
  line: number;
  path: string;
  className: string;
  /** The `split` column's value, when the header has one (ADMA Studio's export: training or evaluation). */
  split?: string;
}

interface Row {
  line: number;
  fields: string[];
}

/** `,` unless the first record clearly uses `;` (Excel in locales with a decimal comma). */
function delimiterOf(text: string): { delimiter: string; fromLine: number } {
  const first = text.split(/\r?\n/).findIndex((l) => l.trim() !== '');
  const line = first >= 0 ? (text.split(/\r?\n/)[first] as string) : '';
  const sep = /^sep=(.)\s*$/.exec(line);
  if (sep) return { delimiter: sep[1] as string, fromLine: first + 2 };
  const unquoted = line.replace(/"[^"]*"/g, '');
  const semicolons = (unquoted.match(/;/g) ?? []).length;
  const commas = (unquoted.match(/,/g) ?? []).length;
  return { delimiter: semicolons > commas ? ';' : ',', fromLine: 1 };
}

const REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quote',
  INVALID_OPENING_QUOTE: 'a quote in the middle of a field',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
  CSV_MAX_RECORD_SIZE: 'a field is too long',
};

/**
 * The records of `text`. A quote left open swallows every line after it into one field, so the
 * good lines after a stray quote were lost unlisted (verify 8): then each line is read on its
 * own, and only the line with the stray quote is a problem, at its own number. (A quoted field
 * spanning lines, which RFC 4180 allows, is read whole when every quote is closed.)
 */
function readRows(text: string): { rows: Row[]; problems: { line: number; reason: string }[] } {
  const { delimiter, fromLine } = delimiterOf(text.replace(/^\uFEFF/, ''));
  const whole = readRecords(text, delimiter, fromLine);
  if (!whole.problems.some((p) => p.reason === REASONS.CSV_QUOTE_NOT_CLOSED)) return whole;
  const rows: Row[] = [];
  const problems: { line: number; reason: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (i + 1 < fromLine || line.trim() === '') return;
    const one = readRecords(line, delimiter, 1); // a BOM on the first line: csv-parse's `bom`
    rows.push(...one.rows.map((row) => ({ ...row, line: i + 1 })));
    problems.push(...one.problems.map((problem) => ({ ...problem, line: i + 1 })));
  });
  return { rows, problems };
}

function readRecords(text: string, delimiter: string, fromLine: number): { rows: Row[]; problems: { line: number; reason: string }[] } {
  const problems: { line: number; reason: string }[] = [];
  const records = parse(text, {
    bom: true,
    delimiter,
    from_line: fromLine,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
    info: true,
    max_record_size: 64 * 1024,
    skip_records_with_error: true,
    on_skip: (error) => {
      problems.push({ line: Number((error as { lines?: unknown } | undefined)?.lines ?? 0), reason: REASONS[error?.code ?? ''] ?? 'not a CSV record' });
      return undefined;
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const rows = records
    .filter((r) => r.record.some((f) => f !== ''))
    .map((r) => ({ line: r.info.lines, fields: r.record.map(unneutralise) }));
  return { rows, problems };
}

function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, 10).join(', ');
  return lines.length > 10 ? `${shown} and ${lines.length - 10} more` : shown;
}

/** A line of a labels CSV that is not a label, and why. */
export interface LabelLineProblem {
  line: number;
  reason: string;
  /** The line's path and class where it has them (a line with an empty class still names its image: the import report shows it). */
  path?: string;
  className?: string;
}

/**
 * Without a header every line is `path,class`. A header naming `path` and `class` columns
 * (in any position, e.g. ADMA Studio's own export `path,class,split,labeled_at,annotator`)
 * selects those columns and lets the others be. The lines that are not labels are returned
 * apart, with why (the import lists them and applies the rest); a file with no label at all is
 * refused (it is not a labels CSV).
 */
export function readLabelsCsv(text: string, source: string): { lines: LabelLine[]; problems: LabelLineProblem[] } {
  const { rows, problems } = readRows(text);
  const out: LabelLine[] = [];
  let columns: { path: number; className: number; split: number; width: number } | null = null;
  const first = rows[0];
  if (first) {
    const names = first.fields.map((f) => f.toLowerCase());
    if (names.includes('path') && names.includes('class')) {
      columns = { path: names.indexOf('path'), className: names.indexOf('class'), split: names.indexOf('split'), width: first.fields.length };
      rows.shift();
    }
  }
  const layout = columns ?? { path: 0, className: 1, split: -1, width: 2 };
  const expected = columns ? `${layout.width} fields with a path and a class, as in the header` : 'a path and a class ("path,class")';
  const wrongShape: LabelLineProblem[] = [];
  for (const row of rows) {
    const path = row.fields[layout.path];
    const className = row.fields[layout.className];
    if (row.fields.length === layout.width && path && className) {
      out.push({ line: row.line, path, className, ...(layout.split >= 0 ? { split: row.fields[layout.split] ?? '' } : {}) });
      continue;
    }
    // A line of the right shape with one field empty says which; any other, the shape expected.
    const named = { ...(path ? { path } : {}), ...(className ? { className } : {}) };
    const reason = row.fields.length !== layout.width ? `expected ${expected}` : !path && !className ? 'no path and no class' : !path ? 'no path' : 'no class';
    wrongShape.push({ line: row.line, reason: `${SHAPE}${reason}`, ...(row.fields.length === layout.width ? named : {}) });
  }
  const all = [...problems, ...wrongShape].sort((a, b) => a.line - b.line);
  if (out.length === 0) {
    if (all.length === 0) throw new AppError('BAD_ARGUMENT', `${source} has no labels; write one "path,class" line per labeled image.`);
    throw new AppError('BAD_ARGUMENT', `${source} has ${badLines(all)}\nIt does not look like a labels CSV.`);
  }
  return { lines: out, problems: all };
}

const SHAPE = 'malformed: ';

/** "3 bad lines:" and why (the lines of the wrong shape together, one row per reason), then the first five others. */
function badLines(problems: readonly LabelLineProblem[]): string {
  const shapes = new Map<string, number[]>();
  for (const p of problems) if (p.reason.startsWith(SHAPE)) shapes.set(p.reason, [...(shapes.get(p.reason) ?? []), p.line]);
  const other = problems.filter((p) => !p.reason.startsWith(SHAPE));
  const lines = [
    ...[...shapes].map(([reason, at]) => `line${at.length > 1 ? 's' : ''} ${lineList(at)}: ${reason.slice(SHAPE.length)}`),
    ...other.slice(0, 5).map((p) => `line ${p.line}: ${p.reason}`),
  ];
  return `${problems.length} bad line${problems.length > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`;
}

/**
 * The labels of a CSV, refusing the whole file if any line is not a label (`adma train`: a
 * training set with lines left out would train on less than the expert meant).
 */
export function parseLabelsCsv(text: string, source: string): LabelLine[] {
  const { lines, problems } = readLabelsCsv(text, source);
  if (problems.length > 0) throw new AppError('BAD_ARGUMENT', `${source} has ${badLines(problems)}`);
  return lines;
}
