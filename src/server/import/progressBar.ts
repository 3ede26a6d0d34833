// A one-line progress bar for the terminal: share of the file read, rows, rows/s and time left.
import type { ImportProgress } from './run';

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const number = (n: number) => Math.round(n).toLocaleString('en-US');

/** `[#########-----------]  45%  450,000 rows  12,345 rows/s  ETA 0:45  (3 invalid)` */
export function progressLine(p: ImportProgress, width = 24): string {
  const share = p.fileBytes > 0 ? Math.min(1, p.bytesDone / p.fileBytes) : 1;
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const eta = p.etaSeconds === null ? 'ETA --' : `ETA ${formatDuration(p.etaSeconds)}`;
  const invalid = p.invalidRows > 0 ? `  (${number(p.invalidRows)} invalid)` : '';
  return `${bar} ${String(Math.floor(share * 100)).padStart(3)}%  ${number(p.rowsDone)} rows  ${number(p.rowsPerSecond)} rows/s  ${eta}${invalid}`;
}
