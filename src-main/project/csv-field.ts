/**
 * Every CSV that ADMA Studio writes goes through here (csv-stringify, RFC 4180 quoting).
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return as a formula, so a class named
 * `=HYPERLINK("http://x")` would be live in Excel. Such text cells get a leading `'`, which
 * spreadsheets show as plain text. Numbers are written as numbers (a negative number stays
 * `-1`). Text that already starts with quotes before such a character gets one more quote,
 * so `unneutralise` in the reader (labels-csv.ts) gives back every value exactly: importing
 * our own export round-trips class names and paths.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of `neutralise`, for cells read back from a CSV. */
export function unneutralise(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

export type CsvValue = string | number | null;

/** Rows as CSV text, one `\n`-terminated line per row; null is an empty cell. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return stringify(
    rows.map((row) => row.map((v) => (v === null ? '' : v))),
    // Leading or trailing spaces are quoted: the reader trims unquoted fields only.
    { cast: { string: neutralise, number: (n) => String(n) }, quoted_match: /^\s|\s$/ },
  );
}

/** One CSV field (for files written line by line). */
export function csvField(value: CsvValue): string {
  return toCsv([[value]]).replace(/\n$/, '');
}
