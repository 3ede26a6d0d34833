// The onboarding forecast per ISO week, one view for the Forecast page and its tile.
import { DataTable, type Column, type Row } from '~/components/DataTable';
import type { RouterOutputs } from '~/trpc/react';
import type { TileBody } from './types';

type Forecast = RouterOutputs['forecast']['onboarding'];

/** Expected counts are fractional; two decimals are all a week's plan needs. */
export const round2 = (value: number) => Math.round(value * 100) / 100;

export const forecastWeekColumns: Column[] = [
  { key: 'week', header: 'ISO week', format: 'text' },
  { key: 'weekStart', header: 'Monday', format: 'text' },
  { key: 'expectedWins', header: 'Expected wins', format: 'text' },
  { key: 'expectedStarts', header: 'Expected starts', format: 'text' },
  { key: 'capacity', header: 'Capacity', format: 'count', help: 'Onboarding slots set for the week' },
  { key: 'utilisation', header: 'Use of capacity', format: 'percent', help: 'Expected starts / capacity' },
];

export function forecastWeekRows(forecast: Forecast): Row[] {
  return forecast.weeks.map((w) => ({
    week: w.week,
    weekStart: w.weekStart,
    expectedWins: round2(w.expectedWins),
    expectedStarts: round2(w.expectedStarts),
    capacity: w.capacity ?? 'not set',
    utilisation: w.utilisation,
  }));
}

const tileColumns = forecastWeekColumns.filter((c) => ['week', 'expectedWins', 'expectedStarts', 'capacity'].includes(c.key));

export const forecastTile: TileBody = async ({ api, canExport, exportName }) => (
  <DataTable caption="Expected onboarding per ISO week" columns={tileColumns} rows={forecastWeekRows(await api.forecast.onboarding({}))} rowKey="week" canExport={canExport} exportName={exportName} />
);
