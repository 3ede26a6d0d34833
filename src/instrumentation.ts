// Runs once when the server starts: the projector applies the raw log inside this process unless
// PROJECTOR=external says a separate `npm run projector` does (with a Postgres server); the alert
// loop evaluates rules after applied chunks and on a timer, and delivers the outbox; retention
// compacts old raw events every hour when the setting is on.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // A bad variable stops the server at start, naming it, rather than at the first request using it.
  const { checkEnv } = await import('./env');
  checkEnv();
  const { startProjectorInProcess } = await import('./server/projector/inProcess');
  startProjectorInProcess();
  const { startAlertsInProcess } = await import('./server/alerts/inProcess');
  startAlertsInProcess();
  const { startRetentionInProcess } = await import('./server/privacy/inProcess');
  startRetentionInProcess();
}
