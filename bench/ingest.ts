// Ingestion benchmark: realistic 1,000-event batches over HTTP to the production server, against a
// plain COPY of the same rows into the raw log, on the real Postgres, in the same run. Budgets
// (ARCHITECTURE.md): HTTP rate >= 50% of the COPY rate; server RSS <= 400 MB. It reports; it does
// not fail when a budget is missed.
//
//   npm run bench:ingest -- [--events 100000] [--concurrency 2] [--warmup 5] [--seed 1]
//                           [--rebuild | --skip-build] [--profile]
//                           [--explain 100] [--keep] [--analyze] [--source bench|seed] [--citus]
// --source seed sends the demo generator's batches (seed/generate.ts) instead of bench/events.ts;
// its campaign and capacity prelude (everything before the first sales batch) joins the warm-up.
// --profile logs every statement of the bench database and prints the costliest ones; --explain N
// also has auto_explain write the analysed plans of statements over N ms to the Postgres log;
// --keep leaves the ingested database in place (its name is printed) to study its plans;
// --analyze refreshes the planner statistics after the warm-up, as autovacuum would on a live server.
// --citus runs both databases on the local Citus cluster (CITUS_URL, default 127.0.0.1:5441, started
// by ../shared/citus/cluster.sh), distributed by the map as the app's are (docs/scale.md); results
// go to bench/results/ingest-citus.json. BENCH_POSTGRES_URL names another server.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDb } from '~/server/db/client';
import { createServerDatabase, dropServerDatabase } from '~/server/db/serverDb';
import { freshness, projectorState } from '~/server/projector/projector';
import { createApiKey } from '~/server/ingest/apiKeys';
import { departments, type Department } from '~/server/ingest/catalogue';
import { generateDemo } from '../seed/generate';
import { copyLines, timeCopy } from './copy';
import { traffic, typeMix, type Batch } from './events';
import { enableStatementLog, logSize, statementCosts, type StatementCost } from './profile';
import { buildApp, buildIsCurrent, freePort, sampleMemory, startServer, type MemoryReport, type RunningServer } from './server';

const BUDGET_RATIO = 0.5;
const BUDGET_RSS_MB = 400;
const BUDGET_LAG_P95_S = 5;
const BUDGET_DRAIN_S = 30;
/** With --duration, the COPY baseline copies this many of the sent events (its rate, not its total, is compared). */
const COPY_SAMPLE_EVENTS = 200_000;
const DIST_DIR = '.next-bench';

const { values: flags } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    rebuild: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    explain: { type: 'string' },
    keep: { type: 'boolean', default: false },
    analyze: { type: 'boolean', default: false },
    source: { type: 'string', default: 'bench' },
    duration: { type: 'string' },
    citus: { type: 'boolean', default: false },
  },
});
const BATCH_SIZE = 1000;
const eventCount = Number(flags.events);
const concurrency = Math.max(1, Number(flags.concurrency));
const warmupBatches = Math.max(0, Number(flags.warmup));
const seed = Number(flags.seed);
const serverUrl = (
  flags.citus
    ? (process.env.CITUS_URL ?? 'postgres://postgres@127.0.0.1:5441')
    : (process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432')
).replace(/(\/\/[^/]*)\/.*$/, '$1');
const resultsFile = flags.citus ? 'ingest-citus.json' : 'ingest.json';

function databaseUrl(name: string): string {
  return `${serverUrl}/${name}`;
}

function ensurePostgres(): void {
  if (flags.citus) {
    try {
      execFileSync('pg_isready', ['-h', new URL(serverUrl).hostname, '-p', new URL(serverUrl).port || '5432', '-q']);
    } catch {
      throw new Error(`no Citus coordinator at ${serverUrl}: start it with ../shared/citus/cluster.sh start`);
    }
    return;
  }
  const ready = () => {
    try {
      execFileSync('pg_isready', ['-h', '127.0.0.1', '-q']);
      return true;
    } catch {
      return false;
    }
  };
  if (ready()) return;
  const [version] = readdirSync('/etc/postgresql');
  if (!version) throw new Error('Postgres is not running and no cluster is installed');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  if (!ready()) throw new Error('Postgres did not start');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

interface BatchOutcome {
  ms: number;
  status: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  watermark?: number;
  error?: string;
}

/**
 * Request bodies serialised before the clock starts, as the COPY baseline's lines are: a sender's
 * serialisation happens on its own machine, not in the server measured here.
 */
const bodies = new WeakMap<Batch, string>();
const bodyOf = (batch: Batch) => bodies.get(batch) ?? JSON.stringify({ events: batch.events });

async function send(url: string, key: string, batch: Batch): Promise<BatchOutcome> {
  const body = bodyOf(batch);
  const started = performance.now();
  const response = await fetch(`${url}/api/ingest/${batch.department}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  try {
    const result = JSON.parse(text) as { accepted?: number; duplicates?: number; rejected?: unknown[]; error?: string; watermark?: number | null };
    return {
      ms,
      watermark: result.watermark ?? undefined,
      status: response.status,
      accepted: result.accepted ?? 0,
      duplicates: result.duplicates ?? 0,
      rejected: result.rejected?.length ?? 0,
      error: result.error ?? (result.rejected?.length ? JSON.stringify(result.rejected.slice(0, 2)) : undefined),
    };
  } catch {
    return { ms, status: response.status, accepted: 0, duplicates: 0, rejected: 0, error: text.slice(0, 300) };
  }
}

/**
 * Sends the batches with at most `inFlight` requests open at once; with `until` (a time from
 * performance.now()), keeps taking batches from `more` until then.
 */
async function sendAll(
  url: string,
  keys: Record<Department, string>,
  batches: Batch[],
  inFlight: number,
  more?: { until: number; take: () => Batch | undefined },
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (next >= batches.length) {
        const extra = more && performance.now() < more.until ? more.take() : undefined;
        if (!extra) break;
        batches.push(extra);
      }
      const index = next++;
      const batch = batches[index]!;
      try {
        outcomes[index] = await send(url, keys[batch.department], batch);
      } catch (error) {
        outcomes[index] = { ms: 0, status: 0, accepted: 0, duplicates: 0, rejected: 0, error: String(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return outcomes;
}

async function main(): Promise<void> {
  ensurePostgres();
  const stamp = `${Date.now().toString(36)}_${process.pid}`;
  const ingestDb = `bench_ingest_${stamp}`;
  const copyDb = `bench_copy_${stamp}`;
  const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  let server: RunningServer | null = null;
  let memory: ReturnType<typeof sampleMemory> | null = null;

  const cleanup = async () => {
    memory?.stop();
    await server?.stop();
    server = null;
    if (flags.keep) console.log(`kept ${databaseUrl(ingestDb)} (drop it with: dropdb -h 127.0.0.1 -U postgres ${ingestDb})`);
    for (const name of flags.keep ? [copyDb] : [ingestDb, copyDb]) {
      await dropServerDatabase(databaseUrl('postgres'), name).catch((error: unknown) => {
        console.error(`could not drop ${name}:`, error);
      });
    }
    await admin.end({ timeout: 5 });
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the server and dropping the databases`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // 1. Two fresh databases with the schema; API keys for the ingestion one.
    // On a Citus coordinator (BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5441) both are
    // cluster databases, distributed by the map as the app's are (docs/scale.md).
    await createServerDatabase(databaseUrl('postgres'), ingestDb);
    await createServerDatabase(databaseUrl('postgres'), copyDb);
    const keys = {} as Record<Department, string>;
    const keyIds = {} as Record<Department, number>;
    {
      const handle = await openDb({ url: databaseUrl(ingestDb), max: 1 });
      for (const dept of departments) {
        const key = await createApiKey(handle.db, { department: dept, name: `bench ${dept}`, ratePerMinute: 1e6 });
        keys[dept] = key.key;
        keyIds[dept] = key.id;
      }
      await handle.close();
      await (await openDb({ url: databaseUrl(copyDb), max: 1 })).close();
    }
    if (flags.profile || flags.explain) {
      await enableStatementLog(admin, ingestDb, flags.explain === undefined ? undefined : Number(flags.explain));
    }

    // 2. The traffic: warm-up batches, then the measured ones.
    const measuredBatches = Math.max(1, Math.round(eventCount / BATCH_SIZE));
    const stream: Iterator<Batch> =
      flags.source === 'seed'
        ? generateDemo({ leads: Math.max(5000, measuredBatches * 200), seed })
        : traffic({ seed, batchSize: BATCH_SIZE, prefix: `b${seed}` });
    const take = (count: number) => {
      const batches: Batch[] = [];
      while (batches.length < count) {
        const next = stream.next();
        if (next.done) break;
        batches.push(next.value);
      }
      return batches;
    };
    const warmup: Batch[] = [];
    if (flags.source === 'seed') {
      for (let next = stream.next(); !next.done; next = stream.next()) {
        warmup.push(next.value);
        if (next.value.department === 'sales') break;
      }
    }
    warmup.push(...take(warmupBatches));
    // Full batches only, so that every event of the measured load is counted alike.
    const measured = take(measuredBatches + 20).filter((b) => b.events.length === BATCH_SIZE).slice(0, measuredBatches);
    for (const batch of measured) bodies.set(batch, bodyOf(batch));
    const durationSeconds = flags.duration === undefined ? null : Number(flags.duration);
    const takeFull = (): Batch | undefined => {
      for (let i = 0; i < 20; i++) {
        const [batch] = take(1);
        if (!batch) return undefined;
        if (batch.events.length === BATCH_SIZE) return batch;
      }
      return undefined;
    };

    // 3. The production server, built once per source change.
    if (flags.rebuild || (!flags['skip-build'] && !buildIsCurrent(DIST_DIR))) {
      console.log(`building the production app into ${DIST_DIR} ...`);
      await buildApp(DIST_DIR);
    }
    const port = await freePort();
    server = await startServer({ distDir: DIST_DIR, databaseUrl: databaseUrl(ingestDb), port });
    memory = sampleMemory(server.pid, port);
    console.log(`server pid ${server.pid} on ${server.url}; warm-up: ${warmup.length} batches`);

    const warmOutcomes = await sendAll(server.url, keys, warmup, 1);
    const warmFailures = warmOutcomes.filter((o) => o.status !== 200 || o.accepted !== BATCH_SIZE);
    if (warmFailures.length > 0) {
      throw new Error(`warm-up batches failed: ${JSON.stringify(warmFailures.slice(0, 3))}\n${server.output()}`);
    }

    if (flags.analyze) {
      const sql = postgres(databaseUrl(ingestDb), { max: 1, onnotice: () => {} });
      await sql`analyze`.finally(() => sql.end({ timeout: 5 }));
    }

    // 4. The measured load.
    console.log(`sending ${measured.length} batches of ${BATCH_SIZE} events, ${concurrency} in flight ...`);
    const logOffset = logSize();
    const lag = sampleLag(databaseUrl(ingestDb));
    const started = performance.now();
    const outcomes = await sendAll(
      server.url,
      keys,
      durationSeconds === null ? measured : measured.slice(0, concurrency),
      concurrency,
      durationSeconds === null ? undefined : { until: started + durationSeconds * 1000, take: takeFull },
    );
    const httpSeconds = (performance.now() - started) / 1000;
    const measuredEvents = outcomes.length * BATCH_SIZE;
    // Freshness: how far the projector trailed while the senders ran, and how long it needs after.
    const lastWatermark = Math.max(0, ...outcomes.map((o) => o.watermark ?? 0));
    const lagDuringLoad = await lag.stop();
    const drainSeconds = await waitDrained(databaseUrl(ingestDb), lastWatermark, 120);
    const mem: MemoryReport = memory.stop();
    memory = null;
    await server.stop();
    server = null;

    const profile = flags.profile || flags.explain ? statementCosts(ingestDb, logOffset) : null;
    const accepted = outcomes.reduce((sum, o) => sum + o.accepted, 0);
    const failures = outcomes.filter((o) => o.status !== 200 || o.accepted !== BATCH_SIZE);
    const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);

    const readModel = await (async () => {
      const sql = postgres(databaseUrl(ingestDb), { max: 1, onnotice: () => {} });
      try {
        const [counts] = await sql<Record<string, number>[]>`
          select (select count(*) from events)::int as events, (select count(*) from touches)::int as touches,
                 (select count(*) from leads)::int as leads, (select count(*) from identity_links)::int as identity_links,
                 (select count(*) from opportunities)::int as opportunities, (select count(*) from tickets)::int as tickets,
                 (select count(*) from accounts)::int as accounts`;
        return counts ?? {};
      } finally {
        await sql.end({ timeout: 5 });
      }
    })();

    // 5. The baseline: the same rows, one COPY stream, into the other database's log.
    console.log('copying the same rows ...');
    const lines = copyLines(durationSeconds === null ? measured : measured.slice(0, COPY_SAMPLE_EVENTS / BATCH_SIZE), keyIds);
    const copy = await timeCopy(databaseUrl(copyDb), lines);

    const httpRate = accepted / httpSeconds;
    const copyRate = copy.rows / copy.seconds;
    const ratio = copyRate > 0 ? httpRate / copyRate : null;
    const rssMb = Math.max(mem.serverPeakMb, mem.treePeakMb);
    const result = {
      at: new Date().toISOString(),
      events: measuredEvents,
      batchSize: BATCH_SIZE,
      concurrency,
      warmupBatches: warmup.length,
      analyzedAfterWarmup: flags.analyze,
      seed,
      source: flags.source,
      mix: typeMix(measured),
      batchesPerDepartment: Object.fromEntries(departments.map((d) => [d, measured.filter((b) => b.department === d).length])),
      http: {
        accepted,
        seconds: round(httpSeconds, 2),
        eventsPerSecond: Math.round(httpRate),
        latencyMs: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), max: Math.round(latencies.at(-1) ?? 0) },
        failedBatches: failures.length,
        firstFailures: failures.slice(0, 3),
      },
      copy: { rows: copy.rows, seconds: round(copy.seconds, 2), eventsPerSecond: Math.round(copyRate) },
      projector: {
        lagSamples: lagDuringLoad.length,
        lagP50Seconds: round(percentile(lagDuringLoad, 50), 2),
        lagP95Seconds: round(percentile(lagDuringLoad, 95), 2),
        lagMaxSeconds: round(lagDuringLoad.at(-1) ?? 0, 2),
        drainedSecondsAfterSenders: drainSeconds === null ? null : round(drainSeconds, 2),
      },
      ratio: ratio === null ? null : round(ratio, 3),
      memory: {
        serverPid: mem.serverPid,
        serverPeakMb: Math.round(mem.serverPeakMb),
        processTreePeakMb: Math.round(mem.treePeakMb),
        samples: mem.samples,
      },
      readModel,
      postgres: profile && { statementMs: profile.totalMs, top: profile.statements.slice(0, 25) },
      budgets: {
        ratio: { budget: BUDGET_RATIO, within: ratio !== null && ratio >= BUDGET_RATIO },
        rssMb: { budget: BUDGET_RSS_MB, within: rssMb <= BUDGET_RSS_MB },
        lagP95Seconds: { budget: BUDGET_LAG_P95_S, within: percentile(lagDuringLoad, 95) <= BUDGET_LAG_P95_S },
        drainSeconds: { budget: BUDGET_DRAIN_S, within: drainSeconds !== null && drainSeconds <= BUDGET_DRAIN_S },
      },
    };

    printReport(result, rssMb);
    if (profile) printProfile(profile, httpSeconds);
    const out = path.join(process.cwd(), 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, resultsFile), `${JSON.stringify({ ...result, citus: flags.citus }, null, 2)}\n`);
    console.log(`\nwritten to bench/results/${resultsFile}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!interrupted) await cleanup();
  }
}

/** Samples the projector's lag (`freshness().lagSeconds`) every 500 ms; sorted on stop. */
function sampleLag(url: string): { stop(): Promise<number[]> } {
  const opened = openDb({ url, max: 1, migrate: false });
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    const { db } = await opened;
    while (running) {
      samples.push((await freshness(db)).lagSeconds);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await (await opened).close();
      return [...samples].sort((a, b) => a - b);
    },
  };
}

/** Seconds until the projector has applied the batch at `watermark`; null past `limitSeconds`. */
async function waitDrained(url: string, watermark: number, limitSeconds: number): Promise<number | null> {
  const handle = await openDb({ url, max: 1, migrate: false });
  const started = performance.now();
  try {
    while ((performance.now() - started) / 1000 < limitSeconds) {
      if ((await projectorState(handle.db)).appliedBelow > watermark) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  } finally {
    await handle.close();
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function printReport(
  r: {
    events: number;
    concurrency: number;
    http: { accepted: number; seconds: number; eventsPerSecond: number; latencyMs: { p50: number; p95: number; max: number }; failedBatches: number; firstFailures: BatchOutcome[] };
    copy: { rows: number; seconds: number; eventsPerSecond: number };
    ratio: number | null;
    memory: { serverPid: number | null; serverPeakMb: number; processTreePeakMb: number };
    readModel: Record<string, number>;
    projector: { lagSamples: number; lagP50Seconds: number; lagP95Seconds: number; lagMaxSeconds: number; drainedSecondsAfterSenders: number | null };
    budgets: { ratio: { within: boolean }; rssMb: { within: boolean }; lagP95Seconds: { within: boolean }; drainSeconds: { within: boolean } };
  },
  rssMb: number,
): void {
  const verdict = (within: boolean) => (within ? 'within budget' : 'OVER BUDGET');
  const pad = (s: string) => s.padEnd(26);
  console.log('\n== ingestion benchmark ==');
  console.log(`${pad('HTTP ingestion')}${r.http.accepted} events in ${r.http.seconds} s = ${r.http.eventsPerSecond} events/s (${r.concurrency} in flight)`);
  console.log(`${pad('batch latency')}p50 ${r.http.latencyMs.p50} ms, p95 ${r.http.latencyMs.p95} ms, max ${r.http.latencyMs.max} ms`);
  console.log(`${pad('plain COPY')}${r.copy.rows} rows in ${r.copy.seconds} s = ${r.copy.eventsPerSecond} events/s`);
  console.log(`${pad('HTTP / COPY')}${r.ratio ?? 'n/a'} (budget >= ${BUDGET_RATIO}): ${verdict(r.budgets.ratio.within)}`);
  console.log(
    `${pad('server peak RSS')}${Math.round(rssMb)} MB (listening process VmHWM ${r.memory.serverPeakMb} MB, tree ${r.memory.processTreePeakMb} MB; budget <= ${BUDGET_RSS_MB}): ${verdict(r.budgets.rssMb.within)}`,
  );
  console.log(
    `${pad('projector lag under load')}p50 ${r.projector.lagP50Seconds} s, p95 ${r.projector.lagP95Seconds} s, max ${r.projector.lagMaxSeconds} s over ${r.projector.lagSamples} samples (budget p95 <= ${BUDGET_LAG_P95_S} s): ${verdict(r.budgets.lagP95Seconds.within)}`,
  );
  console.log(
    `${pad('drained after senders stop')}${r.projector.drainedSecondsAfterSenders ?? 'not within 120'} s (budget <= ${BUDGET_DRAIN_S} s): ${verdict(r.budgets.drainSeconds.within)}`,
  );
  console.log(`${pad('read model after the run')}${Object.entries(r.readModel).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.http.failedBatches > 0) {
    console.log(`${pad('FAILED batches')}${r.http.failedBatches} of ${r.events / BATCH_SIZE}; first: ${JSON.stringify(r.http.firstFailures)}`);
  }
}

function printProfile(profile: { totalMs: number; statements: StatementCost[] }, httpSeconds: number): void {
  console.log(`\n== where Postgres spent the measured load: ${Math.round(profile.totalMs / 1000)} s of statement time in ${round(httpSeconds, 1)} s ==`);
  for (const s of profile.statements.slice(0, 15)) {
    console.log(
      `${String(Math.round(s.share * 100)).padStart(3)}%  ${String(s.totalMs).padStart(7)} ms  ${String(s.calls).padStart(5)} calls  mean ${String(s.meanMs).padStart(6)} ms  ${s.statement}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
