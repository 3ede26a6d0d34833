'use client';
// Sharing (roles, needs 'shareDashboards') and deleting, for the owner of a dashboard.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useMutationAction } from '~/components/useMutationAction';
import styles from '~/components/ui.module.css';
import { useTRPCClient, type RouterInputs } from '~/trpc/react';

type Role = RouterInputs['dashboards']['share']['roles'][number];

export function OwnerControls({ dashboardId, name, sharedWith, roles, canShare }: { dashboardId: number; name: string; sharedWith: Role[]; roles: Role[]; canShare: boolean }) {
  const client = useTRPCClient();
  const router = useRouter();
  const [status, setStatus] = useState<string | null>(null);
  const { run, error, pending } = useMutationAction();

  async function share(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen = new FormData(event.currentTarget).getAll('role').map(String);
    const saved = await run(() => client.dashboards.share.mutate({ id: dashboardId, roles: roles.filter((r) => chosen.includes(r)) }));
    if (saved) setStatus(saved.sharedWith.length > 0 ? `Shared with ${saved.sharedWith.join(', ')}.` : 'Not shared.');
  }

  async function remove() {
    if (!window.confirm(`Delete the dashboard "${name}"?`)) return;
    if (await run(() => client.dashboards.delete.mutate({ id: dashboardId }), { refresh: false })) {
      router.push('/dashboards');
      router.refresh();
    }
  }

  return (
    <div className={styles.panel}>
      {canShare ? (
        <form onSubmit={share} aria-label="Share with roles" className={styles.filterBar}>
          <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
            <legend>Share with roles</legend>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem' }}>
              {roles.map((r) => (
                <label key={r} className={styles.inlineLabel}>
                  <input type="checkbox" name="role" value={r} defaultChecked={sharedWith.includes(r)} /> {r}
                </label>
              ))}
            </div>
          </fieldset>
          <div className={styles.filterActions}>
            <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={pending}>
              Save sharing
            </button>
            <button type="button" className={styles.button} onClick={remove}>
              Delete dashboard
            </button>
          </div>
        </form>
      ) : (
        <div className={styles.filterActions}>
          <span className={styles.muted}>Your role may not share dashboards.</span>
          <button type="button" className={styles.button} onClick={remove}>
            Delete dashboard
          </button>
        </div>
      )}
      <span role="status" className={styles.muted}>
        {status}
      </span>
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
