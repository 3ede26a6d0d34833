// Small typed factories for tests and fixtures: events in the wire format of the endpoint.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import type { EventData, EventType } from './catalogue';
import { projectedTables } from '~/server/projector/rebuild';

export interface WireEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  data: EventData<T>;
}

let counter = 0;

/** An event at `day` (days after 2026-01-01, fractions allowed), or at an ISO time. */
export function ev<T extends EventType>(type: T, at: number | string, data: EventData<T>, id?: string): WireEvent<T> {
  const occurredAt = typeof at === 'number' ? new Date(Date.UTC(2026, 0, 1) + at * 86_400_000).toISOString() : at;
  return { id: id ?? `${type}-${++counter}`, type, occurredAt, data };
}

/**
 * Rows whose key embeds an event primary key: a customer item of an account event is named
 * `e:<event pk>` (`in:`/`out:`/`q:` before it for revenue items), unique within its account. The
 * name is only an identity; the dump shows it without the number.
 */
const eventPkInKey: Record<string, string> = {
  customer_items: `jsonb_set(to_jsonb(t), '{item_id}', to_jsonb(regexp_replace(t.item_id, 'e:[0-9]+$', 'e:<event>')))`,
};

/**
 * The whole read model as text, rows sorted, without event primary keys (those record arrival
 * order, which the read model must not depend on).
 */
export async function dumpReadModel(db: Db): Promise<Record<string, string>> {
  const dump: Record<string, string> = {};
  for (const table of projectedTables) {
    const json = eventPkInKey[table] ?? 'to_jsonb(t)';
    const [row] = await rows<{ dump: string }>(
      db,
      sql.raw(
        `select coalesce(json_agg(r order by r::text), '[]')::text as dump from (select ${json} - 'event_pk' as r from ${table} t) s`,
      ),
    );
    dump[table] = row?.dump ?? '[]';
  }
  return dump;
}
