// Accounts: a searchable, paged list; the service question ("which accounts with open tickets have
// an open deal or renewal?") is one filter. Search, filter, order and page (a keyset cursor) live
// in the URL.
import Form from 'next/form';
import Link from 'next/link';
import type { Row } from '~/components/DataTable';
import { PageHeader, Panel } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import styles from '~/components/ui.module.css';
import { KeysetPager } from '~/components/KeysetPager';
import { readParam } from '~/lib/urlFilters';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { AccountsTable } from './AccountsTable';

const PAGE_SIZE = 50;

const sorts = ['name', 'firstSeen'] as const;
type Sort = (typeof sorts)[number];

/** A cursor as the server hands it out; anything else is the first page. */
function cursorParam(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9_-]{1,2000}$/.test(value) ? value : undefined;
}

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const params = await searchParams;
  const search = readParam(params, 'q')?.slice(0, 200);
  const openTicketWithOpenDeal = readParam(params, 'service') === '1';
  const sortParam = readParam(params, 'sort');
  const sort: Sort = (sorts as readonly string[]).includes(sortParam ?? '') ? (sortParam as Sort) : 'name';
  const direction = readParam(params, 'dir') === 'desc' ? 'desc' : 'asc';
  const after = cursorParam(readParam(params, 'after'));
  const before = after ? undefined : cursorParam(readParam(params, 'before'));
  const api = await serverCaller();
  const [me, list] = await Promise.all([
    viewer(),
    api.accounts.list({ search, openTicketWithOpenDeal, sort, direction, after, before, pageSize: PAGE_SIZE }),
  ]);
  const canExport = me?.rights.includes('exportCsv') ?? false;

  const rows: Row[] = list.items.map((a) => ({
    accountId: a.accountId,
    name: a.name,
    stageReached: a.stageReached,
    openDeals: a.openDeals,
    openRenewals: a.openRenewals,
    openTickets: a.openTickets,
    lifetimeValueCents: a.lifetimeValueCents,
    churned: a.churned ? 'yes' : 'no',
    firstSeenAt: a.firstSeenAt,
  }));

  const href = (change: { sort?: Sort; direction?: 'asc' | 'desc'; after?: string; before?: string }) => {
    const next = new URLSearchParams();
    if (search) next.set('q', search);
    if (openTicketWithOpenDeal) next.set('service', '1');
    const s = change.sort ?? sort;
    const d = change.direction ?? direction;
    if (s !== 'name') next.set('sort', s);
    if (d !== 'asc') next.set('dir', d);
    if (change.after) next.set('after', change.after);
    if (change.before) next.set('before', change.before);
    const query = next.toString();
    return query ? `/accounts?${query}` : '/accounts';
  };
  const paged = after !== undefined || before !== undefined;

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
        {sort !== 'name' ? <input type="hidden" name="sort" value={sort} /> : null}
        {direction !== 'asc' ? <input type="hidden" name="dir" value={direction} /> : null}
        <div className={styles.filterActions}>
          <button type="submit" className={`${styles.button} ${styles.primary}`}>
            Search
          </button>
          <Link href="/accounts" className={styles.button} style={{ textDecoration: 'none' }}>
            Clear
          </Link>
        </div>
      </Form>
      <Panel
        id="accounts"
        title="Accounts"
        description={`${openTicketWithOpenDeal ? 'With an open ticket and an open deal or renewal. ' : ''}${PAGE_SIZE} a page, ${sort === 'name' ? 'by name' : 'by first seen'}${direction === 'desc' ? ', reversed' : ''}.`}
      >
        <AccountsTable
          rows={rows}
          canExport={canExport}
          sort={{ key: sort === 'name' ? 'name' : 'firstSeenAt', direction: direction === 'asc' ? 'ascending' : 'descending' }}
          sortHrefs={{
            'name.ascending': href({ sort: 'name', direction: 'asc' }),
            'name.descending': href({ sort: 'name', direction: 'desc' }),
            'firstSeenAt.ascending': href({ sort: 'firstSeen', direction: 'asc' }),
            'firstSeenAt.descending': href({ sort: 'firstSeen', direction: 'desc' }),
          }}
          footer={
            <KeysetPager
              label="Pages of accounts"
              noun="page"
              first={paged ? { href: href({}) } : undefined}
              previous={list.previous ? { href: href({ before: list.previous }) } : null}
              next={list.next ? { href: href({ after: list.next }) } : null}
            />
          }
        />
      </Panel>
    </>
  );
}
