// Where the CPU goes, per 1,000 events: the door's stages in Node, the door's statement in
// Postgres, the projector applying the same events, and a plain COPY of the same rows. CPU time
// (Node: process.cpuUsage; Postgres: the serving backend's utime + stime from /proc), not wall
// time, so the figures hold on a loaded machine; the last lines turn them into the rate this
// design can sustain on the machine's cores.
//
//   npm run bench:door -- [--batches 40] [--seed 7] [--profile]
//
// --profile logs every statement of the door's database and prints the projector's costliest ones.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { one, openDb, sql, type Db } from '~/server/db/client';
import { createApiKey } from '~/server/ingest/apiKeys';
import { departments, type Department } from '~/server/ingest/catalogue';
import { ingestEvents } from '~/server/ingest/ingest';
import { elementBytes, findUnstorable } from '~/server/ingest/storable';
import { validateEvent } from '~/server/ingest/validate';
import { applyPending } from '~/server/projector/projector';
import { setRollupMode } from '~/server/projector/rollups';
import { copyLines } from './copy';
import { backendCpuMs as readBackendCpuMs, nodeCpuMs } from './cpu';
import { enableStatementLog, logSize, statementCosts } from './profile';
import { traffic, type Batch } from './events';

const { values: flags } = parseArgs({ options: { batches: { type: 'string', default: '40' }, seed: { type: 'string', default: '7' }, profile: { type: 'boolean', default: false } } });
const BATCHES = Number(flags.batches);
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** CPU milliseconds a Postgres backend has used so far (this benchmark needs the server on this machine). */
function backendCpuMs(pid: number): number {
  const ms = readBackendCpuMs(pid);
  if (ms === null) throw new Error(`cannot read /proc/${pid}/stat: run the benchmark on the database's machine`);
  return ms;
}

async function backendPid(db: Db): Promise<number> {
  return (await one<{ pid: number }>(db, sql`select pg_backend_pid() as pid`)).pid;
}

const batches: Batch[] = [];
for (const batch of traffic({ seed: Number(flags.seed), batchSize: 1000 })) {
  if (batch.events.length === 1000) batches.push(batch);
  if (batches.length >= BATCHES) break;
}
const events = batches.length * 1000;
const bodies = batches.map((b) => Buffer.from(JSON.stringify({ events: b.events })));
const perThousand = (ms: number) => (ms * 1000) / events;

const nodeStages: [string, number][] = [];
const stage = (label: string, work: () => void) => {
  const before = nodeCpuMs();
  work();
  nodeStages.push([label, perThousand(nodeCpuMs() - before)]);
};
const parsed: unknown[][] = [];
stage('JSON.parse of the body', () => bodies.forEach((b) => parsed.push((JSON.parse(b.toString('utf8')) as { events: unknown[] }).events)));
stage('storable check', () => parsed.forEach((list) => list.forEach((e) => findUnstorable(e))));
stage('validation', () => batches.forEach((b, i) => parsed[i]!.forEach((e) => validateEvent(e, b.department))));
stage('byte spans (rejections only)', () => bodies.forEach((b) => elementBytes(b, 'events')));

const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
const names = {
  door: `rf_bench_door_${process.pid}`,
  copy: `rf_bench_door_copy_${process.pid}`,
  plain: `rf_bench_door_plain_${process.pid}`,
};
try {
  for (const name of Object.values(names)) await admin.unsafe(`create database "${name}"`);
  if (flags.profile) await enableStatementLog(admin, names.door);
  const handle = await openDb({ url: `${serverUrl}/${names.door}`, max: 1 });
  const copyHandle = await openDb({ url: `${serverUrl}/${names.copy}`, max: 1 });
  const keyIds = {} as Record<Department, number>;
  for (const department of departments) {
    keyIds[department] = (await createApiKey(handle.db, { department, name: department })).id;
    await createApiKey(copyHandle.db, { department, name: department });
  }
  await copyHandle.close();

  // The door: judge + append + commit, batch by batch, on one connection.
  const pid = await backendPid(handle.db);
  let node = nodeCpuMs();
  let pg = backendCpuMs(pid);
  for (const [i, batch] of batches.entries()) {
    const list = (JSON.parse(bodies[i]!.toString('utf8')) as { events: unknown[] }).events;
    await ingestEvents(handle.db, { apiKeyId: keyIds[batch.department], department: batch.department }, list, {
      rawBytes: () => elementBytes(bodies[i]!, 'events'),
    });
  }
  const door = { node: perThousand(nodeCpuMs() - node), pg: perThousand(backendCpuMs(pid) - pg) };

  // The projector: the same events applied in its live chunks.
  const logOffset = logSize();
  node = nodeCpuMs();
  pg = backendCpuMs(pid);
  await applyPending(handle.db);
  const projector = { node: perThousand(nodeCpuMs() - node), pg: perThousand(backendCpuMs(pid) - pg) };
  const profile = flags.profile ? statementCosts(names.door, logOffset) : null;
  await handle.close();

  // The same projector without the report rollups' deltas (a bulk load's mode), to tell the two apart.
  const plain = await openDb({ url: `${serverUrl}/${names.plain}`, max: 1 });
  const plainKeys = {} as Record<Department, number>;
  for (const department of departments) plainKeys[department] = (await createApiKey(plain.db, { department, name: department })).id;
  for (const [i, batch] of batches.entries()) {
    const list = (JSON.parse(bodies[i]!.toString('utf8')) as { events: unknown[] }).events;
    await ingestEvents(plain.db, { apiKeyId: plainKeys[batch.department], department: batch.department }, list);
  }
  await setRollupMode(plain.db, 'deferred');
  const plainPid = await backendPid(plain.db);
  node = nodeCpuMs();
  pg = backendCpuMs(plainPid);
  await applyPending(plain.db);
  const withoutRollups = { node: perThousand(nodeCpuMs() - node), pg: perThousand(backendCpuMs(plainPid) - pg) };
  await plain.close();

  // COPY of the same rows, lines prepared beforehand.
  const lines = copyLines(batches, keyIds).join('');
  const copySql = postgres(`${serverUrl}/${names.copy}`, { max: 1, onnotice: () => {} });
  const [{ pid: copyPid }] = (await copySql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
  pg = backendCpuMs(copyPid);
  node = nodeCpuMs();
  const writable = await copySql
    .unsafe('copy events (api_key_id, department, event_id, type, occurred_at, entity_key, account_id, data) from stdin with (format csv)')
    .writable();
  await new Promise<void>((resolve, reject) => writable.end(lines, () => resolve()).once('error', reject));
  await copySql`select 1`;
  const copy = { node: perThousand(nodeCpuMs() - node), pg: perThousand(backendCpuMs(copyPid) - pg) };
  await copySql.end({ timeout: 5 });

  const fmt = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;
  console.log(`\n== CPU per 1,000 events (${events.toLocaleString('en-US')} events in ${batches.length} batches) ==`);
  for (const [label, ms] of nodeStages) console.log(`  Node  ${label.padEnd(34)}${fmt(ms)}`);
  console.log(`door       Node ${fmt(door.node)}   Postgres ${fmt(door.pg)}   (judge, append, commit)`);
  console.log(`projector  Node ${fmt(projector.node)}   Postgres ${fmt(projector.pg)}   (live chunks)`);
  console.log(`  without the rollups' deltas  Node ${fmt(withoutRollups.node)}   Postgres ${fmt(withoutRollups.pg)}`);
  console.log(`COPY       Node ${fmt(copy.node)}   Postgres ${fmt(copy.pg)}`);
  const cores = availableParallelism();
  const copyRate = 1000 / (copy.pg / 1000);
  const doorAndProjector = door.node + door.pg + projector.node + projector.pg;
  const sustainable = (cores * 1000) / (doorAndProjector / 1000);
  console.log(`\nCOPY alone, one backend:                 at most ${Math.round(copyRate).toLocaleString('en-US')} events/s`);
  console.log(`door + projector on all ${cores} cores:          at most ${Math.round(sustainable).toLocaleString('en-US')} events/s = ${(sustainable / copyRate).toFixed(2)}x COPY (budget 0.5x)`);
  console.log(`door alone on all ${cores} cores:                at most ${Math.round((cores * 1e6) / (door.node + door.pg)).toLocaleString('en-US')} events/s`);
  if (profile) {
    console.log(`\nthe projector's costliest statements (${Math.round(profile.totalMs)} ms logged in all, wall time):`);
    for (const s of profile.statements.slice(0, 25)) {
      console.log(`${String(Math.round(s.totalMs)).padStart(8)} ms ${String(s.calls).padStart(6)}x ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.statement}`);
    }
  }
} finally {
  for (const name of Object.values(names)) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end({ timeout: 5 });
}
