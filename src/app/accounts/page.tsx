// Accounts: a searchable, paged list; the service question ("which accounts with open tickets have
// an open deal or renewal?") is one filter. Search, filter and page live in the URL.
import Form from 'next/form';
import Link from 'next/link';
import type { Row } from '~/components/DataTable';
import { PageHeader, Panel } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import styles from '~/components/ui.module.css';
import { formatCount } from '~/lib/format';
import { readParam } from '~/lib/urlFilters';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { AccountsTable } from './AccountsTable';

const PAGE_SIZE = 50;

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const search = readParam(params, 'q')?.slice(0, 200);
  const openTicketWithOpenDeal = readParam(params, 'service') === '1';
  const page = Math.max(1, Math.floor(Number(readParam(params, 'page') ?? '1')) || 1);
  const api = await serverCaller();
  const [me, list] = await Promise.all([viewer(), api.accounts.list({ search, openTicketWithOpenDeal, page, pageSize: PAGE_SIZE })]);
  const canExport = me?.rights.includes('exportCsv') ?? false;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));

  const rows: Row[] = list.accounts.map((a) => ({
    accountId: a.accountId,
    name: a.name,
    stageReached: a.stageReached,
    openDeals: a.openDeals,
    openRenewals: a.openRenewals,
    openTickets: a.openTickets,
    lifetimeValueCents: a.lifetimeValueCents,
    churned: a.churned ? 'yes' : 'no',
  }));

  const pageHref = (n: number) => {
    const next = new URLSearchParams();
    if (search) next.set('q', search);
    if (openTicketWithOpenDeal) next.set('service', '1');
    if (n > 1) next.set('page', String(n));
    const query = next.toString();
    return query ? `/accounts?${query}` : '/accounts';
  };

  return (
    <>
      <PageHeader title="Accounts" subtitle="Every account with its open deals, renewals and tickets; open one for everything every department recorded.">
        <RefreshControl />
      </PageHeader>
      <Form action="/accounts" className={styles.filterBar} aria-label="Find accounts">
        <div className={styles.field}>
          <label htmlFor="accounts-search">Account id or name</label>
          <input id="accounts-search" name="q" type="search" defaultValue={search ?? ''} maxLength={200} placeholder="e.g. Acme" />
        </div>
        <label className={styles.inlineLabel}>
          <input type="checkbox" name="service" value="1" defaultChecked={openTicketWithOpenDeal} /> Only open tickets with an open deal or renewal
        </label>
        <div className={styles.filterActions}>
          <button type="submit" className={`${styles.button} ${styles.primary}`}>
            Search
          </button>
          <Link href="/accounts" className={styles.button} style={{ textDecoration: 'none' }}>
            Clear
          </Link>
        </div>
      </Form>
      <Panel id="accounts" title={`${formatCount(list.total)} ${list.total === 1 ? 'account' : 'accounts'}`} description={openTicketWithOpenDeal ? 'With an open ticket and an open deal or renewal.' : undefined}>
        <AccountsTable
          rows={rows}
          canExport={canExport}
          footer={
            <nav aria-label="Pages" style={{ display: 'flex', gap: '1rem', alignItems: 'center', marginTop: '0.75rem' }}>
              {page > 1 ? <Link href={pageHref(page - 1)}>Previous page</Link> : <span className={styles.muted}>Previous page</span>}
              <span data-page={page}>
                Page {page} of {pages}
              </span>
              {page < pages ? <Link href={pageHref(page + 1)}>Next page</Link> : <span className={styles.muted}>Next page</span>}
            </nav>
          }
        />
      </Panel>
    </>
  );
}
