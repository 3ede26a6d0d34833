import { adminCaller } from '../adminCaller';
import { SettingsForm } from './SettingsForm';

export default async function SettingsPage() {
  const api = await adminCaller();
  if (!api) return null;
  const settings = await api.admin.settings.get();
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <p className="lead">
        How far the onboarding forecast looks ahead, how long before a win a touch still earns attribution credit, and the handoff SLAs.
        A new lookback recomputes the credits of every won deal when it is saved; every change is in the audit log.
      </p>
      <SettingsForm initial={settings} />
    </section>
  );
}
