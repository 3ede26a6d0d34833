'use client';
// The won deals of the range; opening one puts it in the URL (`deal`), so the path survives a reload.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { DataTable, type Row } from '~/components/DataTable';

export function WonDealsTable({ rows, selected, canExport }: { rows: readonly Row[]; selected: string | null; canExport: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  function open(row: Row) {
    const params = new URLSearchParams(searchParams.toString());
    params.set('deal', String(row.opportunityId));
    startTransition(() => router.push(`${pathname}?${params.toString()}#deal-path-title`, { scroll: false }));
  }

  return (
    <div data-pending={pending || undefined}>
      <DataTable
        caption="Won deals in range (latest first, at most 200)"
        columns={[
          { key: 'opportunityId', header: 'Deal', format: 'text' },
          { key: 'account', header: 'Account', format: 'text' },
          { key: 'dealType', header: 'Deal type', format: 'text' },
          { key: 'amountCents', header: 'Amount', format: 'cents' },
          { key: 'wonAt', header: 'Won (UTC)', format: 'date' },
        ]}
        rows={rows}
        rowKey="opportunityId"
        canExport={canExport}
        exportName="attribution-won-deals"
        empty="No deals won in this range."
        onSelect={open}
        selectLabel={(row) => `Open the path of deal ${String(row.opportunityId)}`}
        selectedKey={selected}
      />
    </div>
  );
}
