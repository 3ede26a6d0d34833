'use client';
import { useState, type FormEvent } from 'react';
import type { Role } from '~/server/auth/rights';
import type { SsoSettings } from '~/server/settings';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { useMutationAction } from '~/components/useMutationAction';

type Mapping = SsoSettings['mappings'][number];

export function GroupMappingEditor({ initial, roles }: { initial: SsoSettings; roles: Role[] }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [mappings, setMappings] = useState<Mapping[]>(initial.mappings);
  const [saved, setSaved] = useState(false);

  const change = (index: number, patch: Partial<Mapping>) => {
    setSaved(false);
    setMappings((list) => list.map((m, i) => (i === index ? { ...m, ...patch } : m)));
  };
  const move = (index: number, by: -1 | 1) => {
    setSaved(false);
    setMappings((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      if (item) next.splice(index + by, 0, item);
      return next;
    });
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await run(() =>
      client.admin.sso.set.mutate({
        groupsClaim: String(form.get('groupsClaim')),
        passwordSignIn: form.get('passwordSignIn') === 'on',
        mappings,
      }),
    );
    if (result) setSaved(true);
  }

  return (
    <form onSubmit={submit} aria-label="Group mapping">
      <div className={styles.form}>
        <label>
          Groups claim
          <input name="groupsClaim" required defaultValue={initial.groupsClaim} />
        </label>
        <label>
          <span>
            <input name="passwordSignIn" type="checkbox" defaultChecked={initial.passwordSignIn} /> Password sign-in for everyone
          </span>
          <small>Off: only admin accounts (break-glass) may use a password while single sign-on is configured.</small>
        </label>
      </div>
      <table className={styles.table}>
        <caption>Groups and the role and department they give, first match wins</caption>
        <thead>
          <tr>
            <th scope="col">Provider group</th>
            <th scope="col">Role</th>
            <th scope="col">Department</th>
            <th scope="col">Order</th>
          </tr>
        </thead>
        <tbody>
          {mappings.map((m, i) => (
            <tr key={i}>
              <td>
                <input aria-label={`Group ${i + 1}`} value={m.group} required onChange={(e) => change(i, { group: e.target.value })} />
              </td>
              <td>
                <select aria-label={`Role of group ${i + 1}`} value={m.role} onChange={(e) => change(i, { role: e.target.value as Role })}>
                  {roles.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>
                <input aria-label={`Department of group ${i + 1}`} value={m.department} required onChange={(e) => change(i, { department: e.target.value })} />
              </td>
              <td>
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                  Up<span className="visually-hidden"> {m.group}</span>
                </button>{' '}
                <button type="button" disabled={i === mappings.length - 1} onClick={() => move(i, 1)}>
                  Down<span className="visually-hidden"> {m.group}</span>
                </button>{' '}
                <button
                  type="button"
                  onClick={() => {
                    setSaved(false);
                    setMappings((list) => list.filter((_, j) => j !== i));
                  }}
                >
                  Remove<span className="visually-hidden"> {m.group}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button
          type="button"
          onClick={() => {
            setSaved(false);
            setMappings((list) => [...list, { group: '', role: 'viewer', department: 'executive' }]);
          }}
        >
          Add a group
        </button>{' '}
        <button type="submit" disabled={pending}>
          Save mapping
        </button>
      </p>
      {saved ? <p role="status">Saved. It applies at each person&apos;s next sign-in or check.</p> : null}
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
