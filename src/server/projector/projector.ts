// The projector: the one writer of the read model. It reads the raw log in (tx, id) order below
// the oldest transaction still writing the log, so a batch whose transaction commits after later
// ones is never skipped, and applies it in chunks, each in one transaction with its position. One projector applies at a time (advisory lock); the others find the lock taken.
import { sql } from 'drizzle-orm';
import { isUnreachable, one, type Db } from '~/server/db/client';
import { oneConnectionPerWorker } from '~/server/db/distribution';
import { project } from './projection';
import { refillRollups, rollupMode } from './rollups';
import { announceApplied, onApplied, onWake } from './signal';
import { errorFields, logger } from '~/server/log';

export const PROJECTOR_LOCK = 7262003;

/**
 * The log position below which every transaction that writes the log has ended: the oldest
 * transaction still running that holds a lock on `events` (the door writes the log first in its
 * transaction, so it holds that lock from the moment it has an id), else the next id to be
 * assigned. Transactions that never touch the log, in this database or others of the server,
 * do not hold the projector back.
 */
const horizonQuery = sql`
  with snap as (select pg_current_snapshot() as s),
  writers as (
    select own.transactionid as xid
    from pg_locks rel
    join pg_locks own on own.virtualtransaction = rel.virtualtransaction and own.locktype = 'transactionid'
    where rel.locktype = 'relation' and rel.relation = 'events'::regclass
      and rel.database = (select oid from pg_database where datname = current_database())
  )
  select (coalesce(
    (select min(x) from snap, pg_snapshot_xip(snap.s) as x where xid(x) in (select xid from writers)),
    (select pg_snapshot_xmax(s) from snap)
  )::text)::bigint as horizon`;

export async function logHorizon(tx: Db): Promise<number> {
  return Number((await one<{ horizon: string | number }>(tx, horizonQuery)).horizon);
}
export const DEFAULT_CHUNK_SIZE = 5000;
const STATE = 'main';

export interface ChunkResult {
  events: number;
  /** nothing committed is left behind the applied position */
  drained: boolean;
  appliedBelow: number;
}

/**
 * Applies the next chunk of the log, if this process gets the projector lock; null when another
 * projector holds it. `beforeCommit` runs inside the chunk's transaction (fault tests use it).
 */
export async function applyChunk(
  db: Db,
  options: { chunkSize?: number; beforeCommit?: (events: number) => Promise<void> } = {},
): Promise<ChunkResult | null> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const result = await db.transaction(async (tx) => {
    await oneConnectionPerWorker(tx);
    const gate = await one<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${PROJECTOR_LOCK}) as locked`);
    if (!gate.locked) return null;
    const applied = await applyNextChunk(tx, await logHorizon(tx), chunkSize);
    await options.beforeCommit?.(applied.events);
    return applied;
  });
  if (result && result.events > 0) announceApplied({ appliedBelow: result.appliedBelow, events: result.events });
  return result;
}

/**
 * Applies the next chunk of rows below `horizon` (every transaction below it has ended) inside
 * the caller's transaction, which holds the projector lock, and moves the position past it. Only
 * the chunk's bounds reach Node: the projection reads its events in SQL, over the range.
 */
export async function applyNextChunk(tx: Db, horizon: number, chunkSize: number): Promise<ChunkResult> {
  const state = await one<{ cursor_tx: string | number; cursor_id: string | number; applied_below: string | number }>(
    tx,
    sql`select cursor_tx, cursor_id, applied_below from projector_state where name = ${STATE} for update`,
  );
  const after = { tx: Number(state.cursor_tx), id: Number(state.cursor_id) };
  const bounds = await one<{ events: string | number; last_tx: string | number | null; last_id: string | number | null; newest: Date | string | null }>(
    tx,
    sql`with chunk as materialized (
          select tx, id, received_at from events
          where (tx, id) > (${after.tx}::bigint, ${after.id}::bigint) and tx < ${horizon}::bigint
          order by tx, id
          limit ${chunkSize}
        ),
        last as (select tx, id from chunk order by tx desc, id desc limit 1)
        select (select count(*) from chunk) as events, (select max(received_at) from chunk) as newest,
          (select tx from last) as last_tx, (select id from last) as last_id`,
  );
  const events = Number(bounds.events);
  const drained = events < chunkSize;
  const through = bounds.last_tx === null ? after : { tx: Number(bounds.last_tx), id: Number(bounds.last_id) };
  // Drained: every transaction below the horizon is applied. Otherwise those below the last
  // row's transaction are (the last one may go on in the next chunk).
  const appliedBelow = Math.max(Number(state.applied_below), drained ? horizon : through.tx);
  const newestReceived = bounds.newest === null ? null : new Date(bounds.newest);
  const refill = (await rollupMode(tx)) === 'refill';
  if (events === 0 && appliedBelow === Number(state.applied_below)) {
    if (refill) await refillRollups(tx);
    return { events: 0, drained: true, appliedBelow };
  }
  if (events > 0) await project(tx, { after, through });
  // After a bulk load or a migration: the rollups are filled whole with the last chunk.
  if (refill) await refillRollups(tx);
  await tx.execute(sql`
    update projector_state set
      cursor_tx = ${through.tx}, cursor_id = ${through.id}, applied_below = ${appliedBelow},
      applied_events = applied_events + ${events},
      newest_received_at = greatest(newest_received_at, ${newestReceived?.toISOString() ?? null}::timestamptz),
      updated_at = now()
    where name = ${STATE}`);
  return { events, drained, appliedBelow };
}

/**
 * Applies chunks until nothing committed is left. Returns the number of events applied, or null
 * when another projector holds the lock (it will apply them).
 */
export async function applyPending(db: Db, options: { chunkSize?: number; onChunk?: (chunk: ChunkResult) => void } = {}): Promise<number | null> {
  let total = 0;
  for (;;) {
    const chunk = await applyChunk(db, options);
    if (!chunk) return total > 0 ? total : null;
    total += chunk.events;
    if (chunk.events > 0) options.onChunk?.(chunk);
    if (chunk.drained) return total;
  }
}

export interface ProjectorState {
  appliedBelow: number;
  appliedEvents: number;
  newestReceivedAt: Date | null;
}

export async function projectorState(db: Db): Promise<ProjectorState> {
  const row = await one<{ applied_below: string | number; applied_events: string | number; newest_received_at: Date | string | null }>(
    db,
    sql`select applied_below, applied_events, newest_received_at from projector_state where name = ${STATE}`,
  );
  return {
    appliedBelow: Number(row.applied_below),
    appliedEvents: Number(row.applied_events),
    newestReceivedAt: row.newest_received_at === null ? null : new Date(row.newest_received_at),
  };
}

/**
 * Waits until the batch at `watermark` is applied, at most `timeoutMs`. The waiter applies what
 * is pending itself when no projector holds the lock; otherwise it awaits the projector's
 * announcements (this process) or reads the position again (another process's projector).
 */
export async function waitApplied(db: Db, watermark: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await applyPending(db);
    if ((await projectorState(db)).appliedBelow > watermark) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(left, 100));
      const off = onApplied((chunk) => {
        if (chunk.appliedBelow > watermark) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}

export interface Freshness {
  /** received time of the newest applied event: the answer includes everything sent before it */
  asOf: string | null;
  /** seconds the oldest committed event not yet applied has waited; 0 when none waits */
  lagSeconds: number;
}

export async function freshness(db: Db): Promise<Freshness> {
  const row = await one<{ as_of: Date | string | null; lag: string | number | null }>(
    db,
    sql`select s.newest_received_at as as_of,
          (select extract(epoch from now() - e.received_at) from events e
            where (e.tx, e.id) > (s.cursor_tx, s.cursor_id) order by e.tx, e.id limit 1) as lag
        from projector_state s where s.name = ${STATE}`,
  );
  return {
    asOf: row.as_of === null ? null : new Date(row.as_of).toISOString(),
    lagSeconds: row.lag === null ? 0 : Math.max(0, Math.round(Number(row.lag) * 10) / 10),
  };
}

export interface RunningProjector {
  stop(): Promise<void>;
}

/**
 * Runs the projector in this process until stopped: applies what is pending whenever the door
 * wakes it, and otherwise every `idleMs` (batches committed by other processes). A database that
 * is down is retried with back-off, not fatal.
 */
export function runProjector(getDb: () => Promise<Db>, options: { idleMs?: number; chunkSize?: number } = {}): RunningProjector {
  const idleMs = options.idleMs ?? 250;
  const log = logger('projector');
  log.info({ idleMs }, 'projector started');
  let chunkStarted = performance.now();
  const onChunk = (chunk: ChunkResult) => {
    const now = performance.now();
    log.debug({ events: chunk.events, appliedBelow: chunk.appliedBelow, drained: chunk.drained, ms: Math.round(now - chunkStarted) }, 'chunk applied');
    chunkStarted = now;
  };
  let stopped = false;
  let wake: (() => void) | null = null;
  const offWake = onWake(() => wake?.());
  const loop = (async () => {
    let backoff = idleMs;
    while (!stopped) {
      try {
        chunkStarted = performance.now();
        await applyPending(await getDb(), { chunkSize: options.chunkSize, onChunk });
        backoff = idleMs;
      } catch (error) {
        backoff = Math.min(backoff * 2, 10_000);
        const unreachable = isUnreachable(error);
        const line = { retryInMs: backoff, ...errorFields(error) };
        if (unreachable) log.warn(line, 'database unreachable');
        else log.error(line, 'chunk failed');
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      offWake();
      await loop;
      log.info({}, 'projector stopped');
    },
  };
}
