'use client';
// Re-fetches the page's data without reloading it: client queries are invalidated and the server
// components re-rendered in place. Optional polling repeats that every minute or five.
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, useTransition } from 'react';
import styles from './ui.module.css';

const intervals = [
  { value: 0, label: 'Off' },
  { value: 60_000, label: 'Every minute' },
  { value: 300_000, label: 'Every 5 minutes' },
] as const;

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function RefreshControl() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [every, setEvery] = useState<number>(0);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);

  const refresh = useCallback(() => {
    startTransition(async () => {
      await queryClient.invalidateQueries();
      router.refresh();
      setRefreshedAt(new Date());
    });
  }, [queryClient, router]);

  useEffect(() => {
    if (every === 0) return;
    const timer = setInterval(refresh, every);
    return () => clearInterval(timer);
  }, [every, refresh]);

  return (
    <div className={styles.refresh}>
      <button type="button" className={styles.button} onClick={refresh} disabled={pending}>
        {pending ? 'Refreshing…' : 'Refresh'}
      </button>
      <label className={styles.inlineLabel}>
        Auto-refresh
        <select value={every} onChange={(e) => setEvery(Number(e.target.value))}>
          {intervals.map((i) => (
            <option key={i.value} value={i.value}>
              {i.label}
            </option>
          ))}
        </select>
      </label>
      <span role="status" className={styles.muted} data-refreshed={refreshedAt ? 'true' : undefined}>
        {refreshedAt ? `Updated ${timeFormat.format(refreshedAt)}` : ''}
      </span>
    </div>
  );
}
