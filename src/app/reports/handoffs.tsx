// The handoffs and their SLAs, one view for the Accountability page and the handoffs tile.
import { DataTable, type Column, type Row } from '~/components/DataTable';
import { formatValue } from '~/lib/format';
import type { TileBody } from './types';

export const handoffLabels = {
  leadFollowUp: 'Lead to first sales follow-up',
  onboardingStart: 'Won to onboarding started',
  ticketResolution: 'Ticket opened to resolved',
} as const;

/** Hours up to two days, days beyond. */
export function medianText(hours: number | null): string {
  if (hours === null) return 'n/a';
  if (hours >= 48) return formatValue('days', hours / 24);
  const rounded = Math.round(hours * 10) / 10;
  return `${rounded.toLocaleString('en-US')} ${rounded === 1 ? 'hour' : 'hours'}`;
}

const handoffColumns: Column[] = [
  { key: 'handoff', header: 'Handoff', format: 'text' },
  { key: 'department', header: 'Owner', format: 'text' },
  { key: 'sla', header: 'SLA', format: 'text' },
  { key: 'medianHours', header: 'Median hours', format: 'count' },
  { key: 'withinSla', header: 'Within SLA', format: 'percent' },
  { key: 'openPastSla', header: 'Open past SLA', format: 'count' },
];

export const handoffsTile: TileBody = async ({ api, input, canExport, exportName }) => {
  const report = await api.handoffs.report({ ...input, blackHoleLimit: 1 });
  const rows: Row[] = report.handoffs.map((h) => ({
    handoff: h.handoff,
    department: h.department,
    sla: `${formatValue('count', h.slaHours)} h`,
    medianHours: h.medianHours === null ? null : Math.round(h.medianHours * 10) / 10,
    withinSla: h.withinSlaShare,
    openPastSla: h.openPastSla,
  }));
  return <DataTable caption="Handoffs" columns={handoffColumns} rows={rows} rowKey="handoff" canExport={canExport} exportName={exportName} />;
};
