// npm run apikey -- --department marketing --name "HubSpot" [--rate 600] [--quiet: print the key alone]
import { parseArgs } from 'node:util';
import { openDb } from '~/server/db/client';
import { createApiKey } from './apiKeys';
import { department } from './catalogue';

const { values } = parseArgs({
  options: { department: { type: 'string' }, name: { type: 'string' }, rate: { type: 'string' }, quiet: { type: 'boolean' } },
});
const dept = department.safeParse(values.department);
if (!dept.success || !values.name) {
  console.error('usage: npm run apikey -- --department <marketing|sales|operations|service> --name "<name>" [--rate <requests per minute>] [--quiet]');
  process.exit(2);
}
const handle = await openDb({ url: process.env.DATABASE_URL || undefined });
try {
  const created = await createApiKey(handle.db, {
    department: dept.data,
    name: values.name,
    ratePerMinute: values.rate ? Number(values.rate) : undefined,
  });
  if (values.quiet) console.log(created.key);
  else console.log(`Created ${created.department} key "${created.name}". It is shown once; keep it now:\n\n${created.key}\n`);
} finally {
  await handle.close();
}
