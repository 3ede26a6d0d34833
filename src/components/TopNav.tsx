// The top navigation: the dashboard pages, the notes bell (unread notes addressed to the user's
// department), and who is signed in (name, role) with sign-out.
// Signed out (the sign-in page) it shows the product name alone.
import Link from 'next/link';
import { Suspense } from 'react';
import { SignOutButton } from '~/app/signin/SignOutButton';
import { currentUser, serverCaller } from '~/trpc/server';
import { NavLinks, type NavItem } from './NavLinks';
import styles from './nav.module.css';

export const dashboardPages: readonly NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/funnel', label: 'Funnel' },
  { href: '/sources', label: 'Sources' },
  { href: '/attribution', label: 'Attribution' },
  { href: '/forecast', label: 'Forecast' },
  { href: '/plan', label: 'Plan' },
  { href: '/customers', label: 'Customers' },
  { href: '/accountability', label: 'Accountability' },
  { href: '/accounts', label: 'Accounts' },
  { href: '/dashboards', label: 'Saved dashboards' },
  { href: '/alerts', label: 'Alerts' },
];

/** Department roles import their own department's data (src/server/import/access.ts). */
const importingRoles: readonly string[] = ['marketing', 'sales', 'operations', 'service'];

export async function TopNav() {
  const user = await currentUser();
  const items =
    user?.role === 'admin'
      ? [...dashboardPages, { href: '/admin', label: 'Admin' }]
      : user && importingRoles.includes(user.role)
        ? [...dashboardPages, { href: '/import', label: 'Import' }]
        : dashboardPages;
  const unread = user ? (await (await serverCaller()).notes.unread()).unread : 0;
  return (
    <header className={styles.header} data-top-nav>
      <Link href="/" className={styles.brand}>
        Revenue funnel
      </Link>
      {user ? (
        <>
          <Suspense fallback={<NavLinks items={items} keepFilters={false} />}>
            <NavLinks items={items} />
          </Suspense>
          <div className={styles.user} data-user-role={user.role}>
            <Link href="/alerts#notes" className={styles.bell} data-bell-count={unread} aria-label={`Notes to ${user.department}: ${unread} unread`}>
              Notes{unread > 0 ? <span className={styles.bellCount}>{unread}</span> : null}
            </Link>
            <span>
              <span className={styles.userName}>{user.name}</span> <span className={styles.role}>{user.role}</span>
            </span>
            <SignOutButton />
          </div>
        </>
      ) : null}
    </header>
  );
}
