'use client';
// Re-fetches the page's data without reloading it: client queries are invalidated and the server
// components re-rendered in place. "Live" (the default) does so when the server says new events
// were applied (server-sent events from /api/live), and not while nothing changes; polling every
// minute or five is the fallback. Shows how fresh the figures are (their `asOf`).
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { Suspense, use, useCallback, useEffect, useState, useTransition } from 'react';
import styles from './ui.module.css';

const LIVE = -1;
const intervals = [
  { value: LIVE, label: 'Live' },
  { value: 0, label: 'Off' },
  { value: 60_000, label: 'Every minute' },
  { value: 300_000, label: 'Every 5 minutes' },
] as const;

export interface FreshnessProps {
  /** when the newest applied event was received */
  asOf: string | null;
  /** how long the oldest event not yet applied has waited */
  lagSeconds: number;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function freshnessText(freshness: FreshnessProps): string {
  if (!freshness.asOf) return 'No events applied yet';
  const asOf = `Data as of ${timeFormat.format(new Date(freshness.asOf))}`;
  return freshness.lagSeconds >= 1 ? `${asOf}; applying events ${Math.round(freshness.lagSeconds)} s behind` : asOf;
}

function StatusText({ freshness, extras }: { freshness?: FreshnessProps; extras: (string | null)[] }) {
  return [freshness ? freshnessText(freshness) : null, ...extras].filter(Boolean).join(' · ');
}

/** The status once the answer the freshness comes from is in (the page streams it). */
function AwaitedStatusText({ freshness, extras }: { freshness: Promise<FreshnessProps>; extras: (string | null)[] }) {
  return <StatusText freshness={use(freshness)} extras={extras} />;
}

/**
 * `freshness`: the answer's, or a promise of it when the page streams its panels; the controls work
 * at once and the freshness shows when that answer arrives.
 */
export function RefreshControl({ freshness }: { freshness?: FreshnessProps | Promise<FreshnessProps> } = {}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [every, setEvery] = useState<number>(LIVE);
  const [connected, setConnected] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);

  const refresh = useCallback(() => {
    startTransition(async () => {
      await queryClient.invalidateQueries();
      router.refresh();
      setRefreshedAt(new Date());
    });
  }, [queryClient, router]);

  useEffect(() => {
    if (every === LIVE) {
      const source = new EventSource('/api/live');
      source.addEventListener('ready', () => setConnected(true));
      source.addEventListener('applied', refresh);
      source.onerror = () => setConnected(false);
      return () => source.close();
    }
    if (every === 0) return;
    const timer = setInterval(refresh, every);
    return () => clearInterval(timer);
  }, [every, refresh]);

  const extras = [refreshedAt ? `updated ${timeFormat.format(refreshedAt)}` : null, every === LIVE && connected ? 'live' : null];
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
      <span role="status" className={styles.muted} data-refreshed={refreshedAt ? 'true' : undefined} data-live={every === LIVE && connected ? 'on' : 'off'}>
        {freshness instanceof Promise ? (
          <Suspense fallback={<StatusText extras={extras} />}>
            <AwaitedStatusText freshness={freshness} extras={extras} />
          </Suspense>
        ) : (
          <StatusText freshness={freshness} extras={extras} />
        )}
      </span>
    </div>
  );
}
