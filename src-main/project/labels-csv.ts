/**
 * Reads the labels CSV of `adma train`: one `path,class` line per labelled image, an
 * optional header, RFC 4180 quoting ("a, b" and doubled quotes), blank lines ignored.
 * Every problem is reported with its line number.
 */
import { AppError } from '../../src-preload/app-error';

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

export function parseLabelsCsv(text: string, source: string): LabelLine[] {
  const out: LabelLine[] = [];
  const problems: string[] = [];
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
    if (out.length === 0 && problems.length === 0 && fields[0]?.toLowerCase() === 'path' && fields[1]?.toLowerCase() === 'class') return;
    if (fields.length !== 2 || !fields[0] || !fields[1]) {
      problems.push(`line ${line}: expected "path,class", got ${JSON.stringify(raw)}`);
      return;
    }
    out.push({ line, path: fields[0], className: fields[1] });
  });
  if (problems.length) throw new AppError('BAD_ARGUMENT', `${source} has ${problems.length} bad line${problems.length > 1 ? 's' : ''}:\n  ${problems.slice(0, 5).join('\n  ')}`);
  if (out.length === 0) throw new AppError('BAD_ARGUMENT', `${source} has no labels; write one "path,class" line per labelled image.`);
  return out;
}
