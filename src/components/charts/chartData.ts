// Masked values cannot be drawn: the chart shows a note and the table alternative says "masked".
import type { CellValue } from '~/lib/format';
import { isMasked } from '~/lib/masked';
import type { Datum, Series } from './ChartFrame';

export function everySeriesMasked(data: readonly Datum[], series: readonly Series[]): boolean {
  return data.length > 0 && series.every((s) => data.every((d) => isMasked(d[s.key])));
}

/** Numbers kept, everything else (null, masked, text) as null, which recharts leaves out. */
export function drawable(data: readonly Datum[], categoryKey: string, series: readonly Series[]): Record<string, string | number | null>[] {
  return data.map((d) => {
    const point: Record<string, string | number | null> = { [categoryKey]: asText(d[categoryKey]) };
    for (const s of series) {
      const value = d[s.key];
      point[s.key] = typeof value === 'number' && Number.isFinite(value) ? value : null;
    }
    return point;
  });
}

function asText(value: CellValue | undefined): string {
  if (isMasked(value)) return 'masked';
  return value === null || value === undefined ? '' : String(value);
}
