// npm run projector: applies the raw log from its own process, for a Postgres deployment that
// runs the app servers with PROJECTOR=external. Stops cleanly on SIGINT/SIGTERM.
import { checkEnv } from '~/env';
import { openDb } from '~/server/db/client';
import { projectorState, runProjector } from './projector';

const url = checkEnv().DATABASE_URL;
if (!url) {
  console.error('npm run projector needs DATABASE_URL (with the embedded database the app server projects itself)');
  process.exit(2);
}
const handle = await openDb({ url, max: 2 });
const running = runProjector(async () => handle.db);
const state = await projectorState(handle.db);
console.log(`projector running: ${state.appliedEvents.toLocaleString('en-US')} events applied so far`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await running.stop();
  await handle.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
