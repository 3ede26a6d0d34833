// The plan tile: the revenue target of the period under way (the first, as the Plan page picks it)
// in the Plan page's own tables (planView.ts).
import { DataTable, type Row } from '~/components/DataTable';
import { EmptyState } from '~/components/States';
import { periodContaining } from '~/server/metrics/runRate';
import { outcomeText, round2, weekColumns, weekRows } from '../plan/planView';
import type { TileBody } from './types';

export const planTile: TileBody = async ({ api, canExport, exportName, now }) => {
  const targets = await api.plan.targets();
  const target = targets.find((t) => t.periodStart === periodContaining(t.periodKind, now).start.toISOString().slice(0, 10));
  if (!target) return <EmptyState>No revenue target runs this period.</EmptyState>;
  const { plan, lines, capacity } = await api.plan.get({ targetId: target.id });
  const lineRows: Row[] = lines.map((l) => ({ line: l.label, department: l.department, planFromNow: round2(l.planFromNow), status: l.status.replace('_', ' ') }));
  return (
    <>
      <p>
        {target.name}: {outcomeText[plan.outcome]}
      </p>
      <DataTable
        caption="Each department's line"
        columns={[
          { key: 'line', header: 'Line', format: 'text' },
          { key: 'department', header: 'Accountable', format: 'text' },
          { key: 'planFromNow', header: 'Plan from now', format: 'text' },
          { key: 'status', header: 'Status', format: 'text' },
        ]}
        rows={lineRows}
        rowKey="line"
        canExport={canExport}
        exportName={`${exportName}-lines`}
        sortable={false}
      />
      <DataTable caption="The plan per ISO week" columns={weekColumns} rows={weekRows(plan.weeks, capacity)} rowKey="week" canExport={canExport} exportName={exportName} sortable={false} dense />
    </>
  );
};
