'use client';
// The page links; the current page is marked, and the filters in the URL travel to the next page so
// that moving between dashboards keeps the same view.
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { filterParamNames } from '~/lib/urlFilters';
import styles from './nav.module.css';

export interface NavItem {
  href: string;
  label: string;
}

function isCurrent(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function NavLinks({ items, keepFilters = true }: { items: readonly NavItem[]; keepFilters?: boolean }) {
  return keepFilters ? <LinksWithFilters items={items} /> : <Links items={items} query="" />;
}

function LinksWithFilters({ items }: { items: readonly NavItem[] }) {
  const searchParams = useSearchParams();
  const kept = new URLSearchParams();
  for (const name of filterParamNames) {
    const value = searchParams.get(name);
    if (value) kept.set(name, value);
  }
  return <Links items={items} query={kept.toString()} />;
}

function Links({ items, query }: { items: readonly NavItem[]; query: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Dashboards" className={styles.nav}>
      <ul>
        {items.map((item) => {
          const current = isCurrent(pathname, item.href);
          const href = query && !item.href.startsWith('/admin') ? `${item.href}?${query}` : item.href;
          return (
            <li key={item.href}>
              <Link href={href} aria-current={current ? 'page' : undefined} className={current ? styles.current : undefined}>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
