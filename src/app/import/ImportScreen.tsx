'use client';
// Import a CSV file: upload it (streamed to the server), choose what its rows are, map columns to
// event fields (suggested from the header), preview the first rows as events, run with progress,
// and the history with the invalid rows as CSV.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ChangeEvent } from 'react';
import styles from '~/app/admin/admin.module.css';
import ui from '~/components/ui.module.css';
import own from './import.module.css';
import { useTRPC, useTRPCClient, type RouterOutputs } from '~/trpc/react';

type Options = RouterOutputs['imports']['options'];
type KindOption = Options['kinds'][number];
type Inspection = RouterOutputs['imports']['inspect'];
type Preview = RouterOutputs['imports']['preview'];
type ImportView = RouterOutputs['imports']['status'];

interface FieldChoice {
  column: string;
  fallback: string;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : 'The request failed.';
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function ImportScreen({ options }: { options: Options }) {
  const client = useTRPCClient();
  const [kindName, setKindName] = useState<KindOption['name']>(options.kinds[0]!.name);
  const kind = options.kinds.find((k) => k.name === kindName)!;
  const [upload, setUpload] = useState<{ uploadId: string; fileName: string; bytes: number } | null>(null);
  const [uploading, setUploading] = useState(false);
  const [inspection, setInspection] = useState<Inspection | null>(null);
  const [choices, setChoices] = useState<Record<string, FieldChoice>>({});
  const [timeZone, setTimeZone] = useState('UTC');
  const [dateOrder, setDateOrder] = useState<'dmy' | 'mdy'>('dmy');
  const [decimalMark, setDecimalMark] = useState<'' | '.' | ','>('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [runningId, setRunningId] = useState<number | null>(null);
  const trpc = useTRPC();
  const status = useQuery({
    ...trpc.imports.status.queryOptions({ id: runningId ?? 0 }),
    enabled: runningId !== null,
    refetchInterval: (query) => (query.state.data && query.state.data.status !== 'running' ? false : 1000),
  });
  const current: ImportView | null = runningId !== null ? (status.data ?? null) : null;
  const history = useQuery({
    ...trpc.imports.list.queryOptions({ limit: 50 }),
    refetchInterval: (query) => (current?.status === 'running' || query.state.data?.some((h) => h.status === 'running') ? 2000 : false),
  });
  const { refetch: refreshHistory } = history;
  const finished = current !== null && current.status !== 'running';
  useEffect(() => {
    if (finished) void refreshHistory();
  }, [finished, refreshHistory]);

  async function inspect(uploadId: string, k: KindOption['name']) {
    setError(null);
    setPreview(null);
    try {
      const result = await client.imports.inspect.query({ uploadId, kind: k });
      setInspection(result);
      if (timeZone === 'UTC') setTimeZone(browserZone());
      setDateOrder(result.dateOrder);
      setChoices(Object.fromEntries(Object.entries(result.fields).map(([name, source]) => [name, { column: source.columns[0] ?? '', fallback: source.default ?? '' }])));
    } catch (cause) {
      setError(message(cause));
    }
  }

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.target;
    const file = input.files?.[0];
    if (!file) return;
    // Cleared, so that choosing the same file again (to import it as another kind) uploads it again.
    input.value = '';
    setUploading(true);
    setError(null);
    setInspection(null);
    setPreview(null);
    setRunningId(null);
    try {
      // The file goes as the request body: the browser streams it, the server writes it to disk.
      const response = await fetch('/api/import/upload', { method: 'POST', body: file, headers: { 'content-type': 'text/csv' } });
      const body = (await response.json()) as { uploadId?: string; bytes?: number; error?: string };
      if (!response.ok || !body.uploadId) throw new Error(body.error ?? `Upload failed (${response.status}).`);
      setUpload({ uploadId: body.uploadId, fileName: file.name, bytes: body.bytes ?? file.size });
      await inspect(body.uploadId, kindName);
    } catch (cause) {
      setError(message(cause));
    } finally {
      setUploading(false);
    }
  }

  async function chooseKind(next: KindOption['name']) {
    setKindName(next);
    if (upload) await inspect(upload.uploadId, next);
  }

  function mapping() {
    const fields: Record<string, { columns: string[]; default?: string }> = {};
    for (const [name, choice] of Object.entries(choices)) {
      if (!choice.column && !choice.fallback) continue;
      fields[name] = { columns: choice.column ? [choice.column] : [], ...(choice.fallback ? { default: choice.fallback } : {}) };
    }
    return {
      fields,
      timeZone,
      dateOrder,
      ...(decimalMark ? { decimalMark } : {}),
      ...(inspection ? { delimiter: inspection.delimiter, encoding: inspection.encoding } : {}),
    };
  }

  async function showPreview() {
    if (!upload) return;
    setError(null);
    try {
      setPreview(await client.imports.preview.query({ uploadId: upload.uploadId, kind: kindName, mapping: mapping() }));
    } catch (cause) {
      setPreview(null);
      setError(message(cause));
    }
  }

  async function start() {
    if (!upload) return;
    setError(null);
    try {
      const { id } = await client.imports.start.mutate({ uploadId: upload.uploadId, fileName: upload.fileName, kind: kindName, mapping: mapping() });
      setRunningId(id);
      setUpload(null);
      setInspection(null);
      setPreview(null);
      void refreshHistory();
    } catch (cause) {
      setError(message(cause));
    }
  }

  async function act(action: 'cancel' | 'resume', id: number) {
    setError(null);
    try {
      await client.imports[action].mutate({ id });
      if (action === 'resume') setRunningId(id);
      await Promise.all([refreshHistory(), runningId === id ? status.refetch() : null]);
    } catch (cause) {
      setError(message(cause));
    }
  }

  const setChoice = (name: string, change: Partial<FieldChoice>) =>
    setChoices((all) => ({ ...all, [name]: { column: all[name]?.column ?? '', fallback: all[name]?.fallback ?? '', ...change } }));
  const sampleOf = (column: string) => {
    if (!inspection || !column) return '';
    const at = inspection.header.indexOf(column);
    return inspection.sample[0]?.[at] ?? '';
  };

  return (
    <>
      <form className={styles.form} aria-label="Choose a file" onSubmit={(e) => e.preventDefault()}>
        <label>
          The rows are
          <select name="kind" value={kindName} onChange={(e) => void chooseKind(e.target.value as KindOption['name'])}>
            {options.kinds.map((k) => (
              <option key={k.name} value={k.name}>
                {k.label} ({k.department})
              </option>
            ))}
          </select>
        </label>
        <label>
          CSV file
          <input type="file" name="file" accept=".csv,.tsv,.txt,text/csv" onChange={(e) => void chooseFile(e)} disabled={uploading || current?.status === 'running'} />
        </label>
        {uploading ? <span role="status">Uploading…</span> : null}
      </form>
      {error ? (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}

      {upload && inspection ? (
        <section aria-labelledby="mapping-title">
          <h2 id="mapping-title">Columns of {upload.fileName}</h2>
          <p>
            {n(upload.bytes)} bytes, {inspection.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252'}, separated by{' '}
            {inspection.delimiter === '\t' ? 'tabs' : inspection.delimiter === ';' ? 'semicolons' : 'commas'}, {inspection.header.length} columns
            {inspection.preset ? `; looks like a ${inspection.preset === 'hubspot' ? 'HubSpot' : 'Salesforce'} export` : ''}.
          </p>
          <table className={styles.table}>
            <caption>Which column fills each field ({kind.label.toLowerCase()} become {kind.department} events)</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Column</th>
                <th scope="col">When empty</th>
                <th scope="col">First row</th>
              </tr>
            </thead>
            <tbody>
              {kind.fields.map((field) => (
                <tr key={field.name}>
                  <th scope="row">
                    {field.label}
                    {field.required ? ' *' : ''}
                    {field.help ? <div className={ui.subtitle}>{field.help}</div> : null}
                  </th>
                  <td>
                    <select aria-label={`Column for ${field.label}`} value={choices[field.name]?.column ?? ''} onChange={(e) => setChoice(field.name, { column: e.target.value })}>
                      <option value="">(none)</option>
                      {inspection.header.map((h) => (
                        <option key={h} value={h}>
                          {h}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input aria-label={`Value when empty for ${field.label}`} value={choices[field.name]?.fallback ?? ''} onChange={(e) => setChoice(field.name, { fallback: e.target.value })} size={12} />
                  </td>
                  <td>{sampleOf(choices[field.name]?.column ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className={styles.form}>
            <label>
              Time zone of the dates
              <input name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
            </label>
            <label>
              Numeric dates
              <select name="dateOrder" value={dateOrder} onChange={(e) => setDateOrder(e.target.value as 'dmy' | 'mdy')}>
                <option value="dmy">day first (31/12/2024)</option>
                <option value="mdy">month first (12/31/2024)</option>
              </select>
            </label>
            <label>
              Decimal mark
              <select name="decimalMark" value={decimalMark} onChange={(e) => setDecimalMark(e.target.value as '' | '.' | ',')}>
                <option value="">from the value</option>
                <option value=".">point (1,234.56)</option>
                <option value=",">comma (1.234,56)</option>
              </select>
            </label>
            <button type="button" className={ui.button} onClick={() => void showPreview()}>
              Preview
            </button>
            <button type="button" className={`${ui.button} ${ui.primary}`} onClick={() => void start()} disabled={preview === null}>
              Import
            </button>
          </div>
        </section>
      ) : null}

      {preview ? (
        <table className={styles.table}>
          <caption>The first {preview.rows.length} rows as the events they become (nothing is written yet)</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Events</th>
              <th scope="col">Problems</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r) => (
              <tr key={r.row}>
                <td>{r.row}</td>
                <td className={own.events}>
                  {r.events.map((e) => (
                    <div key={e.id}>
                      <code>{e.type}</code> {e.occurredAt} <code>{JSON.stringify(e.data)}</code>
                    </div>
                  ))}
                  {r.skipped ? 'skipped (no event)' : null}
                </td>
                <td>
                  {r.errors.map((e, i) => (
                    <div key={i}>
                      {e.column}: {e.value ? `'${e.value}' ` : ''}
                      {e.message}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {current ? (
        <section aria-labelledby="progress-title">
          <h2 id="progress-title">
            Import {current.id}: {current.status}
          </h2>
          <progress value={current.bytesDone} max={Math.max(current.fileBytes, 1)} aria-label="Share of the file imported" className={own.progress} />
          <p role="status">
            {n(current.rowsDone)} rows, {n(current.rowsPerSecond)} rows/s
            {current.etaSeconds !== null ? `, about ${duration(current.etaSeconds)} left` : ''}; {n(current.accepted)} new events, {n(current.duplicates)} already there,{' '}
            {n(current.invalidRows)} invalid rows, {n(current.skippedRows)} skipped
          </p>
          {current.status === 'running' ? (
            <button type="button" className={ui.button} onClick={() => void act('cancel', current.id)}>
              Stop
            </button>
          ) : null}
        </section>
      ) : null}

      <table className={styles.table}>
        <caption>Imports</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">By</th>
            <th scope="col">Rows are</th>
            <th scope="col">File</th>
            <th scope="col">Status</th>
            <th scope="col">Rows</th>
            <th scope="col">New events</th>
            <th scope="col">Already there</th>
            <th scope="col">Invalid rows</th>
            <th scope="col">Skipped</th>
            <th scope="col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(history.data ?? []).map((h) => (
            <tr key={h.id}>
              <td>{h.startedAt.toISOString().slice(0, 16).replace('T', ' ')}</td>
              <td>{h.who}</td>
              <td>{h.kindLabel}</td>
              <td>{h.fileName}</td>
              <td title={h.error ?? undefined}>{h.status}</td>
              <td>{n(h.rowsDone)}</td>
              <td>{n(h.accepted)}</td>
              <td>{n(h.duplicates)}</td>
              <td>{h.invalidRows > 0 ? <a href={`/api/import/${h.id}/invalid`}>{n(h.invalidRows)} (CSV)</a> : '0'}</td>
              <td>{n(h.skippedRows)}</td>
              <td>
                {h.resumable ? (
                  <button type="button" className={ui.button} onClick={() => void act('resume', h.id)}>
                    Resume
                  </button>
                ) : null}
                {h.status === 'running' || h.status === 'interrupted' ? (
                  <button type="button" className={ui.button} onClick={() => void act('cancel', h.id)}>
                    Stop
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
