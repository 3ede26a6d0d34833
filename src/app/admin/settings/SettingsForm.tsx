'use client';
import { useState, type FormEvent } from 'react';
import type { ProductSettings } from '~/server/settings';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { useMutationAction } from '~/components/useMutationAction';

export function SettingsForm({ initial }: { initial: ProductSettings }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const number = (name: string) => Number(form.get(name));
    const result = await run(() =>
      client.admin.settings.set.mutate({
        forecastWeeks: number('forecastWeeks'),
        attributionLookbackDays: number('attributionLookbackDays'),
        slas: {
          leadFollowUpHours: number('leadFollowUpHours'),
          onboardingStartHours: number('onboardingStartHours'),
          ticketResolutionHours: number('ticketResolutionHours'),
        },
      }),
    );
    if (result) setSaved(true);
  }

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Settings">
      <label>
        Forecast weeks
        <input name="forecastWeeks" type="number" min={1} max={52} step={1} required defaultValue={initial.forecastWeeks} />
      </label>
      <label>
        Attribution lookback (days)
        <input name="attributionLookbackDays" type="number" min={1} max={3650} step={1} required defaultValue={initial.attributionLookbackDays} />
      </label>
      <label>
        Lead follow-up SLA (hours)
        <input name="leadFollowUpHours" type="number" min={0.1} step="any" required defaultValue={initial.slas.leadFollowUpHours} />
      </label>
      <label>
        Onboarding start SLA (hours)
        <input name="onboardingStartHours" type="number" min={0.1} step="any" required defaultValue={initial.slas.onboardingStartHours} />
      </label>
      <label>
        Ticket resolution SLA (hours)
        <input name="ticketResolutionHours" type="number" min={0.1} step="any" required defaultValue={initial.slas.ticketResolutionHours} />
      </label>
      <button type="submit" disabled={pending}>
        Save settings
      </button>
      {saved ? <p role="status">Saved.</p> : null}
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
