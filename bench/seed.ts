// Seed benchmark: the deterministic demo loaded through the real path (the door stores the raw
// events, the projector applies them in chunks) against a plain COPY of the same raw rows, on the
// real Postgres, in the same run. Budget (ARCHITECTURE.md): seed <= 2x the COPY's time.
//
//   npm run bench:seed -- [--leads 100000] [--keep] [--profile]
//
// --profile logs every statement of the seeded database and prints the costliest ones.
//
// Two scratch databases on BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) are
// created and dropped (--keep leaves the seeded one). Results: bench/results/seed.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { progressWriter } from '~/lib/progress';
import { one, openDb, sql } from '~/server/db/client';
import { generateDemo, resolveOptions } from '../seed/generate';
import { ensureDemoKeys, seedDemo } from '../seed/seed';
import { copyLineStream, timeCopy } from './copy';
import { backendCpuMs, nodeCpuMs } from './cpu';
import { enableStatementLog, logSize, statementCosts } from './profile';

const BUDGET_RATIO = 2;
const { values: flags } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const leads = Number(flags.leads);
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const names = { seeded: `rf_bench_seed_${process.pid}`, copied: `rf_bench_copy_${process.pid}` };

async function main(): Promise<void> {
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    for (const name of Object.values(names)) await admin.unsafe(`create database "${name}"`);
    // Fixed options, so both sides hold exactly the same events.
    const options = resolveOptions({ leads });

    console.log(`seeding ${leads.toLocaleString('en-US')} leads through the door and the projector ...`);
    if (flags.profile) await enableStatementLog(admin, names.seeded);
    const logOffset = logSize();
    // One connection, so the seed's Postgres CPU is one backend's.
    const seeded = await openDb({ url: `${serverUrl}/${names.seeded}`, max: 1 });
    const pid = (await one<{ pid: number }>(seeded.db, sql`select pg_backend_pid() as pid`)).pid;
    const pgBefore = backendCpuMs(pid);
    const nodeBefore = nodeCpuMs();
    const progress = progressWriter(process.stderr, 10_000);
    const summary = await seedDemo(seeded.db, options, (figures) =>
      progress.update({ done: figures.events, total: null, unit: `events stored (${figures.applied.toLocaleString('en-US')} applied)` }),
    );
    const seedNodeCpu = (nodeCpuMs() - nodeBefore) / 1000;
    const pgAfter = (await one<{ pid: number }>(seeded.db, sql`select pg_backend_pid() as pid`)).pid === pid ? backendCpuMs(pid) : null;
    const seedPgCpu = pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / 1000;
    progress.done(`seeded ${summary.events.toLocaleString('en-US')} events in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
    const readModel = await one<Record<string, number>>(
      seeded.db,
      sql`select (select count(*) from events)::int as events, (select count(*) from leads)::int as leads,
                 (select count(*) from touches)::int as touches, (select count(*) from opportunities)::int as opportunities`,
    );
    await seeded.close();
    const profile = flags.profile ? statementCosts(names.seeded, logOffset) : null;

    console.log('copying the same raw rows ...');
    const copied = await openDb({ url: `${serverUrl}/${names.copied}` });
    const keyIds = await ensureDemoKeys(copied.db);
    await copied.close();
    const copy = await timeCopy(`${serverUrl}/${names.copied}`, copyLineStream(generateDemo(options), keyIds));

    const seedSeconds = summary.elapsedMs / 1000;
    const ratio = seedSeconds / copy.seconds;
    const seedCpu = seedPgCpu === null ? null : seedNodeCpu + seedPgCpu;
    const copyCpu = copy.cpu.pg === null ? null : copy.cpu.node + copy.cpu.pg;
    const tenths = (x: number) => Math.round(x * 10) / 10;
    const result = {
      at: new Date().toISOString(),
      leads,
      events: summary.events,
      seed: {
        seconds: Math.round(seedSeconds * 10) / 10,
        eventsPerSecond: Math.round(summary.events / seedSeconds),
        storeSeconds: Math.round(summary.storeMs / 100) / 10,
        applySeconds: Math.round(summary.applyMs / 100) / 10,
      },
      copy: { rows: copy.rows, seconds: Math.round(copy.seconds * 10) / 10, eventsPerSecond: Math.round(copy.rows / copy.seconds) },
      ratio: Math.round(ratio * 100) / 100,
      // CPU seconds (Node + the Postgres backend): unlike wall time, they hold on a loaded machine.
      cpu:
        seedCpu === null || copyCpu === null || seedPgCpu === null || copy.cpu.pg === null
          ? null
          : {
              seed: { node: tenths(seedNodeCpu), postgres: tenths(seedPgCpu) },
              copy: { node: tenths(copy.cpu.node), postgres: tenths(copy.cpu.pg) },
              ratio: Math.round((seedCpu / copyCpu) * 100) / 100,
            },
      budget: { ratio: BUDGET_RATIO, within: ratio <= BUDGET_RATIO },
      readModel,
    };
    console.log('\n== seed benchmark ==');
    console.log(`seed (door + projector)   ${result.events.toLocaleString('en-US')} events in ${result.seed.seconds} s = ${result.seed.eventsPerSecond} events/s`);
    console.log(`  of which                 storing ${result.seed.storeSeconds} s, applying ${result.seed.applySeconds} s`);
    console.log(`plain COPY of the same    ${result.copy.rows.toLocaleString('en-US')} rows in ${result.copy.seconds} s = ${result.copy.eventsPerSecond} events/s`);
    console.log(`seed / COPY               ${result.ratio}x (budget <= ${BUDGET_RATIO}x): ${result.budget.within ? 'within budget' : 'OVER BUDGET'}`);
    if (result.cpu) {
      const { cpu } = result;
      console.log(`CPU seed                  ${tenths(cpu.seed.node + cpu.seed.postgres)} s (Node ${cpu.seed.node} s, Postgres ${cpu.seed.postgres} s)`);
      console.log(`CPU COPY                  ${tenths(cpu.copy.node + cpu.copy.postgres)} s (Node ${cpu.copy.node} s making the lines, Postgres ${cpu.copy.postgres} s)`);
      console.log(`CPU seed / COPY           ${cpu.ratio}x`);
    }
    console.log(`read model                ${Object.entries(readModel).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    if (profile) {
      console.log(`\ncostliest statements (${Math.round(profile.totalMs)} ms logged in all):`);
      for (const s of profile.statements.slice(0, 15)) {
        console.log(`${String(Math.round(s.totalMs)).padStart(8)} ms ${String(s.calls).padStart(6)}x ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.statement}`);
      }
    }
    const out = path.join(process.cwd(), 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'seed.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log('written to bench/results/seed.json');
  } finally {
    for (const [role, name] of Object.entries(names)) {
      if (role === 'seeded' && flags.keep) {
        console.log(`kept ${name}`);
        continue;
      }
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
    }
    await admin.end({ timeout: 5 });
  }
}

await main();
