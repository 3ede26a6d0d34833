// Loading, empty and error states, the same on every page.
import type { ReactNode } from 'react';
import styles from './ui.module.css';

export function LoadingState({ label = 'Loading' }: { label?: string }) {
  return (
    <div className={styles.state} role="status" aria-live="polite">
      <span className={styles.spinner} aria-hidden="true" />
      {label}…
    </div>
  );
}

export function EmptyState({ children = 'No data for these filters.' }: { children?: ReactNode }) {
  return (
    <div className={styles.state} data-state="empty">
      {children}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className={`${styles.state} ${styles.error}`} role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" className={styles.button} onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
