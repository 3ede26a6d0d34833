// Projector throughput with the rollups kept and without: live chunks that keep them by delta
// against the same kind of chunks that leave them to a fill, and (optionally) a full rebuild whose
// one fill at the end is timed apart.
import type { Db } from '~/server/db/client';
import { ingestEvents } from '~/server/ingest/ingest';
import { applyPending } from '~/server/projector/projector';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { setRollupMode } from '~/server/projector/rollups';
import { generateDemo } from '../seed/generate';
import { ensureDemoKeys } from '../seed/seed';
import type { Department } from '~/server/ingest/catalogue';
import type { WireEvent } from '~/server/ingest/factories';
import { cpuMsSoFar } from './cpu';

export interface ProjectorFigures {
  live?: {
    events: number;
    withRollupsPerSecond: number;
    withoutRollupsPerSecond: number;
    /** CPU (this process and the database's backends) per 1,000 events applied; null: Postgres not local */
    withRollupsCpuMsPer1000: number | null;
    withoutRollupsCpuMsPer1000: number | null;
    fillSeconds: number;
  };
  rebuild?: { events: number; seconds: number; fillSeconds: number; withRollupsPerSecond: number; withoutRollupsPerSecond: number };
}

type Batch = { department: Department; events: WireEvent[] };

/** `count` more demo events over the same ids (they land on existing journeys), in door batches. */
function extraBatches(count: number, anchor: Date, prefix: string, seed: number): Batch[] {
  const out: Batch[] = [];
  let taken = 0;
  for (const batch of generateDemo({ leads: Math.max(200, Math.ceil(count / 14)), seed, anchor })) {
    if (taken >= count) break;
    const events = batch.events.slice(0, count - taken).map((e) => ({ ...e, id: `${prefix}${e.id}` }) as WireEvent);
    taken += events.length;
    out.push({ department: batch.department, events });
  }
  return out;
}

async function applyTimed(db: Db, batches: Batch[]): Promise<{ events: number; perSecond: number; cpuMsPer1000: number | null }> {
  const keys = await ensureDemoKeys(db);
  for (const batch of batches) await ingestEvents(db, { apiKeyId: keys[batch.department], department: batch.department }, batch.events);
  const cpuBefore = await cpuMsSoFar(db);
  const started = performance.now();
  const applied = (await applyPending(db)) ?? 0;
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await cpuMsSoFar(db);
  const cpuMsPer1000 = cpuBefore === null || cpuAfter === null || applied === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / applied;
  return { events: applied, perSecond: applied / seconds, cpuMsPer1000 };
}

export async function measureProjector(db: Db, options: { events: number; rebuild: boolean; anchor: Date }): Promise<ProjectorFigures> {
  const figures: ProjectorFigures = {};
  const stamp = Date.now().toString(36);
  // Fresh traffic each run: the same seed again would repeat events the database already holds
  // (new ids, same contacts and times), which change no journey and flatter the rollups' cost.
  const seed = Date.now() % 1_000_000_007;
  if (options.events > 0) {
    // Two equal slices of live traffic: the first kept by delta, the second left to a fill.
    const kept = await applyTimed(db, extraBatches(options.events, options.anchor, `live-a-${stamp}-`, seed));
    await setRollupMode(db, 'deferred');
    const deferred = await applyTimed(db, extraBatches(options.events, options.anchor, `live-b-${stamp}-`, seed + 1));
    await setRollupMode(db, 'refill');
    const fillStarted = performance.now();
    await applyPending(db);
    figures.live = {
      events: kept.events,
      withRollupsPerSecond: kept.perSecond,
      withoutRollupsPerSecond: deferred.perSecond,
      withRollupsCpuMsPer1000: kept.cpuMsPer1000,
      withoutRollupsCpuMsPer1000: deferred.cpuMsPer1000,
      fillSeconds: (performance.now() - fillStarted) / 1000,
    };
    console.log(
      `projector, live chunks of ${kept.events.toLocaleString('en-US')} events: ${Math.round(kept.perSecond).toLocaleString('en-US')} ev/s keeping the rollups, ` +
        `${Math.round(deferred.perSecond).toLocaleString('en-US')} ev/s without; a whole fill takes ${figures.live.fillSeconds.toFixed(1)} s` +
        (kept.cpuMsPer1000 === null || deferred.cpuMsPer1000 === null
          ? ''
          : `; CPU per 1,000 events ${Math.round(kept.cpuMsPer1000).toLocaleString('en-US')} ms keeping them, ${Math.round(deferred.cpuMsPer1000).toLocaleString('en-US')} ms without`),
    );
  }
  if (options.rebuild) {
    const started = performance.now();
    const result = await rebuildReadModel(db);
    const seconds = (performance.now() - started) / 1000;
    const fillSeconds = result.refillMs / 1000;
    figures.rebuild = {
      events: result.events,
      seconds,
      fillSeconds,
      withRollupsPerSecond: result.events / seconds,
      withoutRollupsPerSecond: result.events / (seconds - fillSeconds),
    };
    console.log(
      `rebuild of ${result.events.toLocaleString('en-US')} events: ${seconds.toFixed(1)} s, ${Math.round(figures.rebuild.withRollupsPerSecond).toLocaleString('en-US')} ev/s ` +
        `with the rollups filled at the end (${fillSeconds.toFixed(1)} s), ${Math.round(figures.rebuild.withoutRollupsPerSecond).toLocaleString('en-US')} ev/s without`,
    );
  }
  return figures;
}
