// Previous / Next under a keyset-paged table: links when the page lives in the URL, buttons when
// a client island holds it. No "page n of m": a keyset list does not count its rows to page them.
import Link from 'next/link';
import type { ReactNode } from 'react';
import styles from './ui.module.css';

type Step = { href: string } | { onClick: () => void } | null;

function StepControl({ step, rel, disabled, children }: { step: Step; rel: 'prev' | 'next'; disabled?: boolean; children: ReactNode }) {
  if (step === null) return <span className={styles.muted}>{children}</span>;
  if ('href' in step)
    return (
      <Link href={step.href} rel={rel} scroll={false}>
        {children}
      </Link>
    );
  return (
    <button type="button" className={styles.button} onClick={step.onClick} disabled={disabled}>
      {children}
    </button>
  );
}

export function KeysetPager({ label, first, previous, next, busy, noun }: { label: string; first?: Step; previous: Step; next: Step; busy?: boolean; noun: string }) {
  if (previous === null && next === null) return null;
  return (
    <nav aria-label={label} className={styles.tableTools} style={{ justifyContent: 'flex-start', marginTop: '0.5rem' }}>
      {first ? (
        <StepControl step={first} rel="prev" disabled={busy}>
          First page
        </StepControl>
      ) : null}
      <StepControl step={previous} rel="prev" disabled={busy}>
        Previous {noun}
      </StepControl>
      <StepControl step={next} rel="next" disabled={busy}>
        Next {noun}
      </StepControl>
    </nav>
  );
}
