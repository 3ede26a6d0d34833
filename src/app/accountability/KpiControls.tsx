'use client';
// The KPI targets table with Edit and Delete on the rows the user may change, and the form to
// create or edit one; the kpis router enforces the same rule on every call. Money is entered in
// currency units, rates in percent.
import { useState, type FormEvent } from 'react';
import { DataTable, type Column, type Row } from '~/components/DataTable';
import styles from '~/components/ui.module.css';
import { useMutationAction } from '~/components/useMutationAction';
import { useTRPCClient, type RouterInputs } from '~/trpc/react';

type TargetInput = RouterInputs['kpis']['create'];
type Metric = TargetInput['metric'];
type Department = TargetInput['accountable'];

export interface MetricOption {
  metric: Metric;
  label: string;
  unit: 'count' | 'cents' | 'fraction';
  shape: 'additive' | 'ratio';
}

export interface EditableTarget {
  id: number;
  name: string;
  metric: Metric;
  periodKind: 'month' | 'quarter';
  periodStart: string;
  /** null when masked for this role */
  targetValue: number | null;
  qualityMetric: Metric | null;
  qualityMin: number | null;
  budgetCents: number | null;
  budgetMasked: boolean;
  accountable: Department;
  responsible: Department[];
  consulted: Department[];
  informed: Department[];
  filters: TargetInput['filters'];
}

interface Props {
  /** the table: every target the user may see */
  caption: string;
  columns: Column[];
  rows: Row[];
  canExport: boolean;
  /** false: the table alone, without actions or the form */
  mayEdit: boolean;
  metrics: MetricOption[];
  departments: Department[];
  /** departments the user may make accountable */
  ownDepartments: Department[];
  editable: EditableTarget[];
}

function firstOfMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
}

export function KpiControls({ caption, columns, rows, canExport, mayEdit, metrics, departments, ownDepartments, editable }: Props) {
  const client = useTRPCClient();
  const [editing, setEditing] = useState<EditableTarget | 'new' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const mutation = useMutationAction();
  const { error, pending } = mutation;

  async function run(action: () => Promise<unknown>, done: string) {
    setMessage(null);
    if ((await mutation.run(async () => ((await action()) ?? true))) === undefined) return;
    setEditing(null);
    setMessage(done);
  }

  function remove(target: EditableTarget) {
    if (!window.confirm(`Delete the target "${target.name}"?`)) return;
    void run(() => client.kpis.delete.mutate({ id: target.id }), `Deleted "${target.name}".`);
  }

  const editableById = new Map(editable.map((t) => [String(t.id), t]));
  const actions = (row: Row) => {
    const t = editableById.get(String(row.id));
    if (!t) return null;
    return (
      <span data-editable-target={t.id} className={styles.rowActions}>
        <button type="button" className={styles.linkButton} onClick={() => setEditing(t)} disabled={t.targetValue === null} aria-label={`Edit ${t.name}`}>
          Edit
        </button>
        <button type="button" className={styles.linkButton} onClick={() => remove(t)} aria-label={`Delete ${t.name}`}>
          Delete
        </button>
      </span>
    );
  };

  return (
    <div>
      <DataTable caption={caption} columns={columns} rows={rows} rowKey="id" canExport={canExport} exportName="kpi-targets" empty="No KPI targets yet." dense rowActions={mayEdit && editable.length > 0 ? actions : undefined} />
      {mayEdit ? (
        <div className={styles.tableTools} style={{ justifyContent: 'flex-start', marginTop: '0.75rem' }}>
          <button type="button" className={`${styles.button} ${styles.primary}`} onClick={() => setEditing('new')} disabled={ownDepartments.length === 0}>
            New target
          </button>
          <span role="status" className={styles.muted}>
            {pending ? 'Updating…' : message}
          </span>
        </div>
      ) : (
        <p className={styles.muted}>Your role may not edit KPI targets.</p>
      )}
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
      {editing ? (
        <TargetForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? null : editing}
          metrics={metrics}
          departments={departments}
          ownDepartments={ownDepartments}
          onCancel={() => setEditing(null)}
          onSave={(target) =>
            run(
              () => (editing === 'new' ? client.kpis.create.mutate(target) : client.kpis.update.mutate({ id: editing.id, target })),
              `Saved "${target.name}".`,
            )
          }
        />
      ) : null}
    </div>
  );
}

function TargetForm({
  initial,
  metrics,
  departments,
  ownDepartments,
  onCancel,
  onSave,
}: {
  initial: EditableTarget | null;
  metrics: MetricOption[];
  departments: Department[];
  ownDepartments: Department[];
  onCancel: () => void;
  onSave: (target: TargetInput) => void;
}) {
  const [metric, setMetric] = useState<Metric>(initial?.metric ?? metrics[0]!.metric);
  const unit = metrics.find((m) => m.metric === metric)?.unit ?? 'count';
  const toInput = (value: number | null, u: MetricOption['unit']) => (value === null ? '' : u === 'cents' ? String(value / 100) : u === 'fraction' ? String(value * 100) : String(value));
  const initialUnit = metrics.find((m) => m.metric === initial?.metric)?.unit ?? unit;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const number = (name: string) => (text(name) === '' ? null : Number(text(name)));
    const raw = number('targetValue') ?? 0;
    const qualityMetric = text('qualityMetric');
    const qualityMin = number('qualityMin');
    const budget = number('budget');
    const listed = (role: string) => departments.filter((d) => form.getAll(role).includes(d));
    onSave({
      name: text('name'),
      metric,
      filters: initial?.filters ?? {},
      periodKind: text('periodKind') === 'quarter' ? 'quarter' : 'month',
      periodStart: text('periodStart'),
      targetValue: unit === 'cents' ? Math.round(raw * 100) : unit === 'fraction' ? raw / 100 : raw,
      qualityMetric: qualityMetric ? (qualityMetric as Metric) : null,
      qualityMin: qualityMetric && qualityMin !== null ? qualityMin / 100 : null,
      budgetCents: initial?.budgetMasked ? initial.budgetCents : budget === null ? null : Math.round(budget * 100),
      accountable: text('accountable') as Department,
      responsible: listed('responsible'),
      consulted: listed('consulted'),
      informed: listed('informed'),
    });
  }

  const accountableChoices = initial && !ownDepartments.includes(initial.accountable) ? [initial.accountable, ...ownDepartments] : ownDepartments;
  return (
    <form onSubmit={submit} aria-label={initial ? `Edit ${initial.name}` : 'New KPI target'} className={styles.filterBar} style={{ marginTop: '0.75rem' }}>
      <div className={styles.field}>
        <label htmlFor="kpi-name">Name</label>
        <input id="kpi-name" name="name" required maxLength={200} defaultValue={initial?.name} />
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-metric">Metric</label>
        <select id="kpi-metric" name="metric" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
          {metrics.map((m) => (
            <option key={m.metric} value={m.metric}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-target">Target {unit === 'cents' ? '(currency units)' : unit === 'fraction' ? '(%)' : '(count)'}</label>
        <input id="kpi-target" name="targetValue" type="number" min={0} step="any" required defaultValue={toInput(initial?.targetValue ?? null, initialUnit)} />
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-period-kind">Timeframe</label>
        <select id="kpi-period-kind" name="periodKind" defaultValue={initial?.periodKind ?? 'month'}>
          <option value="month">Month</option>
          <option value="quarter">Quarter</option>
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-period-start">Starting (first day)</label>
        <input id="kpi-period-start" name="periodStart" type="date" required defaultValue={initial?.periodStart ?? firstOfMonth()} />
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-quality">Quality standard</label>
        <select id="kpi-quality" name="qualityMetric" defaultValue={initial?.qualityMetric ?? ''}>
          <option value="">none</option>
          {metrics
            .filter((m) => m.shape === 'ratio')
            .map((m) => (
              <option key={m.metric} value={m.metric}>
                {m.label}
              </option>
            ))}
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-quality-min">at least (%)</label>
        <input id="kpi-quality-min" name="qualityMin" type="number" min={0} max={100} step="any" defaultValue={initial?.qualityMin === null || initial?.qualityMin === undefined ? '' : initial.qualityMin * 100} />
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-budget">Budget (currency units)</label>
        <input
          id="kpi-budget"
          name="budget"
          type="number"
          min={0}
          step="0.01"
          disabled={initial?.budgetMasked}
          placeholder={initial?.budgetMasked ? 'masked' : 'none'}
          defaultValue={initial?.budgetCents === null || initial?.budgetCents === undefined ? '' : initial.budgetCents / 100}
        />
      </div>
      <div className={styles.field}>
        <label htmlFor="kpi-accountable">Accountable</label>
        <select id="kpi-accountable" name="accountable" defaultValue={initial?.accountable ?? ownDepartments[0]}>
          {accountableChoices.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      {(['responsible', 'consulted', 'informed'] as const).map((role) => (
        <fieldset key={role} className={styles.field} style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend>{role[0]!.toUpperCase() + role.slice(1)}</legend>
          <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
            {departments.map((d) => (
              <label key={d} className={styles.inlineLabel}>
                <input type="checkbox" name={role} value={d} defaultChecked={initial?.[role].includes(d)} /> {d}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <div className={styles.filterActions}>
        <button type="submit" className={`${styles.button} ${styles.primary}`}>
          Save target
        </button>
        <button type="button" className={styles.button} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
