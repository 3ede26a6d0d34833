'use client';
import { useState } from 'react';
import { useTRPCClient } from '~/trpc/react';
import styles from '../admin.module.css';
import { useMutationAction } from '~/components/useMutationAction';

export function ReplayControl({ id, raw }: { id: number; raw: string }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [text, setText] = useState(raw);
  const [outcome, setOutcome] = useState<string | null>(null);

  async function replay() {
    let corrected: unknown;
    if (text !== raw) {
      try {
        corrected = JSON.parse(text);
      } catch {
        setOutcome('The corrected event is not valid JSON.');
        return;
      }
    }
    const result = await run(() => client.admin.ingestion.replay.mutate({ id, correctedEvent: corrected }));
    if (!result) return;
    setOutcome(
      result.status === 'invalid'
        ? `Still invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
        : result.status === 'applied'
          ? 'Replayed.'
          : `Not replayed: ${result.status.replace('_', ' ')}.`,
    );
  }

  return (
    <div>
      <label>
        <span className="visually-hidden">Event {id} as it will be replayed</span>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={6} cols={40} spellCheck={false} />
      </label>
      <br />
      <button type="button" onClick={() => void replay()} disabled={pending}>
        {text === raw ? 'Replay' : 'Replay corrected'}
      </button>
      {outcome ? <p role="status">{outcome}</p> : null}
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
