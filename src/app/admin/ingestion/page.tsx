import { adminCaller } from '../adminCaller';
import styles from '../admin.module.css';
import { ReplayControl } from './ReplayControl';

export default async function IngestionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const keyParam = Number(Array.isArray(params.key) ? params.key[0] : params.key);
  const apiKeyId = Number.isInteger(keyParam) && keyParam > 0 ? keyParam : undefined;
  const includeReplayed = params.all === '1';
  const api = await adminCaller();
  if (!api) return null;
  const [keys, rejected] = await Promise.all([api.admin.apiKeys.list(), api.admin.ingestion.rejected({ apiKeyId, includeReplayed, limit: 100 })]);
  return (
    <section aria-labelledby="ingestion-title">
      <h1 id="ingestion-title">Ingestion log</h1>
      <p className="lead">What each key delivered, and every rejected event with its reasons. Fix the sender, or correct the event here, then replay it.</p>
      <table className={styles.table}>
        <caption>Accepted and rejected events per key</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Department</th>
            <th scope="col">Accepted</th>
            <th scope="col">Last accepted</th>
            <th scope="col">Rejected</th>
            <th scope="col">Awaiting replay</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>
                <a href={`/admin/ingestion?key=${k.id}`}>{k.name}</a>
              </td>
              <td>{k.department}</td>
              <td>{k.accepted.toLocaleString('en-US')}</td>
              <td>{k.lastAcceptedAt ?? '–'}</td>
              <td>{k.rejected.toLocaleString('en-US')}</td>
              <td>{k.rejectedOpen.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {apiKeyId ? <a href="/admin/ingestion">All keys</a> : null}{' '}
        <a href={`/admin/ingestion?${new URLSearchParams({ ...(apiKeyId ? { key: String(apiKeyId) } : {}), ...(includeReplayed ? {} : { all: '1' }) })}`}>
          {includeReplayed ? 'Hide replayed events' : 'Show replayed events too'}
        </a>
      </p>
      <table className={styles.table}>
        <caption>
          Rejected events{apiKeyId ? ` of key ${apiKeyId}` : ''} (latest {rejected.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Key</th>
            <th scope="col">Event</th>
            <th scope="col">Reasons</th>
            <th scope="col">Replay</th>
          </tr>
        </thead>
        <tbody>
          {rejected.map((r) => (
            <tr key={r.id}>
              <td>{r.receivedAt}</td>
              <td>{r.apiKeyId ?? '–'}</td>
              <td>
                {r.type ?? 'unknown type'} {r.eventId ? <code>{r.eventId}</code> : null}
              </td>
              <td>
                <pre className={styles.raw} tabIndex={0}>{JSON.stringify(r.errors, null, 2)}</pre>
              </td>
              <td>
                {r.replayedAt ? (
                  `replayed ${r.replayedAt}`
                ) : r.raw !== null ? (
                  <ReplayControl id={r.id} raw={JSON.stringify(r.raw, null, 2)} />
                ) : (
                  <pre className={styles.raw} tabIndex={0}>{r.rawText ?? 'no body kept'}</pre>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
