'use client';
// The account list; opening a row goes to that account's timeline.
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { DataTable, type Direction, type Row } from '~/components/DataTable';

/** Sorted by the server: by name or by first seen, each way; the page hands the link of each order. */
export function AccountsTable({
  rows,
  canExport,
  footer,
  sort,
  sortHrefs,
}: {
  rows: readonly Row[];
  canExport: boolean;
  footer: ReactNode;
  sort: { key: 'name' | 'firstSeenAt'; direction: Direction };
  sortHrefs: Record<`${'name' | 'firstSeenAt'}.${Direction}`, string>;
}) {
  const router = useRouter();
  return (
    <DataTable
      caption="Accounts"
      columns={[
        { key: 'accountId', header: 'Account', format: 'text' },
        { key: 'name', header: 'Name', format: 'text' },
        { key: 'stageReached', header: 'Furthest stage', format: 'text' },
        { key: 'openDeals', header: 'Open deals', format: 'count', help: 'Renewals included' },
        { key: 'openRenewals', header: 'Open renewals', format: 'count' },
        { key: 'openTickets', header: 'Open tickets', format: 'count' },
        { key: 'lifetimeValueCents', header: 'Lifetime value', format: 'cents', help: 'Won + expansion + renewal revenue' },
        { key: 'churned', header: 'Churned', format: 'text' },
        { key: 'firstSeenAt', header: 'First seen', format: 'date' },
      ]}
      serverSort={{
        ...sort,
        keys: ['name', 'firstSeenAt'],
        onSort: (key, direction) => router.push(sortHrefs[`${key === 'name' ? 'name' : 'firstSeenAt'}.${direction}`]),
      }}
      rows={rows}
      rowKey="accountId"
      canExport={canExport}
      exportName="accounts"
      empty="No account matches."
      onSelect={(row) => router.push(`/accounts/${encodeURIComponent(String(row.accountId))}`)}
      selectLabel={(row) => `Open the timeline of account ${String(row.accountId)}`}
      footer={footer}
    />
  );
}
