// Query benchmark: every query procedure of the metric routers, called through the tRPC caller as
// an executive, at 1M journeys / ~10M touches on the real Postgres. Budget (ARCHITECTURE.md): p95
// <= 100 ms per procedure. The funnel and attribution reports are also computed straight from the
// raw `events` log, to show what the read model saves. It reports; it does not fail over budget.
//
//   npm run bench:queries -- [--reuse] [--drop] [--leads 1000000] [--reps 20] [--raw-reps 3]
//                            [--only funnel,attribution.report] [--no-migrate] [--label before]
//                            [--citus] [--compare single] [--explain docs/scale-explain.txt]
//
// --citus: the same on the local Citus cluster (CITUS_URL, default 127.0.0.1:5441, started by
// ../shared/citus/cluster.sh): the database rf_bench_queries_citus is created on the coordinator
// and the workers, distributed by the map (docs/scale.md) and loaded through the same path;
// results go to queries-citus.json, printed beside those of --compare (a label; default the
// single-node queries.json). --explain FILE writes the plan of every statement each procedure
// runs (one call each), with how Citus runs it: router, pushed down to every shard, on the
// coordinator, or with a repartition.
//
// The data lives in its own database (rf_bench_queries, or BENCH_DB, on BENCH_PG_URL, default 127.0.0.1:5432).
// Without --reuse it is dropped, created and loaded through the real path: the demo generator's
// events stored by the door and applied by the projector (seed/seed.ts); --reuse keeps a loaded
// one (pending migrations, e.g. new indexes, are applied unless --no-migrate) to iterate on
// queries; --drop drops it. Results go to bench/results/queries.json, or queries-<label>.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createTestUser, callerAs } from '~/server/api/testing';
import { drizzle } from 'drizzle-orm/postgres-js';
import { one, openDb, type Db } from '~/server/db/client';
import * as schema from '~/server/db/schema';
import { createServerDatabase, dropServerDatabase } from '~/server/db/serverDb';
import { sql } from 'drizzle-orm';
import { seedKpiTargets } from '../seed/kpiTargets';
import { progressWriter } from '~/lib/progress';
import { seedDemo } from '../seed/seed';

/** The instant the data ends (the demo's anchor): nothing happens after it. */
const DATA_END = '2026-11-22T00:00:00Z';

interface LoadFigures {
  seconds: number;
  events: number;
}
import { rawAttributionLinearByChannel, rawFunnelCounts } from './rawQueries';
import { attributionReference } from '~/server/metrics/reference/attribution';
import { cohortTrendReference, funnelReference } from '~/server/metrics/reference/funnel';
import { leadQualityReference } from '~/server/metrics/reference/leadQuality';
import { sourcesReference } from '~/server/metrics/reference/sources';
import { customerReportReference, customerValuesReference, netRevenueRetentionReference } from '~/server/metrics/reference/customers';
import { kpiTargetStatusesReference } from '~/server/metrics/reference/kpis';
import { measureProjector, type ProjectorFigures } from './projectorThroughput';
import { cpuMsSoFar } from './cpu';

const BUDGET_P95_MS = 100;
const RESULTS = path.join('bench', 'results');

const { values: flags } = parseArgs({
  options: {
    reuse: { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
    leads: { type: 'string', default: '1000000' },
    reps: { type: 'string', default: '20' },
    'raw-reps': { type: 'string', default: '3' },
    only: { type: 'string' },
    'no-migrate': { type: 'boolean', default: false },
    /** events applied live with and without the rollups kept (0: skip) */
    'projector-events': { type: 'string', default: '20000' },
    /** also rebuild the read model and time the rollup fill apart */
    rebuild: { type: 'boolean', default: false },
    /** calls of each per-journey reference query (two-year inputs) */
    'old-reps': { type: 'string', default: '5' },
    label: { type: 'string' },
    citus: { type: 'boolean', default: false },
    compare: { type: 'string' },
    explain: { type: 'string' },
  },
});

const DB_NAME = flags.citus ? 'rf_bench_queries_citus' : (process.env.BENCH_DB ?? 'rf_bench_queries');
const LOAD_FILE = path.join(RESULTS, flags.citus ? 'queries-citus-load.json' : 'queries-load.json');
const label = flags.label ?? (flags.citus ? 'citus' : undefined);
const serverUrl = (
  flags.citus
    ? (process.env.CITUS_URL ?? 'postgres://postgres@127.0.0.1:5441/postgres')
    : (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
).replace(/\/[^/]*$/, '');
const url = `${serverUrl}/${DB_NAME}`;
const leads = Number(flags.leads);
const reps = Number(flags.reps);

async function databaseIsLoaded(): Promise<boolean> {
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 from pg_database where datname = ${DB_NAME}`;
    if (!found) return false;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const db = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await db`select to_regclass('public.leads') is not null as has`;
    if (!row?.has) return false;
    const [count] = await db`select exists (select 1 from leads) as loaded`;
    return Boolean(count?.loaded);
  } finally {
    await db.end({ timeout: 5 });
  }
}

async function recreateDatabase(): Promise<void> {
  await dropServerDatabase(`${serverUrl}/postgres`, DB_NAME);
  if (!flags.drop) await createServerDatabase(`${serverUrl}/postgres`, DB_NAME);
}

// ---------------------------------------------------------------- inputs

const end = new Date(DATA_END);
const daysBefore = (days: number) => new Date(end.getTime() - days * 86_400_000).toISOString();
/** Last month, last quarter, last year, the whole two years. */
const ranges = [
  { from: daysBefore(30), to: DATA_END },
  { from: daysBefore(91), to: DATA_END },
  { from: daysBefore(365), to: DATA_END },
  { from: daysBefore(730), to: DATA_END },
];
const filterSets: Record<string, string>[] = [
  {},
  { source: 'paid_search' },
  { campaign: 'email-2' },
  { segment: 'new_business' },
  { dealType: 'partner' },
];
/** Rep k: range k mod 4, filters k mod 5: every pair once in 20 reps. */
const metricInputAt = (k: number) => ({ range: ranges[k % ranges.length]!, filters: filterSets[k % filterSets.length]! });

interface Samples {
  accountIds: string[];
  wonOpportunityIds: string[];
}

type Caller = ReturnType<typeof callerAs>;

interface Procedure {
  name: string;
  call: (caller: Caller, k: number, samples: Samples) => Promise<unknown>;
}

const pick = <T>(list: T[], k: number): T => list[(k * 7919) % list.length]!;

const procedures: Procedure[] = [
  { name: 'funnel.report', call: (c, k) => c.funnel.report({ ...metricInputAt(k), cohortBy: k % 3 === 2 ? 'awareness' : 'inquiry' }) },
  { name: 'funnel.trend', call: (c, k) => c.funnel.trend({ ...metricInputAt(k), cohortBy: 'inquiry' }) },
  {
    name: 'funnel.journeys',
    call: (c, k) =>
      c.funnel.journeys({
        ...metricInputAt(k),
        stage: (['inquiry', 'qualification', 'conversion', 'retention'] as const)[k % 4]!,
        list: k % 2 === 0 ? 'reached' : 'dropped',
        direction: k % 3 === 2 ? 'desc' : 'asc',
        pageSize: 50,
      }),
  },
  {
    name: 'handoffs.blackHole',
    call: (c, k) =>
      c.handoffs.blackHole({ ...metricInputAt(k), handoff: (['leadFollowUp', 'onboardingStart', 'ticketResolution'] as const)[k % 3]!, asOf: DATA_END, pageSize: 50 }),
  },
  { name: 'attribution.wonDeals', call: (c, k) => c.attribution.wonDeals({ ...metricInputAt(k), pageSize: 50 }) },
  { name: 'sources.report', call: (c, k) => c.sources.report(metricInputAt(k)) },
  { name: 'leadQuality.report', call: (c, k) => c.leadQuality.report(metricInputAt(k)) },
  { name: 'handoffs.report', call: (c, k) => c.handoffs.report({ ...metricInputAt(k), asOf: DATA_END, blackHoleLimit: 200 }) },
  { name: 'handoffs.slas', call: (c) => c.handoffs.slas() },
  { name: 'attribution.report', call: (c, k) => c.attribution.report(metricInputAt(k)) },
  { name: 'attribution.deal', call: (c, k, s) => c.attribution.deal({ opportunityId: pick(s.wonOpportunityIds, k) }) },
  {
    name: 'forecast.onboarding',
    call: (c, k) => c.forecast.onboarding({ asOf: new Date(end.getTime() - (k % 4) * 7 * 86_400_000).toISOString() }),
  },
  {
    // A typed-in quarterly number with each filter set, made on the last four days of the data.
    name: 'plan.get',
    call: (c, k) =>
      c.plan.get({
        targetCents: 50_000_000,
        periodKind: 'quarter',
        filters: filterSets[k % filterSets.length]!,
        asOf: new Date(end.getTime() - 1 - (k % 4) * 86_400_000).toISOString(),
      }),
  },
  {
    name: 'customers.values',
    call: (c, k) => c.customers.values({ filters: filterSets[k % filterSets.length]!, page: 1 + (k % 3), pageSize: 50 }),
  },
  { name: 'customers.retention', call: (c, k) => c.customers.retention(metricInputAt(k)) },
  { name: 'customers.report', call: (c, k) => c.customers.report(metricInputAt(k)) },
  {
    name: 'accounts.list',
    call: (c, k) =>
      c.accounts.list({
        search: k % 4 === 1 ? `${10 + (k % 90)}` : k % 4 === 3 ? 'company 12' : undefined,
        openTicketWithOpenDeal: k % 4 === 2,
        sort: k % 3 === 2 ? 'firstSeen' : 'name',
        direction: k % 2 === 0 ? 'asc' : 'desc',
        pageSize: 50,
      }),
  },
  { name: 'accounts.get', call: (c, k, s) => c.accounts.get({ accountId: pick(s.accountIds, k) }) },
  { name: 'accounts.timeline', call: (c, k, s) => c.accounts.timeline({ accountId: pick(s.accountIds, k), limit: 500 }) },
  { name: 'kpis.metrics', call: (c) => c.kpis.metrics() },
  { name: 'kpis.list', call: (c, k) => c.kpis.list({ asOf: new Date(end.getTime() - (k % 3) * 86_400_000).toISOString() }) },
];

/**
 * The per-journey queries the rollups replaced (src/server/metrics/reference), same inputs: the
 * "old" column. Compared on the two-year calls, where the gap is widest.
 */
const references: Record<string, (db: Db, k: number) => Promise<unknown>> = {
  'funnel.report': (db, k) => funnelReference(db, { ...metricInputAt(k), cohortBy: k % 3 === 2 ? 'awareness' : 'inquiry' }),
  'funnel.trend': (db, k) => cohortTrendReference(db, { ...metricInputAt(k), cohortBy: 'inquiry' }),
  'sources.report': (db, k) => sourcesReference(db, metricInputAt(k)),
  'leadQuality.report': (db, k) => leadQualityReference(db, metricInputAt(k)),
  'attribution.report': (db, k) => attributionReference(db, metricInputAt(k)),
  'customers.values': (db, k) => customerValuesReference(db, { filters: filterSets[k % filterSets.length]!, limit: 50, offset: 50 * (k % 3) }),
  'customers.retention': (db, k) => netRevenueRetentionReference(db, metricInputAt(k)),
  'customers.report': (db, k) => customerReportReference(db, { ...metricInputAt(k), now: new Date() }),
  'kpis.list': (db, k) => kpiTargetStatusesReference(db, { asOf: new Date(end.getTime() - (k % 3) * 86_400_000) }),
};
/** Reps whose range is the whole two years (k mod 4 = 3), one per filter set. */
const twoYearReps = [3, 7, 11, 15, 19];

// ---------------------------------------------------------------- measuring

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

interface ProcedureResult {
  procedure: string;
  calls: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  withinBudget: boolean;
  /** CPU per call, this process and the database's backends together (null: Postgres not local) */
  cpuMsPerCall: number | null;
  /** two-year calls: the rollup's p50 and the per-journey reference's, and old / new (wall and CPU) */
  twoYear?: { rollupP50Ms: number; oldP50Ms: number; speedup: number; rollupCpuMs: number | null; oldCpuMs: number | null };
}

interface RawComparison {
  report: string;
  /** what the raw query computes */
  computes: string;
  readModelP50Ms: number;
  rawEventsMedianMs: number;
  /** raw / read model: how many times faster the read model answers */
  speedup: number;
}

async function samples(db: Db): Promise<Samples> {
  const accounts = await db.execute(sql`select account_id from opportunities where status = 'won' order by opportunity_id limit 200`);
  const won = await db.execute(sql`select opportunity_id from opportunities where status = 'won' order by opportunity_id limit 200`);
  const list = (result: unknown, key: string) =>
    (Array.isArray(result) ? result : (result as { rows: Record<string, string>[] }).rows).map((r: Record<string, string>) => String(r[key]));
  return { accountIds: list(accounts, 'account_id'), wonOpportunityIds: list(won, 'opportunity_id') };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  if (flags.drop) {
    await recreateDatabase();
    console.log(`dropped ${DB_NAME}`);
    return;
  }
  mkdirSync(RESULTS, { recursive: true });
  let load: (LoadFigures & { leads: number; at: string }) | null = null;
  if (flags.reuse && (await databaseIsLoaded())) {
    console.log(`reusing ${DB_NAME}`);
    if (existsSync(LOAD_FILE)) load = JSON.parse(readFileSync(LOAD_FILE, 'utf8')) as LoadFigures & { leads: number; at: string };
  } else {
    await recreateDatabase();
    const seeding = await openDb({ url });
    console.log(`loading ${leads.toLocaleString('en')} demo leads into ${DB_NAME} through the door and the projector`);
    const progress = progressWriter(process.stderr, 15_000);
    const summary = await seedDemo(seeding.db, { leads, anchor: new Date(DATA_END) }, (figures) =>
      progress.update({ done: figures.events, total: null, unit: `events stored (${figures.applied.toLocaleString('en-US')} applied)` }),
    );
    await seeding.close();
    const figures: LoadFigures = { seconds: summary.elapsedMs / 1000, events: summary.events };
    load = { ...figures, leads, at: new Date().toISOString() };
    writeFileSync(LOAD_FILE, `${JSON.stringify(load, null, 2)}\n`);
    progress.done(`loaded ${summary.events.toLocaleString('en-US')} events in ${figures.seconds.toFixed(1)} s`);
  }

  // Pending migrations (new indexes) apply here; the pool is the app's size.
  const handle = await openDb({ url, max: 10, migrate: !flags['no-migrate'] });
  const db = handle.db;
  try {
    await db.execute(sql`delete from users where email like 'bench-%@bench.local'`);
    const user = await createTestUser(db, { role: 'executive', email: `bench-${Date.now()}@bench.local` });
    await seedKpiTargets(db, new Date(end.getTime() - 7 * 86_400_000));
    const caller = callerAs(db, user);
    const sample = await samples(db);
    const only = flags.only?.split(',').map((s) => s.trim());
    const selected = procedures.filter((p) => !only || only.some((o) => p.name === o || p.name.startsWith(`${o}.`)));

    const results: ProcedureResult[] = [];
    console.log(
      `\n${'procedure'.padEnd(22)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}  budget  ${'cpu/call'.padStart(9)}  ` +
        `${'2y p50'.padStart(10)} ${'2y old p50'.padStart(11)} ${'old/new'.padStart(8)} ${'2y cpu'.padStart(9)} ${'2y old cpu'.padStart(11)}`,
    );
    const oldReps = Number(flags['old-reps']);
    for (const procedure of selected) {
      await procedure.call(caller, reps, sample); // warm-up, not counted
      const times: number[] = [];
      const cpuBefore = await cpuMsSoFar(db);
      for (let k = 0; k < reps; k++) times.push(await timed(() => procedure.call(caller, k, sample)));
      const cpuAfter = await cpuMsSoFar(db);
      const sorted = [...times].sort((a, b) => a - b);
      const result: ProcedureResult = {
        procedure: procedure.name,
        calls: reps,
        p50Ms: quantile(sorted, 0.5),
        p95Ms: quantile(sorted, 0.95),
        maxMs: sorted[sorted.length - 1]!,
        withinBudget: quantile(sorted, 0.95) <= BUDGET_P95_MS,
        cpuMsPerCall: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / reps,
      };
      const reference = references[procedure.name];
      if (reference && oldReps > 0) {
        const twoYear = twoYearReps.filter((k) => k < reps);
        const rollupTimes: number[] = [];
        const rollupCpu0 = await cpuMsSoFar(db);
        for (const k of twoYear) rollupTimes.push(await timed(() => procedure.call(caller, k, sample)));
        const rollupCpu1 = await cpuMsSoFar(db);
        const oldTimes: number[] = [];
        const oldInputs = twoYear.slice(0, oldReps);
        for (const k of oldInputs) oldTimes.push(await timed(() => reference(db, k)));
        const oldCpu1 = await cpuMsSoFar(db);
        const perCall = (a: number | null, b: number | null, n: number) => (a === null || b === null || n === 0 ? null : (b - a) / n);
        rollupTimes.sort((a, b) => a - b);
        oldTimes.sort((a, b) => a - b);
        const rollupP50Ms = quantile(rollupTimes, 0.5);
        const oldP50Ms = quantile(oldTimes, 0.5);
        result.twoYear = {
          rollupP50Ms,
          oldP50Ms,
          speedup: oldP50Ms / rollupP50Ms,
          rollupCpuMs: perCall(rollupCpu0, rollupCpu1, twoYear.length),
          oldCpuMs: perCall(rollupCpu1, oldCpu1, oldInputs.length),
        };
      }
      results.push(result);
      const two = result.twoYear;
      const cpu = (ms: number | null) => (ms === null ? '-' : fmt(ms));
      console.log(
        `${procedure.name.padEnd(22)} ${fmt(result.p50Ms).padStart(10)} ${fmt(result.p95Ms).padStart(10)} ${fmt(result.maxMs).padStart(10)}  ${(result.withinBudget ? 'ok' : 'OVER').padEnd(6)}  ${cpu(result.cpuMsPerCall).padStart(9)}  ` +
          (two
            ? `${fmt(two.rollupP50Ms).padStart(10)} ${fmt(two.oldP50Ms).padStart(11)} ${`${two.speedup.toFixed(0)}x`.padStart(8)} ${cpu(two.rollupCpuMs).padStart(9)} ${cpu(two.oldCpuMs).padStart(11)}`
            : ''),
      );
    }

    const raw: RawComparison[] = [];
    const rawReps = Number(flags['raw-reps']);
    if (rawReps > 0) {
      const input = { range: ranges[2]!, filters: {} };
      const comparisons = [
        {
          report: 'funnel.report',
          computes: 'stage counts of the last year\'s inquiry cohort, reach times from the raw events',
          readModel: () => caller.funnel.report({ ...input, cohortBy: 'inquiry' }),
          fromRaw: () => rawFunnelCounts(db, input.range),
        },
        {
          report: 'attribution.report',
          computes: 'linear revenue credit by channel of the last year\'s won deals, from the raw events',
          readModel: () => caller.attribution.report(input),
          fromRaw: () => rawAttributionLinearByChannel(db, input.range),
        },
      ].filter((c) => selected.some((p) => p.name === c.report));
      for (const comparison of comparisons) {
        await comparison.readModel();
        const modelTimes: number[] = [];
        for (let k = 0; k < Math.max(5, rawReps); k++) modelTimes.push(await timed(comparison.readModel));
        const rawTimes: number[] = [];
        for (let k = 0; k < rawReps; k++) rawTimes.push(await timed(comparison.fromRaw));
        modelTimes.sort((a, b) => a - b);
        rawTimes.sort((a, b) => a - b);
        const entry: RawComparison = {
          report: comparison.report,
          computes: comparison.computes,
          readModelP50Ms: quantile(modelTimes, 0.5),
          rawEventsMedianMs: quantile(rawTimes, 0.5),
          speedup: quantile(rawTimes, 0.5) / quantile(modelTimes, 0.5),
        };
        raw.push(entry);
        console.log(
          `raw events vs read model, ${entry.report}: ${fmt(entry.rawEventsMedianMs)} vs ${fmt(entry.readModelP50Ms)} (${entry.speedup.toFixed(0)}x)`,
        );
      }
    }

    let projector: ProjectorFigures | null = null;
    if (Number(flags['projector-events']) > 0 || flags.rebuild) {
      projector = await measureProjector(db, { events: Number(flags['projector-events']), rebuild: flags.rebuild, anchor: end });
    }

    const counts = await one<Record<string, number>>(
      db,
      sql`select (select count(*) from leads)::float8 as leads, (select count(*) from touches)::float8 as touches,
        (select count(*) from events)::float8 as events, (select count(*) from opportunities)::float8 as opportunities,
        (select count(*) from attribution_credits)::float8 as attribution_credits,
        (select count(*) from journey_cohort_rollup)::float8 as journey_cohort_rollup,
        (select count(*) from journey_duration_rollup)::float8 as journey_duration_rollup,
        (select count(*) from journey_duration_slot_rollup)::float8 as journey_duration_slot_rollup,
        (select count(*) from attribution_rollup)::float8 as attribution_rollup,
        (select count(*) from attribution_contributions)::float8 as attribution_contributions,
        (select count(*) from spend_rollup)::float8 as spend_rollup,
        (select count(*) from journey_cohort_rollup where grain = 'month')::float8 as journey_cohort_rollup_months`,
    );
    const over = results.filter((r) => !r.withinBudget).map((r) => r.procedure);
    console.log(over.length === 0 ? '\nevery procedure within budget' : `\nover budget: ${over.join(', ')}`);
    const output = {
      at: new Date().toISOString(),
      database: DB_NAME,
      budgetP95Ms: BUDGET_P95_MS,
      reps,
      rows: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
      load: load && { seconds: load.seconds, leads: load.leads, events: load.events, at: load.at },
      procedures: results,
      overBudget: over,
      rawEvents: raw,
      projector,
      loadAverage: loadavg(),
    };
    console.log(`rows: ${Object.entries(counts).map(([k, v]) => `${k} ${Number(v).toLocaleString('en-US')}`).join(', ')}`);
    console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
    const file = path.join(RESULTS, label ? `queries-${label}.json` : 'queries.json');
    writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
    console.log(`wrote ${file}`);
    if (flags.citus || flags.compare) printBeside(results, output.rows);
    if (flags.explain) await explainAll(user, sample, selected, flags.explain);
  } finally {
    await handle.close();
  }
}

/** This run's p50/p95 beside another run's (--compare label; with --citus, the single-node run). */
function printBeside(results: ProcedureResult[], rows: Record<string, number>): void {
  const otherFile = path.join(RESULTS, flags.compare ? `queries-${flags.compare}.json` : 'queries.json');
  if (!existsSync(otherFile)) {
    console.log(`(no ${otherFile} to compare with)`);
    return;
  }
  const other = JSON.parse(readFileSync(otherFile, 'utf8')) as { procedures: ProcedureResult[]; rows: Record<string, number> };
  const byName = new Map(other.procedures.map((p) => [p.procedure, p]));
  console.log(`\nbeside ${otherFile} (${Number(other.rows.leads).toLocaleString('en-US')} leads there, ${Number(rows.leads).toLocaleString('en-US')} here)`);
  console.log(`${'procedure'.padEnd(22)} ${'p50 here'.padStart(10)} ${'p50 there'.padStart(10)} ${'p95 here'.padStart(10)} ${'p95 there'.padStart(10)}`);
  for (const r of results) {
    const o = byName.get(r.procedure);
    console.log(
      `${r.procedure.padEnd(22)} ${fmt(r.p50Ms).padStart(10)} ${(o ? fmt(o.p50Ms) : '-').padStart(10)} ${fmt(r.p95Ms).padStart(10)} ${(o ? fmt(o.p95Ms) : '-').padStart(10)}`,
    );
  }
}

/** How a plan runs on a Citus cluster, from its EXPLAIN text. */
function planKind(plan: string): string {
  if (/MapMergeJob|repartition/i.test(plan)) return 'REPARTITION';
  const tasks = [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => Number(m[1]));
  const subplans = (plan.match(/->\s+Distributed Subplan/g) ?? []).length;
  const parts: string[] = [];
  if (tasks.length === 0) parts.push('coordinator only (local and reference tables)');
  else if (tasks.every((t) => t === 1)) parts.push('router (one task)');
  else parts.push(`pushed down (${Math.max(...tasks)} tasks, one per shard)`);
  if (subplans > 0) parts.push(`${subplans} subplan(s) computed first`);
  return parts.join(', ');
}

/** Runs each procedure once with its statements captured, then writes EXPLAIN of each to `file`. */
async function explainAll(user: Parameters<typeof callerAs>[1], sample: Samples, selected: Procedure[], file: string): Promise<void> {
  const captured: { query: string; params: unknown[] }[] = [];
  const spy = postgres(url, {
    max: 4,
    onnotice: () => {},
    debug: (_connection, query, params) => captured.push({ query, params: params as unknown[] }),
  });
  const explainer = postgres(url, { max: 1, onnotice: () => {} });
  const caller = callerAs(drizzle(spy, { schema }) as unknown as Db, user);
  const lines: string[] = [
    `EXPLAIN of every statement of every procedure, ${new Date().toISOString()}, database ${DB_NAME}`,
    '(npm run bench:queries -- --explain FILE: one call of each procedure, inputs as in its first measured call;',
    ' statements that only read users, sessions and settings for the role check are left out)',
    '',
  ];
  const summary: string[] = [];
  for (const procedure of selected) {
    captured.length = 0;
    await procedure.call(caller, 0, sample);
    const statements = captured.filter(
      (c) => /^\s*(select|with)\b/i.test(c.query) && !/^\s*select .* from "?(users|auth_sessions|settings)"?\b/is.test(c.query),
    );
    lines.push(`==== ${procedure.name}: ${statements.length} statement(s)`);
    const kinds: string[] = [];
    for (const [i, statement] of statements.entries()) {
      const planRows = await explainer.unsafe(`explain (costs off) ${statement.query}`, statement.params as never[]);
      const plan = planRows.map((r) => String((r as Record<string, unknown>)['QUERY PLAN'])).join('\n');
      const kind = planKind(plan);
      kinds.push(kind);
      lines.push(`-- statement ${i + 1}: ${kind}`, statement.query.trim().replace(/\s+/g, ' ').slice(0, 600), plan, '');
    }
    summary.push(`${procedure.name.padEnd(22)} ${kinds.join(' | ') || 'no statement'}`);
  }
  lines.splice(4, 0, 'Summary (one entry per statement):', ...summary, '');
  writeFileSync(file, `${lines.join('\n')}\n`);
  console.log(`\nplans:\n${summary.join('\n')}\nwrote ${file}`);
  await spy.end({ timeout: 5 });
  await explainer.end({ timeout: 5 });
}

await main();
