// Where a 1,000-event batch's time goes at the door, stage by stage, in one process against the
// real Postgres: body parse, byte spans, judging (storable check + validation), the append
// statement, and a COPY of the same rows for comparison.
import postgres from 'postgres';
import { openDb } from '~/server/db/client';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestEvents } from '~/server/ingest/ingest';
import { elementBytes, findUnstorable } from '~/server/ingest/storable';
import { validateEvent } from '~/server/ingest/validate';
import { copyLines, timeCopy } from './copy';
import { traffic, type Batch } from './events';

const batches: Batch[] = [];
for (const b of traffic({ seed: 7, batchSize: 1000 })) {
  batches.push(b);
  if (batches.length >= 40) break;
}
const bodies = batches.map((b) => Buffer.from(JSON.stringify({ events: b.events })));
const time = (label: string, f: () => void) => {
  const t = performance.now();
  f();
  console.log(label.padEnd(24), ((performance.now() - t) / batches.length).toFixed(2), 'ms/batch');
};
const parsed: unknown[] = [];
time('JSON.parse', () => bodies.forEach((b) => parsed.push(JSON.parse(b.toString('utf8')))));
time('elementBytes', () => bodies.forEach((b) => elementBytes(b, 'events')));
time('findUnstorable', () => parsed.forEach((p) => (p as { events: unknown[] }).events.forEach((e) => findUnstorable(e))));
time('validateEvent', () => batches.forEach((b, i) => (parsed[i] as { events: unknown[] }).events.forEach((e) => validateEvent(e, b.department))));

const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const name = `door_${process.pid}`;
await admin.unsafe(`create database ${name}`);
await admin.unsafe(`create database ${name}_copy`);
try {
  const handle = await openDb({ url: `postgres://postgres@127.0.0.1:5432/${name}`, max: 4 });
  const copyHandle = await openDb({ url: `postgres://postgres@127.0.0.1:5432/${name}_copy`, max: 2 });
  const keyIds = {} as Record<Batch['department'], number>;
  for (const d of ['marketing', 'sales', 'operations', 'service'] as const) {
    keyIds[d] = (await createApiKey(handle.db, { department: d, name: d })).id;
    await createApiKey(copyHandle.db, { department: d, name: d });
  }
  await copyHandle.close();
  const t = performance.now();
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    const events = (parsed[i] as { events: unknown[] }).events;
    await ingestEvents(handle.db, { apiKeyId: keyIds[b.department], department: b.department }, events, { rawBytes: () => elementBytes(bodies[i]!, 'events') });
  }
  console.log('ingestEvents total'.padEnd(24), ((performance.now() - t) / batches.length).toFixed(2), 'ms/batch');
  const copy = await timeCopy(`postgres://postgres@127.0.0.1:5432/${name}_copy`, copyLines(batches, keyIds));
  console.log('COPY'.padEnd(24), ((copy.seconds * 1000) / batches.length).toFixed(2), 'ms/batch');
  await handle.close();
} finally {
  await admin.unsafe(`drop database ${name} with (force)`);
  await admin.unsafe(`drop database ${name}_copy with (force)`);
  await admin.end();
}
