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

export interface ProjectorFigures {
  live?: { events: number; withRollupsPerSecond: number; withoutRollupsPerSecond: number; fillSeconds: number };
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

async function applyTimed(db: Db, batches: Batch[]): Promise<{ events: number; perSecond: number }> {
  const keys = await ensureDemoKeys(db);
  for (const batch of batches) await ingestEvents(db, { apiKeyId: keys[batch.department], department: batch.department }, batch.events);
  const started = performance.now();
  const applied = (await applyPending(db)) ?? 0;
  const seconds = (performance.now() - started) / 1000;
  return { events: applied, perSecond: applied / seconds };
}

export async function measureProjector(db: Db, options: { events: number; rebuild: boolean; anchor: Date }): Promise<ProjectorFigures> {
  const figures: ProjectorFigures = {};
  const stamp = Date.now().toString(36);
  if (options.events > 0) {
    // Two equal slices of live traffic: the first kept by delta, the second left to a fill.
    const kept = await applyTimed(db, extraBatches(options.events, options.anchor, `live-a-${stamp}-`, 4242));
    await setRollupMode(db, 'deferred');
    const deferred = await applyTimed(db, extraBatches(options.events, options.anchor, `live-b-${stamp}-`, 4343));
    await setRollupMode(db, 'refill');
    const fillStarted = performance.now();
    await applyPending(db);
    figures.live = {
      events: kept.events,
      withRollupsPerSecond: kept.perSecond,
      withoutRollupsPerSecond: deferred.perSecond,
      fillSeconds: (performance.now() - fillStarted) / 1000,
    };
    console.log(
      `projector, live chunks of ${kept.events.toLocaleString('en-US')} events: ${Math.round(kept.perSecond).toLocaleString('en-US')} ev/s keeping the rollups, ` +
        `${Math.round(deferred.perSecond).toLocaleString('en-US')} ev/s without; a whole fill takes ${figures.live.fillSeconds.toFixed(1)} s`,
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
