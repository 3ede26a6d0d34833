// Replays the raw log into an empty read model, in log order, through the same projection.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import type { Department } from './catalogue';
import { project, type StoredEvent } from './projection';
import { validateEvent } from './validate';

export const projectedTables = [
  'touches',
  'campaign_spend',
  'account_events',
  'identity_links',
  'leads',
  'accounts',
  'campaigns',
  'opportunities',
  'onboardings',
  'capacity',
  'tickets',
  'attribution_credits',
] as const;

export async function rebuildReadModel(db: Db, chunkSize = 2000): Promise<{ events: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`truncate ${projectedTables.join(', ')}`));
    let after = 0;
    let total = 0;
    for (;;) {
      const chunk = await rows<{ pk: number | string; department: Department; event_id: string; type: string; occurred_at: Date | string; data: unknown }>(
        tx,
        sql`select id as pk, department, event_id, type, occurred_at, data from events where id > ${after} order by id limit ${chunkSize}`,
      );
      if (chunk.length === 0) break;
      const stored: StoredEvent[] = chunk.map((row) => {
        const occurredAt = new Date(row.occurred_at).toISOString();
        const check = validateEvent({ id: row.event_id, type: row.type, occurredAt, data: row.data }, row.department);
        if (!check.ok) throw new Error(`event ${row.pk} no longer validates: ${JSON.stringify(check.errors)}`);
        return { ...check.event, pk: Number(row.pk) };
      });
      await project(tx, stored);
      after = Number(chunk[chunk.length - 1]!.pk);
      total += chunk.length;
    }
    return { events: total };
  });
}
