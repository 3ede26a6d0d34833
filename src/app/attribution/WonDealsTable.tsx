'use client';
// The won deals of the range, 50 a page (keyset: the URL names the last deal of the previous page,
// so a page stays the same while new deals arrive); opening one puts it in the URL (`deal`), so
// the path survives a reload.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { DataTable, type Row } from '~/components/DataTable';
import styles from '~/components/ui.module.css';

export function WonDealsTable({
  rows,
  selected,
  canExport,
  perPage,
  paged,
  nextCursor,
}: {
  rows: readonly Row[];
  selected: string | null;
  canExport: boolean;
  perPage: number;
  /** showing a page after the first */
  paged: boolean;
  /** the cursor of the next page; null on the last */
  nextCursor: string | null;
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

  function pageHref(cursor: string | null): string {
    const params = new URLSearchParams(searchParams.toString());
    if (cursor) params.set('dealsAfter', cursor);
    else params.delete('dealsAfter');
    const query = params.toString();
    return `${pathname}${query ? `?${query}` : ''}#deals`;
  }

  const pager =
    paged || nextCursor ? (
      <nav aria-label="Won deals pages" className={styles.tableTools} style={{ justifyContent: 'flex-start', marginTop: '0.5rem' }}>
        {paged ? (
          <Link href={pageHref(null)} scroll={false}>
            First page
          </Link>
        ) : null}
        {nextCursor ? (
          <Link href={pageHref(nextCursor)} scroll={false} rel="next">
            Next {perPage} deals
          </Link>
        ) : (
          <span className={styles.muted}>Last page</span>
        )}
      </nav>
    ) : null;

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
