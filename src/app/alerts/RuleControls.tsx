'use client';
// Make an alert rule, and per rule: send a test, mute or unmute, delete. The alerts router checks
// every call against the same rights; the form offers only what the user may make.
import { useState, type FormEvent } from 'react';
import { ActionStatus, FormActions } from '~/components/FormAction';
import { useMutationAction } from '~/components/useMutationAction';
import styles from '~/components/ui.module.css';
import { useTRPCClient, type RouterInputs } from '~/trpc/react';

type RuleInput = RouterInputs['alerts']['create'];
type Kind = RuleInput['kind'];

export interface TargetOption {
  id: number;
  name: string;
}

interface Props {
  kinds: Kind[];
  departments: string[];
  handoffKinds: string[];
  targets: TargetOption[];
}

const kindLabels: Record<Kind, string> = {
  kpi_status: 'KPI target status changes',
  handoff_sla: 'Handoff items past SLA',
  lead_quality: 'Lead quality drops',
  data_health: 'Data health of an API key',
  notes: 'Notes addressed to the department',
};

export function NewRuleForm({ kinds, departments, handoffKinds, targets }: Props) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [kind, setKind] = useState<Kind>(kinds[0] ?? 'kpi_status');
  const [message, setMessage] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const num = (name: string) => Number(text(name));
    const channels: RuleInput['channels'] = [];
    if (text('webhookUrl')) {
      channels.push({ type: 'webhook', url: text('webhookUrl'), secret: text('webhookSecret'), format: text('webhookFormat') === 'slack' ? 'slack' : 'json' });
    }
    if (text('emailTo')) channels.push({ type: 'email', to: text('emailTo').split(/[,\s]+/).filter(Boolean) });
    const common = { name: text('name'), department: text('department'), channels };
    let input: RuleInput;
    switch (kind) {
      case 'kpi_status':
        input = { ...common, kind, params: { targetId: num('targetId') } };
        break;
      case 'handoff_sla':
        input = {
          ...common,
          kind,
          params: {
            handoff: text('handoff') as 'leadFollowUp',
            mode: text('mode') === 'count' ? 'count' : 'item',
            threshold: num('threshold'),
            windowDays: num('windowDays'),
          },
        };
        break;
      case 'lead_quality':
        input = {
          ...common,
          kind,
          params: { by: text('by') === 'campaign' ? 'campaign' : 'source', key: text('key'), minShare: num('minShare') / 100, windowDays: num('windowDays') },
        };
        break;
      case 'data_health':
        input = {
          ...common,
          kind,
          params:
            text('check') === 'rejections'
              ? { check: 'rejections', apiKeyId: num('apiKeyId'), maxShare: num('maxShare') / 100 }
              : { check: 'silent', apiKeyId: num('apiKeyId'), hours: num('hours') },
        };
        break;
      case 'notes':
        input = { ...common, kind, params: {} };
        break;
    }
    const created = await run(() => client.alerts.create.mutate(input));
    if (created) {
      setMessage(`Rule "${created.name}" created.`);
      form.reset();
    }
  }

  return (
    <form onSubmit={submit} aria-label="New alert rule" className={styles.filterBar}>
      <div className={styles.field}>
        <label htmlFor="rule-name">Name</label>
        <input id="rule-name" name="name" required maxLength={200} />
      </div>
      <div className={styles.field}>
        <label htmlFor="rule-department">Department</label>
        <select id="rule-department" name="department">
          {departments.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="rule-kind">When</label>
        <select id="rule-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
      </div>
      {kind === 'kpi_status' ? (
        <div className={styles.field}>
          <label htmlFor="rule-target">Target (alerts at risk and off track)</label>
          <select id="rule-target" name="targetId">
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {kind === 'handoff_sla' ? (
        <>
          <div className={styles.field}>
            <label htmlFor="rule-handoff">Handoff</label>
            <select id="rule-handoff" name="handoff">
              {handoffKinds.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-mode">Alert</label>
            <select id="rule-mode" name="mode">
              <option value="item">each item past SLA</option>
              <option value="count">when the count passes N</option>
            </select>
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-threshold">N</label>
            <input id="rule-threshold" name="threshold" type="number" min={0} defaultValue={0} />
          </div>
        </>
      ) : null}
      {kind === 'lead_quality' ? (
        <>
          <div className={styles.field}>
            <label htmlFor="rule-by">Of</label>
            <select id="rule-by" name="by">
              <option value="source">source</option>
              <option value="campaign">campaign</option>
            </select>
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-key">Source or campaign id</label>
            <input id="rule-key" name="key" required />
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-min">Qualified share below (%)</label>
            <input id="rule-min" name="minShare" type="number" min={0} max={100} step="any" defaultValue={30} />
          </div>
        </>
      ) : null}
      {kind === 'handoff_sla' || kind === 'lead_quality' ? (
        <div className={styles.field}>
          <label htmlFor="rule-window">Window (days)</label>
          <input id="rule-window" name="windowDays" type="number" min={1} max={366} defaultValue={30} />
        </div>
      ) : null}
      {kind === 'data_health' ? (
        <>
          <div className={styles.field}>
            <label htmlFor="rule-key-id">API key id</label>
            <input id="rule-key-id" name="apiKeyId" type="number" min={1} required />
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-check">Check</label>
            <select id="rule-check" name="check">
              <option value="silent">silent for N hours</option>
              <option value="rejections">rejection rate over X% (24 h)</option>
            </select>
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-hours">N hours</label>
            <input id="rule-hours" name="hours" type="number" min={1} defaultValue={6} />
          </div>
          <div className={styles.field}>
            <label htmlFor="rule-max">X %</label>
            <input id="rule-max" name="maxShare" type="number" min={0} max={100} step="any" defaultValue={10} />
          </div>
        </>
      ) : null}
      <div className={styles.field}>
        <label htmlFor="rule-url">Webhook URL</label>
        <input id="rule-url" name="webhookUrl" type="url" placeholder="https://hooks.example.com/…" />
      </div>
      <div className={styles.field}>
        <label htmlFor="rule-secret">Signing secret (16+ characters)</label>
        <input id="rule-secret" name="webhookSecret" type="password" autoComplete="off" />
      </div>
      <div className={styles.field}>
        <label htmlFor="rule-format">Body</label>
        <select id="rule-format" name="webhookFormat">
          <option value="json">JSON</option>
          <option value="slack">Slack-compatible</option>
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="rule-email">Email to (comma separated)</label>
        <input id="rule-email" name="emailTo" />
      </div>
      <FormActions label="Create rule" pending={pending} primary wrapClassName={styles.filterActions} error={error} done={message} doneClassName={styles.muted} />
    </form>
  );
}

export function RuleActions({ id, name, muted, canManage }: { id: number; name: string; muted: boolean; canManage: boolean }) {
  const client = useTRPCClient();
  const { run, error, pending } = useMutationAction();
  const [result, setResult] = useState<string | null>(null);
  if (!canManage) return null;

  async function sendTest() {
    const sent = await run(() => client.alerts.sendTest.mutate({ id }));
    if (sent) setResult(sent.map((d) => `${d.channel}: ${d.status}${d.lastError ? ` (${d.lastError})` : ''}`).join('; '));
  }

  return (
    <span style={{ display: 'inline-flex', gap: '0.5rem', flexWrap: 'wrap' }}>
      <button type="button" className={styles.linkButton} onClick={() => void sendTest()} disabled={pending} aria-label={`Send a test of ${name}`}>
        Send a test
      </button>
      <button type="button" className={styles.linkButton} onClick={() => void run(() => client.alerts.mute.mutate({ id, muted: !muted }))} disabled={pending} aria-label={`${muted ? 'Unmute' : 'Mute'} ${name}`}>
        {muted ? 'Unmute' : 'Mute'}
      </button>
      <button
        type="button"
        className={styles.linkButton}
        onClick={() => {
          if (window.confirm(`Delete the rule "${name}"?`)) void run(() => client.alerts.delete.mutate({ id }));
        }}
        disabled={pending}
        aria-label={`Delete ${name}`}
      >
        Delete
      </button>
      {result ? (
        <span role="status" data-test-result={id}>
          {result}
        </span>
      ) : null}
      <ActionStatus error={error} inline />
    </span>
  );
}

export function MarkNotesRead() {
  const client = useTRPCClient();
  const { run, pending } = useMutationAction();
  return (
    <button type="button" className={styles.button} onClick={() => void run(() => client.notes.markRead.mutate())} disabled={pending}>
      Mark all read
    </button>
  );
}
