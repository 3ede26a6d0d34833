'use client';
import { useState, type FormEvent } from 'react';
import type { Department } from '~/server/ingest/catalogue';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { ConfirmActionButton, FormActions } from '~/components/FormAction';
import { useMutationAction } from '~/components/useMutationAction';
import { OneTimeSecret } from '../users/UserControls';

export function CreateKeyForm({ departments }: { departments: Department[] }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const rate = Number(form.get('ratePerMinute'));
    const result = await run(() =>
      client.admin.apiKeys.create.mutate({
        name: String(form.get('name')),
        department: String(form.get('department')) as Department,
        ratePerMinute: Number.isFinite(rate) && rate > 0 ? rate : undefined,
      }),
    );
    if (result) {
      setCreated({ name: result.name, key: result.key });
      formElement.reset();
    }
  }

  return (
    <>
      <form className={styles.form} onSubmit={submit} aria-label="Create an API key">
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          Department
          <select name="department">
            {departments.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Requests per minute
          <input name="ratePerMinute" type="number" min={1} defaultValue={600} />
        </label>
        <FormActions label="Create key" pending={pending} error={error} errorClassName={styles.error} />
      </form>
      {created ? <OneTimeSecret label={`Key "${created.name}"`} value={created.key} /> : null}
    </>
  );
}

export function RevokeKeyButton({ id, name }: { id: number; name: string }) {
  const client = useTRPCClient();
  return (
    <ConfirmActionButton confirm={`Revoke the key "${name}"? Its sender will be refused from now on.`} action={() => client.admin.apiKeys.revoke.mutate({ id })} errorClassName={styles.error}>
      Revoke<span className="visually-hidden"> {name}</span>
    </ConfirmActionButton>
  );
}
