// The bulk projection: the whole log below a horizon applied to an empty read model in one pass,
// one set-wise statement per table (every link, every touch, every journey ...), instead of
// recomputing the entities of chunk after chunk. A seed and a rebuild use it; it gives the read
// model the live chunks give (the order property test compares them).
import { sql } from 'drizzle-orm';
import { one, rows, type Db } from '~/server/db/client';
import { recomputeAttributionCredits } from '~/server/metrics/attribution';
import {
  insertAccountFacts,
  insertSpend,
  insertTouches,
  recomputeAccounts,
  recomputeCampaigns,
  recomputeCapacity,
  recomputeIdentityLinks,
  recomputeJourneys,
  recomputeOnboardings,
  recomputeOpportunities,
  recomputeTickets,
} from './projection';
import { refillRollups } from './rollups';

/** Won deals whose credits are computed per round trip (their touches pass through Node). */
const ATTRIBUTION_BATCH = 5000;

export interface BulkProgress {
  /** events of the log the steps done so far stand for */
  done: number;
  total: number;
  step: string;
}

export interface BulkResult {
  events: number;
  /** time spent filling the rollups at the end */
  refillMs: number;
}

/**
 * Each step and the share of the work it stands for (CPU measured on the 20,000-lead demo), so
 * that a progress bar moves with the time spent rather than with the number of statements.
 */
const steps = [
  ['identity links', 0.01],
  ['touches', 0.05],
  ['spend and account facts', 0.01],
  ['campaigns, capacity, opportunities, onboardings, tickets', 0.02],
  ['accounts', 0.02],
  ['journeys', 0.07],
  ['attribution credits', 0.07],
  ['rollups', 0.75],
] as const;

/**
 * Applies every event below `horizon` to an empty read model and moves the projector's position
 * past them. The caller holds the projector lock and has emptied the read model and the position.
 */
export async function projectLogInBulk(tx: Db, horizon: number, onProgress?: (progress: BulkProgress) => void): Promise<BulkResult> {
  const bounds = await one<{ events: string | number; newest: Date | string | null }>(
    tx,
    sql`select count(*) as events, max(received_at) as newest from events where tx < ${horizon}::bigint`,
  );
  const events = Number(bounds.events);
  const [last] = await rows<{ tx: string | number; id: string | number }>(
    tx,
    sql`select tx, id from events where tx < ${horizon}::bigint order by tx desc, id desc limit 1`,
  );
  let share = 0;
  const stepDone = (index: number) => {
    share += steps[index]![1];
    onProgress?.({ done: Math.round(events * Math.min(share, 1)), total: events, step: steps[index]![0] });
  };
  // One statement per table over the whole log: compiling them (JIT) costs more than it saves,
  // and their sorts and hashes fit in memory rather than on disk.
  await tx.execute(sql`set local jit = off`);
  await tx.execute(sql`set local work_mem = '64MB'`);
  const inLog = sql`e.tx < ${horizon}::bigint`;
  let refillMs = 0;
  if (events > 0) {
    // Links first: the touches resolve through them as they are inserted.
    await recomputeIdentityLinks(tx, 'all');
    stepDone(0);
    await insertTouches(tx, inLog, false);
    stepDone(1);
    await insertSpend(tx, inLog, false);
    await insertAccountFacts(tx, inLog);
    stepDone(2);
    await recomputeCampaigns(tx, 'all');
    const weeks = await rows<{ week: string }>(tx, sql`select distinct entity_key as week from events where type = 'capacity.set'`);
    if (weeks.length > 0) await recomputeCapacity(tx, new Set(weeks.map((w) => w.week)), true);
    await recomputeOpportunities(tx, 'all');
    await recomputeOnboardings(tx, 'all');
    await recomputeTickets(tx, 'all');
    stepDone(3);
    await recomputeAccounts(tx, 'all');
    stepDone(4);
    await recomputeJourneys(tx, 'all');
    stepDone(5);
    const won = await rows<{ opportunity_id: string }>(tx, sql`select opportunity_id from opportunities where status = 'won' order by opportunity_id`);
    for (let i = 0; i < won.length; i += ATTRIBUTION_BATCH) {
      await recomputeAttributionCredits(tx, won.slice(i, i + ATTRIBUTION_BATCH).map((r) => r.opportunity_id));
    }
    stepDone(6);
  }
  const refillStarted = performance.now();
  await refillRollups(tx);
  refillMs = performance.now() - refillStarted;
  stepDone(7);
  const newest = bounds.newest === null ? null : new Date(bounds.newest).toISOString();
  await tx.execute(sql`
    update projector_state set
      cursor_tx = ${last ? Number(last.tx) : 0}, cursor_id = ${last ? Number(last.id) : 0},
      applied_below = greatest(applied_below, ${horizon}), applied_events = ${events},
      newest_received_at = ${newest}::timestamptz, updated_at = now()
    where name = 'main'`);
  return { events, refillMs };
}
