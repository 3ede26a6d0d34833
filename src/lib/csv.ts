// CSV text of a table as shown: one header line, one line per row, RFC 4180 quoting.
import { csvValue, type CellValue, type FormatKind } from './format';

export interface CsvColumn {
  key: string;
  header: string;
  format: FormatKind;
}

function quote(field: string): string {
  // A leading =, +, - or @ would be run as a formula by spreadsheets; a quote-prefixed text is not.
  const safe = /^[=+\-@]/.test(field) && Number.isNaN(Number(field)) ? `'${field}` : field;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(columns: readonly CsvColumn[], rows: readonly Readonly<Record<string, CellValue>>[]): string {
  // Soft hyphens only help a narrow header break on screen.
  const lines = [columns.map((c) => quote(c.header.replaceAll('\u00AD', ''))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(csvValue(c.format, row[c.key]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
