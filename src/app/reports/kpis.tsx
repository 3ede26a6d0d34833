// KPI targets against their actuals, one view for the Accountability page and the KPI tile (the
// tile shows fewer of the columns): values in their metric's unit, masked stays masked.
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { formatValue, type CellValue, type FormatKind } from '~/lib/format';
import { isMasked, type MaybeMasked } from '~/lib/masked';
import type { RouterOutputs } from '~/trpc/react';
import type { TileBody } from './types';

type Statuses = RouterOutputs['kpis']['list'];
type Metrics = RouterOutputs['kpis']['metrics'];

const unitFormat: Record<'count' | 'cents' | 'fraction', FormatKind> = { count: 'count', cents: 'cents', fraction: 'percent' };

const statusLabels = { on_track: 'On track', at_risk: 'At risk', off_track: 'Off track', not_started: 'Not started', no_data: 'No data' } as const;

/** A value in its metric's unit as text; masked stays masked (tables show the badge, CSV "masked"). */
function inUnit(kind: FormatKind, value: MaybeMasked<number | null>): CellValue {
  return isMasked(value) ? value : value === null ? null : formatValue(kind, value);
}

/** A target's timeframe, short: "Dec 2025" (month) or "2025-Q4" (quarter). */
function periodText(kind: 'month' | 'quarter', start: string): string {
  const [year, month] = start.split('-').map(Number);
  if (kind === 'quarter') return `${year}-Q${Math.floor(((month ?? 1) - 1) / 3) + 1}`;
  return formatValue('month', start.slice(0, 7));
}

/** "R: sales; C: marketing; I: executive", the empty roles left out. */
function raciText(responsible: readonly string[], consulted: readonly string[], informed: readonly string[]): string {
  const parts: string[] = [];
  if (responsible.length > 0) parts.push(`R: ${responsible.join(', ')}`);
  if (consulted.length > 0) parts.push(`C: ${consulted.join(', ')}`);
  if (informed.length > 0) parts.push(`I: ${informed.join(', ')}`);
  return parts.join('; ');
}

// Fits 1366 px: long text wraps, the three RACI lists share one column.
export const kpiTargetColumns: Column[] = [
  { key: 'name', header: 'Target', format: 'text', wrap: 'narrow' },
  { key: 'metric', header: 'Metric', format: 'text', wrap: 'narrow' },
  { key: 'period', header: 'Timeframe', format: 'text', wrap: 'narrow' },
  { key: 'target', header: 'Target value', format: 'text' },
  { key: 'actual', header: 'Actual', format: 'text' },
  { key: 'projection', header: 'Projec\u00ADtion', format: 'text', help: 'Linear run rate to the period end' },
  { key: 'attainment', header: 'Attained', format: 'percent', help: 'Actual / target' },
  { key: 'status', header: 'Status', format: 'text' },
  { key: 'quality', header: 'Quality standard', format: 'text', wrap: 'narrow' },
  { key: 'budget', header: 'Budget', format: 'cents' },
  { key: 'accountable', header: 'Account\u00ADable', format: 'text' },
  { key: 'raci', header: 'Respon\u00ADsible, consulted, informed', format: 'text', wrap: 'narrow', help: 'R: responsible; C: consulted; I: informed' },
];

export function kpiTargetRows(statuses: Statuses, metrics: Metrics): Row[] {
  const metricInfo = new Map(metrics.map((m) => [m.metric, m]));
  return statuses.map((s) => {
    const info = metricInfo.get(s.target.metric);
    const kind = unitFormat[info?.unit ?? 'count'];
    const quality = s.target.qualityMetric
      ? `${metricInfo.get(s.target.qualityMetric)?.label ?? s.target.qualityMetric} at least ${formatValue('percent', s.target.qualityMin)}`
      : null;
    return {
      id: s.target.id,
      name: s.target.name,
      metric: info?.label ?? s.target.metric,
      period: periodText(s.target.periodKind, s.target.periodStart),
      target: inUnit(kind, s.target.targetValue),
      actual: inUnit(kind, s.actual),
      projection: inUnit(kind, s.projection),
      attainment: s.attainment,
      quality: quality === null ? null : `${quality}${s.qualityMet === null ? '' : s.qualityMet ? ' (met)' : ' (missed)'}`,
      budget: s.target.budgetCents,
      accountable: s.target.accountable,
      raci: raciText(s.target.responsible, s.target.consulted, s.target.informed),
      status: statusLabels[s.status],
    };
  });
}

const tileColumns = kpiTargetColumns.filter((c) => ['name', 'accountable', 'attainment', 'status'].includes(c.key));

export const kpisTile: TileBody = async ({ api, canExport, exportName }) => {
  const [statuses, metrics] = await Promise.all([api.kpis.list({}), api.kpis.metrics()]);
  return <DataTable caption="KPI targets" columns={tileColumns} rows={kpiTargetRows(statuses, metrics)} rowKey="id" canExport={canExport} exportName={exportName} />;
};
