import { departments } from '~/server/ingest/catalogue';
import { adminCaller } from '../adminCaller';
import styles from '../admin.module.css';
import { CreateKeyForm, RevokeKeyButton } from './KeyControls';

export default async function ApiKeysPage() {
  const api = await adminCaller();
  if (!api) return null;
  const keys = await api.admin.apiKeys.list();
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <p className="lead">One key per sending system and department. A key is shown once when it is created.</p>
      <CreateKeyForm departments={[...departments]} />
      <table className={styles.table}>
        <caption>{keys.length} keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Department</th>
            <th scope="col">Key starts with</th>
            <th scope="col">Per minute</th>
            <th scope="col">Accepted</th>
            <th scope="col">Rejected (open)</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>{k.department}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{k.ratePerMinute}</td>
              <td>{k.accepted.toLocaleString('en-US')}</td>
              <td>
                {k.rejected.toLocaleString('en-US')} ({k.rejectedOpen.toLocaleString('en-US')})
              </td>
              <td>{k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : <RevokeKeyButton id={k.id} name={k.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
