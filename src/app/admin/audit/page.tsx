import { adminCaller } from '../adminCaller';
import styles from '../admin.module.css';

export default async function AuditPage() {
  const api = await adminCaller();
  if (!api) return null;
  const entries = await api.admin.audit.list({ limit: 200 });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="lead">Every administrative action and every export, latest first.</p>
      <table className={styles.table}>
        <caption>Latest {entries.length} entries</caption>
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{e.at.toISOString().replace('T', ' ').slice(0, 19)}</td>
              <td>{e.actorEmail ?? 'system'}</td>
              <td>{e.action}</td>
              <td>
                <pre className={styles.raw} tabIndex={0}>{JSON.stringify(e.details)}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
