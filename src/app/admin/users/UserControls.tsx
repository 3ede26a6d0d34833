'use client';
import { useState, type FormEvent } from 'react';
import type { Role } from '~/server/auth/rights';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { ActionStatus, FormActions } from '~/components/FormAction';
import { useMutationAction } from '~/components/useMutationAction';

export function CreateUserForm({ roles }: { roles: Role[] }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [shown, setShown] = useState<{ email: string; password: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const email = String(form.get('email'));
    const result = await run(() =>
      client.admin.users.create.mutate({
        email,
        name: String(form.get('name')),
        role: String(form.get('role')) as Role,
        department: String(form.get('department')),
      }),
    );
    if (result?.password) {
      setShown({ email, password: result.password });
      formElement.reset();
    }
  }

  return (
    <>
      <form className={styles.form} onSubmit={submit} aria-label="Create a user">
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Department
          <input name="department" required />
        </label>
        <FormActions label="Create user" pending={pending} error={error} errorClassName={styles.error} />
      </form>
      {shown ? <OneTimeSecret label={`Password for ${shown.email}`} value={shown.password} /> : null}
    </>
  );
}

export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  return (
    <div className={styles.secret} role="status">
      <p>
        {label} (shown once, copy it now): <code>{value}</code>
      </p>
    </div>
  );
}

export function RoleEditor({ id, email, role, department, roles }: { id: number; email: string; role: string; department: string; roles: Role[] }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await run(() =>
      client.admin.users.update.mutate({ id, role: String(form.get('role')) as Role, department: String(form.get('department')) }),
    );
  }

  return (
    <form onSubmit={submit} aria-label={`Role and department of ${email}`}>
      <select name="role" defaultValue={role} aria-label={`Role of ${email}`}>
        {roles.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>{' '}
      <input name="department" defaultValue={department} aria-label={`Department of ${email}`} size={10} required />{' '}
      <FormActions label="Save" pending={pending} error={error} errorClassName={styles.error} inline />
    </form>
  );
}

export function UserButtons({ id, email, disabled }: { id: number; email: string; disabled: boolean }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [password, setPassword] = useState<string | null>(null);
  return (
    <>
      <button type="button" disabled={pending} onClick={() => void run(() => client.admin.users.setDisabled.mutate({ id, disabled: !disabled }))}>
        {disabled ? 'Enable' : 'Disable'}
        <span className="visually-hidden"> {email}</span>
      </button>{' '}
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          void run(() => client.admin.users.resetPassword.mutate({ id })).then((r) => {
            if (r) setPassword(r.password);
          })
        }
      >
        Reset password<span className="visually-hidden"> of {email}</span>
      </button>
      {password ? <OneTimeSecret label={`New password for ${email}`} value={password} /> : null}
      <ActionStatus error={error} errorClassName={styles.error} />
    </>
  );
}
