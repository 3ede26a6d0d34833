import { adminCaller } from '../adminCaller';
import styles from '../admin.module.css';
import { CreateTokenForm, ForgetPersonForm, RetentionForm, RevokeTokenButton } from './PrivacyControls';

export default async function PrivacyPage() {
  const api = await adminCaller();
  if (!api) return null;
  const [tokens, retention] = await Promise.all([api.admin.privacy.tokens(), api.admin.privacy.retention()]);
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy</h1>
      <p className="lead">
        Forgetting a person rewrites everything they left behind: their raw events, rejected events, journey and audit entries. The
        journey keeps counting, under a random pseudonym, without email, name or free text. It cannot be undone.
      </p>
      <ForgetPersonForm />
      <h2>Raw-event retention</h2>
      <p>
        Off by default. When on, raw events older than the age keep only what the read model is built from: touch URLs and
        qualification reasons go (from the read model too), everything the dashboards count stays, and a rebuild gives the same
        read model. Rejected events older than the age are deleted. Runs every hour, or now with <code>npm run compact</code>.
      </p>
      <RetentionForm initial={retention} />
      <h2>Tokens for a privacy tool</h2>
      <p>
        A privacy tool sends <code>POST /api/privacy/erasure</code> with <code>Authorization: Bearer &lt;token&gt;</code>. A token is
        shown once when it is created.
      </p>
      <CreateTokenForm />
      <table className={styles.table}>
        <caption>
          {tokens.length} {tokens.length === 1 ? 'token' : 'tokens'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{t.createdAt.toISOString().slice(0, 10)}</td>
              <td>{t.lastUsedAt ? t.lastUsedAt.toISOString().slice(0, 16).replace('T', ' ') : 'never'}</td>
              <td>{t.revokedAt ? `revoked ${t.revokedAt.toISOString().slice(0, 10)}` : <RevokeTokenButton id={t.id} name={t.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
