import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { requireUser, viewer } from '~/trpc/server';
import styles from './admin.module.css';

export const metadata: Metadata = { title: 'Admin · Revenue funnel' };
export const dynamic = 'force-dynamic';

const sections = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/permissions', label: 'Permissions' },
  { href: '/admin/api-keys', label: 'API keys' },
  { href: '/admin/ingestion', label: 'Ingestion log' },
  { href: '/admin/import', label: 'Import' },
  { href: '/admin/settings', label: 'Settings' },
  { href: '/admin/sso', label: 'Single sign-on' },
  { href: '/admin/privacy', label: 'Privacy' },
  { href: '/admin/audit', label: 'Audit log' },
];

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireUser();
  const me = await viewer();
  if (!me?.rights.includes('manage')) {
    return (
      <section aria-labelledby="admin-refused">
        <h1 id="admin-refused">Not allowed</h1>
        <p className="lead">Administration needs the manage right, which your role ({me?.role}) does not have.</p>
        <Link href="/">Back to the dashboards</Link>
      </section>
    );
  }
  return (
    <>
      <div className={styles.bar}>
        <nav aria-label="Administration" className={styles.nav}>
          {sections.map((s) => (
            <Link key={s.href} href={s.href}>
              {s.label}
            </Link>
          ))}
        </nav>
      </div>
      {children}
    </>
  );
}
