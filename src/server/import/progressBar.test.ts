import { describe, expect, it } from 'vitest';
import { csvCell } from './http';
import { formatDuration, progressLine } from './progressBar';

describe('progressLine', () => {
  it('shows the share of the file, rows, rows/s, time left and invalid rows', () => {
    const line = progressLine(
      { importId: 1, rowsDone: 450_000, bytesDone: 45, fileBytes: 100, events: 0, accepted: 0, duplicates: 0, invalidRows: 3, skippedRows: 0, rowsPerSecond: 12_345.4, etaSeconds: 45 },
      20,
    );
    expect(line).toBe('[#########-----------]  45%  450,000 rows  12,345 rows/s  ETA 0:45  (3 invalid)');
  });

  it('formats durations over an hour and unknown time left', () => {
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(59.6)).toBe('1:00');
    const line = progressLine({ importId: 1, rowsDone: 0, bytesDone: 0, fileBytes: 0, events: 0, accepted: 0, duplicates: 0, invalidRows: 0, skippedRows: 0, rowsPerSecond: 0, etaSeconds: null }, 4);
    expect(line).toBe('[####] 100%  0 rows  0 rows/s  ETA --');
  });
});

describe('csvCell', () => {
  it('quotes what needs quoting and keeps formulas from running', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('-10')).toBe('-10');
    expect(csvCell(6)).toBe('6');
  });
});
