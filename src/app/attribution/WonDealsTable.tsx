'use client';
// The won deals of the range, 50 a page (keyset: the URL holds the cursor of the deal the page
// starts after or ends before, so a page stays the same while new deals arrive); opening one puts it in the URL (`deal`), so
// the path survives a reload.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { DataTable, type Row } from '~/components/DataTable';
import { KeysetPager } from '~/components/KeysetPager';

export function WonDealsTable({
  rows,
  selected,
  canExport,
  perPage,
  paged,
  nextCursor,
  previousCursor,
}: {
  rows: readonly Row[];
  selected: string | null;
  canExport: boolean;
  perPage: number;
  /** showing a page after the first */
  paged: boolean;
  /** the cursor of the next page; null on the last */
  nextCursor: string | null;
  /** the cursor of the previous page; null on the first */
  previousCursor: string | null;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  function open(row: Row) {
    const params = new URLSearchParams(searchParams.toString());
    params.set('deal', String(row.opportunityId));
    startTransition(() => router.push(`${pathname}?${params.toString()}#deal-path-title`, { scroll: false }));
  }

  function pageHref(cursor: { after: string } | { before: string } | null): string {
    const params = new URLSearchParams(searchParams.toString());
    params.delete('dealsAfter');
    params.delete('dealsBefore');
    if (cursor && 'after' in cursor) params.set('dealsAfter', cursor.after);
    if (cursor && 'before' in cursor) params.set('dealsBefore', cursor.before);
    const query = params.toString();
    return `${pathname}${query ? `?${query}` : ''}#deals`;
  }

  const pager = (
    <KeysetPager
      label="Won deals pages"
      noun={`${perPage} deals`}
      first={paged ? { href: pageHref(null) } : undefined}
      previous={previousCursor ? { href: pageHref({ before: previousCursor }) } : null}
      next={nextCursor ? { href: pageHref({ after: nextCursor }) } : null}
    />
  );

  return (
    <div data-pending={pending || undefined}>
      <DataTable
        caption={`Won deals in range (latest first, ${perPage} a page)`}
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
        footer={pager}
      />
    </div>
  );
}
