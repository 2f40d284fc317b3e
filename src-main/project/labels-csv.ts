/**
 * Reads the labels CSV of `adma train`: one `path,class` line per labelled image, an
 * optional header, RFC 4180 quoting ("a, b" and doubled quotes), blank lines ignored.
 * Every problem is reported with its line number.
 */
import { AppError } from '../../src-shared/app-error';

export interface LabelLine {
  line: number;
  path: string;
  className: string;
}

/** Fields of one CSV record (no embedded newlines). */
export function splitCsvRecord(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  if (quoted) throw new Error('unterminated quote');
  fields.push(field.trim());
  return fields;
}

/**
 * Without a header every line is `path,class`. A header naming `path` and `class` columns
 * (in any position, e.g. ADMA Studio's own export `path,class,split,labeled_at,annotator`)
 * selects those columns and lets the others be.
 */
export function parseLabelsCsv(text: string, source: string): LabelLine[] {
  const out: LabelLine[] = [];
  const problems: string[] = [];
  let columns: { path: number; className: number; width: number } | null = null;
  let first = true;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let fields: string[];
    try {
      fields = splitCsvRecord(raw);
    } catch (error) {
      problems.push(`line ${line}: ${(error as Error).message}`);
      return;
    }
    if (first) {
      first = false;
      const names = fields.map((f) => f.toLowerCase());
      if (names.includes('path') && names.includes('class')) {
        columns = { path: names.indexOf('path'), className: names.indexOf('class'), width: fields.length };
        return;
      }
    }
    const layout: { path: number; className: number; width: number } = columns ?? { path: 0, className: 1, width: 2 };
    const path = fields[layout.path];
    const className = fields[layout.className];
    if (fields.length !== layout.width || !path || !className) {
      problems.push(`line ${line}: expected ${columns ? `${layout.width} fields with a path and a class` : '"path,class"'}, got ${JSON.stringify(raw)}`);
      return;
    }
    out.push({ line, path, className });
  });
  if (problems.length) throw new AppError('BAD_ARGUMENT', `${source} has ${problems.length} bad line${problems.length > 1 ? 's' : ''}:\n  ${problems.slice(0, 5).join('\n  ')}`);
  if (out.length === 0) throw new AppError('BAD_ARGUMENT', `${source} has no labels; write one "path,class" line per labelled image.`);
  return out;
}
