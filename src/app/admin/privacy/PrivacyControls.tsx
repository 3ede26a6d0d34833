'use client';
import { useState, type FormEvent } from 'react';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { ConfirmActionButton, FormActions } from '~/components/FormAction';
import { useMutationAction } from '~/components/useMutationAction';
import { OneTimeSecret } from '../users/UserControls';

interface Erased {
  contacts: number;
  events: number;
  rejected: number;
  auditEntries: number;
  pseudonyms: string[];
}

export function ForgetPersonForm() {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [done, setDone] = useState<Erased | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const value = String(form.get('who')).trim();
    const reference = String(form.get('reference')).trim() || undefined;
    if (!value || !window.confirm('Forget this person everywhere? This cannot be undone.')) return;
    const input = value.includes('@') ? { email: value, reference } : { contactId: value, reference };
    const result = await run(() => client.admin.privacy.erase.mutate(input));
    if (result) {
      setDone(result);
      formElement.reset();
    }
  }

  return (
    <>
      <form className={styles.form} onSubmit={submit} aria-label="Forget a person">
        <label>
          Email or contact id
          <input name="who" required autoComplete="off" />
        </label>
        <label>
          Request reference (optional)
          <input name="reference" autoComplete="off" />
        </label>
        <FormActions label="Forget this person" pending={pending} error={error} errorClassName={styles.error} />
      </form>
      {done ? (
        <p role="status">
          Forgotten: {done.contacts} {done.contacts === 1 ? 'journey' : 'journeys'} now under {done.pseudonyms.join(', ') || 'no pseudonym'};{' '}
          {done.events} raw events, {done.rejected} rejected events and {done.auditEntries} audit entries rewritten.
        </p>
      ) : null}
    </>
  );
}

export function CreateTokenForm() {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get('name'));
    const result = await run(() => client.admin.privacy.createToken.mutate({ name, scope: 'privacy' }));
    if (result) {
      setCreated({ name: result.name, token: result.token });
      formElement.reset();
    }
  }

  return (
    <>
      <form className={styles.form} onSubmit={submit} aria-label="Create a privacy token">
        <label>
          Name
          <input name="name" required />
        </label>
        <FormActions label="Create token" pending={pending} error={error} errorClassName={styles.error} />
      </form>
      {created ? <OneTimeSecret label={`Token "${created.name}"`} value={created.token} /> : null}
    </>
  );
}

export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  const client = useTRPCClient();
  return (
    <ConfirmActionButton confirm={`Revoke the token "${name}"?`} action={() => client.admin.privacy.revokeToken.mutate({ id })} errorClassName={styles.error}>
      Revoke<span className="visually-hidden"> {name}</span>
    </ConfirmActionButton>
  );
}

/** Raw-event retention: on or off, and the age in days; saved (and audited) by the server. */
export function RetentionForm({ initial }: { initial: { enabled: boolean; days: number } }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [saved, setSaved] = useState<{ enabled: boolean; days: number } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = { enabled: form.get('enabled') === 'on', days: Number(form.get('days')) };
    const result = await run(() => client.admin.privacy.setRetention.mutate(value));
    if (result) setSaved(result);
  }

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Raw-event retention">
      <label>
        <input name="enabled" type="checkbox" defaultChecked={initial.enabled} /> Compact raw events older than the age below
      </label>
      <label>
        Age in days (at least 30)
        <input name="days" type="number" min={30} max={36500} step={1} required defaultValue={initial.days} />
      </label>
      <FormActions
        label="Save retention"
        pending={pending}
        error={error}
        errorClassName={styles.error}
        done={saved ? `Saved: ${saved.enabled ? `raw events older than ${saved.days} days are compacted every hour` : 'retention is off'}.` : null}
      />
    </form>
  );
}
