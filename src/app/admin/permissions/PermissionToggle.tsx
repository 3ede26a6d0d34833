'use client';
import type { Right, Role } from '~/server/auth/rights';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { useMutationAction } from '~/components/useMutationAction';

export function PermissionToggle({ role, right, granted, fixed, label }: { role: Role; right: Right; granted: boolean; fixed: boolean; label: string }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  return (
    <>
      <input
        type="checkbox"
        aria-label={label}
        checked={granted}
        disabled={fixed || pending}
        title={fixed ? 'This permission cannot be changed.' : undefined}
        onChange={(event) => void run(() => client.admin.permissions.set.mutate({ role, right, granted: event.target.checked }))}
      />
      {error ? (
        <span role="alert" className={styles.error}>
          {error}
        </span>
      ) : null}
    </>
  );
}
