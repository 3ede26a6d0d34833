// npm run apikey -- --department marketing --name "HubSpot" [--rate 600] [--quiet: print the key alone]
// Rides out a database restart: opening and the insert are retried while the database is unreachable.
import { checkEnv } from '~/env';
import { parseArgs } from 'node:util';
import { openDb } from '~/server/db/client';
import { retryWhileUnreachable, runCli } from '~/server/db/retry';
import { createApiKey } from './apiKeys';
import { department } from './catalogue';

const { values } = parseArgs({
  options: { department: { type: 'string' }, name: { type: 'string' }, rate: { type: 'string' }, quiet: { type: 'boolean' } },
});
const dept = department.safeParse(values.department);
const name = values.name;
if (!dept.success || !name) {
  console.error('usage: npm run apikey -- --department <marketing|sales|operations|service> --name "<name>" [--rate <requests per minute>] [--quiet]');
  process.exit(2);
}

await runCli(async () => {
  const handle = await retryWhileUnreachable(() => openDb({ url: checkEnv().DATABASE_URL }), { what: 'open the database' });
  try {
    // A cut-off insert is retried: at worst a second key of the same name exists, and only the one
    // printed here was ever shown.
    const created = await retryWhileUnreachable(
      () => createApiKey(handle.db, { department: dept.data, name, ratePerMinute: values.rate ? Number(values.rate) : undefined }),
      { what: 'create the API key' },
    );
    if (values.quiet) console.log(created.key);
    else console.log(`Created ${created.department} key "${created.name}". It is shown once; keep it now:\n\n${created.key}\n`);
  } finally {
    await handle.close();
  }
});
