'use client';
// The getting-started steps of a fresh install: create an API key (admins), copy a working curl
// command and a Segment set-up with this server's address and that key, and wait for the first
// events: the page turns into the Overview once one is accepted.
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import styles from '~/components/ui.module.css';
import { curlSnippet, segmentSnippet } from '~/lib/snippets';
import type { Department } from '~/server/ingest/catalogue';
import { useTRPCClient } from '~/trpc/react';

const placeholderKey = 'YOUR_API_KEY';
const waitMs = 5_000;

function Snippet({ id, title, text }: { id: string; title: string; text: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch {
      setCopied('Select the text and copy it');
    }
  }
  return (
    <div className={styles.snippet}>
      <div className={styles.tableTools} style={{ justifyContent: 'space-between' }}>
        <h3 id={`${id}-title`} className={styles.snippetTitle}>
          {title}
        </h3>
        <span>
          <span role="status" className={styles.muted}>
            {copied}
          </span>{' '}
          <button type="button" className={styles.button} onClick={() => void copy()} aria-label={`Copy: ${title}`}>
            Copy
          </button>
        </span>
      </div>
      <pre className={styles.code} aria-labelledby={`${id}-title`} data-snippet={id} tabIndex={0}>
        <code>{text}</code>
      </pre>
    </div>
  );
}

export function FirstEvents({ baseUrl, departments, canCreateKey, at }: { baseUrl: string; departments: Department[]; canCreateKey: boolean; at: string }) {
  const client = useTRPCClient();
  const router = useRouter();
  const [department, setDepartment] = useState<Department>(departments[0] ?? 'marketing');
  const [key, setKey] = useState<{ value: string; department: Department } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // Until the first event is accepted: ask every few seconds, then show the dashboards.
  useEffect(() => {
    const timer = setInterval(() => {
      void client.setup.status.query().then((status) => {
        if (status.everIngested) router.refresh();
      });
    }, waitMs);
    return () => clearInterval(timer);
  }, [client, router]);

  async function createKey(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setPending(true);
    try {
      const created = await client.admin.apiKeys.create.mutate({ name: String(form.get('name')), department });
      setKey({ value: created.key, department });
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : 'The key was not created.');
    } finally {
      setPending(false);
    }
  }

  const shownDepartment = key?.department ?? department;
  const keyText = key?.value ?? placeholderKey;
  return (
    <>
      <section className={styles.panel} aria-labelledby="step-key-title">
        <h2 id="step-key-title" className={styles.panelTitle}>
          1. An API key for the sending system
        </h2>
        <p className={styles.panelDescription}>Each key belongs to one department and may send only that department&apos;s events. It is shown once.</p>
        <form onSubmit={createKey} className={styles.filterBar} aria-label="Create an API key">
          <div className={styles.field}>
            <label htmlFor="first-key-department">Department</label>
            <select id="first-key-department" value={department} onChange={(e) => setDepartment(e.target.value as Department)}>
              {departments.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </div>
          {canCreateKey ? (
            <>
              <div className={styles.field}>
                <label htmlFor="first-key-name">Key name</label>
                <input id="first-key-name" name="name" required maxLength={200} defaultValue="First key" />
              </div>
              <div className={styles.filterActions}>
                <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={pending}>
                  Create key
                </button>
              </div>
            </>
          ) : (
            <p className={styles.muted}>An admin creates keys (Admin &gt; API keys); put yours in place of {placeholderKey} below.</p>
          )}
        </form>
        {error ? (
          <p role="alert" className={styles.error}>
            {error}
          </p>
        ) : null}
        {key ? (
          <p role="status" data-created-key={key.department}>
            Key for {key.department} created; it is in the commands below. Copy it now: it will not be shown again.
          </p>
        ) : null}
      </section>
      <section className={styles.panel} aria-labelledby="step-send-title">
        <h2 id="step-send-title" className={styles.panelTitle}>
          2. Send events
        </h2>
        <Snippet id="curl" title={`curl: ${shownDepartment} events`} text={curlSnippet(baseUrl, shownDepartment, keyText, at)} />
        <Snippet id="segment" title="Segment (@segment/analytics-node), with a marketing key" text={segmentSnippet(baseUrl, keyText)} />
      </section>
      <section className={styles.panel} aria-labelledby="step-wait-title">
        <h2 id="step-wait-title" className={styles.panelTitle}>
          3. Watch them arrive
        </h2>
        <p role="status" data-waiting="true">
          Waiting for the first event… This page turns into the Overview as soon as one is accepted.
        </p>
      </section>
    </>
  );
}
