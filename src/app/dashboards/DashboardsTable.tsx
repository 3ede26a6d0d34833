'use client';
// The dashboard list; opening a row shows that dashboard.
import { useRouter } from 'next/navigation';
import { DataTable, type Row } from '~/components/DataTable';

export function DashboardsTable({ rows, canExport }: { rows: readonly Row[]; canExport: boolean }) {
  const router = useRouter();
  return (
    <DataTable
      caption="Saved dashboards"
      columns={[
        { key: 'name', header: 'Name', format: 'text' },
        { key: 'owner', header: 'Owner', format: 'text' },
        { key: 'tiles', header: 'Tiles', format: 'count' },
        { key: 'sharedWith', header: 'Shared with', format: 'text' },
        { key: 'updatedAt', header: 'Changed', format: 'date' },
      ]}
      rows={rows}
      rowKey="id"
      canExport={canExport}
      exportName="dashboards"
      empty="No dashboards yet: create one."
      onSelect={(row) => router.push(`/dashboards/${String(row.id)}`)}
      selectLabel={(row) => `Open dashboard ${String(row.name)}`}
    />
  );
}
