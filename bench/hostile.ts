// Hostile ingestion at volume: the property test's batches (src/server/ingest/hostile.ts) through
// the real HTTP handler against the real Postgres until at least --events items were sent, with
// the projector applying behind; then a rebuild must equal the live read model. Prints the counts.
//
//   npm run bench:hostile -- [--events 100000]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import postgres from 'postgres';
import { one, openDb, sql } from '~/server/db/client';
import { createApiKey } from '~/server/ingest/apiKeys';
import { dumpReadModel } from '~/server/ingest/factories';
import { hostileBatch } from '~/server/ingest/hostile';
import { handleIngest } from '~/server/ingest/http';
import { applyPending } from '~/server/projector/projector';
import { rebuildReadModel } from '~/server/projector/rebuild';

const { values: flags } = parseArgs({ options: { events: { type: 'string', default: '100000' }, seed: { type: 'string', default: '7' } } });
const target = Number(flags.events);
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const name = `rf_bench_hostile_${process.pid}`;

async function main(): Promise<void> {
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const handle = await openDb({ url: `${serverUrl}/${name}` });
  try {
    const { key, id } = await createApiKey(handle.db, { department: 'marketing', name: 'hostile', ratePerMinute: 1e9 });
    const statuses = new Map<number, number>();
    const totals = { batches: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0 };
    const started = performance.now();
    let runSeed = Number(flags.seed);
    while (totals.sent < target) {
      for (const batch of fc.sample(hostileBatch, { numRuns: 50, seed: runSeed++ })) {
        const response = await handleIngest(
          new Request('http://bench/api/ingest/marketing', {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: batch.body,
          }),
          'marketing',
          { db: async () => handle.db },
        );
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const answer = (await response.json()) as { accepted?: number; duplicates?: number; rejected?: unknown[] };
        totals.batches++;
        totals.sent += batch.events;
        totals.accepted += answer.accepted ?? 0;
        totals.duplicates += answer.duplicates ?? 0;
        totals.rejected += answer.rejected?.length ?? 0;
      }
      await applyPending(handle.db);
    }
    const seconds = (performance.now() - started) / 1000;
    const stored = await one<{ events: number; rejected: number }>(
      handle.db,
      sql`select (select count(*)::int from events where api_key_id = ${id}) as events,
                 (select count(*)::int from rejected_events where api_key_id = ${id}) as rejected`,
    );
    const live = await dumpReadModel(handle.db);
    const rebuilt = await rebuildReadModel(handle.db);
    const same = JSON.stringify(await dumpReadModel(handle.db)) === JSON.stringify(live);
    const fiveHundreds = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
    const result = {
      at: new Date().toISOString(),
      ...totals,
      seconds: Math.round(seconds * 10) / 10,
      statuses: Object.fromEntries(statuses),
      accountedFor: totals.accepted + totals.duplicates + totals.rejected === totals.sent,
      rawLogRows: stored.events,
      rejectedLogRows: stored.rejected,
      rebuiltEvents: rebuilt.events,
      rebuildEqualsLive: same,
      fiveHundreds,
    };
    console.log('== hostile ingestion ==');
    console.log(`${totals.batches} batches, ${totals.sent} events in ${result.seconds} s; statuses ${JSON.stringify(result.statuses)}; 5xx: ${fiveHundreds}`);
    console.log(`accepted ${totals.accepted}, duplicates ${totals.duplicates}, rejected ${totals.rejected}: ${result.accountedFor ? 'every event accounted for' : 'EVENTS MISSING'}`);
    console.log(`raw log ${stored.events} rows (= accepted: ${stored.events === totals.accepted}), rejected log ${stored.rejected} rows (= rejected: ${stored.rejected === totals.rejected})`);
    console.log(`rebuild of ${rebuilt.events} events equals the live read model: ${same}`);
    mkdirSync(path.join('bench', 'results'), { recursive: true });
    writeFileSync(path.join('bench', 'results', 'hostile.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (fiveHundreds > 0 || !result.accountedFor || !same || stored.events !== totals.accepted || stored.rejected !== totals.rejected) process.exitCode = 1;
  } finally {
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

await main();
