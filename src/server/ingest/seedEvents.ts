// The one way tests and fixtures put events in: through the door and the projector, as the sender
// of each event's department would send them, with one key per department made once per database.
// A refused event is an error naming it, so a fixture never quietly loses an event.
import type { Db } from '~/server/db/client';
import { createApiKey } from './apiKeys';
import { catalogue, departments, isEventType, type Department } from './catalogue';
import type { WireEvent } from './factories';
import { ingestAndApply } from './ingestAndApply';

/** An event as a factory makes it (`ev`), or as a [type, occurredAt, data] or [id, type, occurredAt, data] row of a fixture table. */
export type SeedEvent =
  | WireEvent
  | readonly [type: string, occurredAt: string, data: Record<string, unknown>]
  | readonly [id: string, type: string, occurredAt: string, data: Record<string, unknown>];

const keysOf = new WeakMap<Db, Promise<Record<Department, number>>>();

/** An API key per department in this database, made on first use. */
export function departmentKeys(db: Db): Promise<Record<Department, number>> {
  let keys = keysOf.get(db);
  if (!keys) {
    keys = (async () => {
      const made = {} as Record<Department, number>;
      for (const department of departments) made[department] = (await createApiKey(db, { department, name: `${department} fixture` })).id;
      return made;
    })();
    keysOf.set(db, keys);
  }
  return keys;
}

let calls = 0;

function departmentOf(type: string): Department {
  if (!isEventType(type)) throw new Error(`seedEvents: no event type '${type}'`);
  return catalogue[type].department;
}

/**
 * Sends the events in the order given, each run of one department's events as one batch with that
 * department's key, and applies them. Rows of a fixture table without an id get `<call>-<index>`
 * (the call counted from 1 in each test file), or `<idPrefix>-<index>`.
 */
export async function seedEvents(db: Db, events: readonly SeedEvent[], options: { idPrefix?: string } = {}): Promise<void> {
  const prefix = options.idPrefix ?? String(++calls);
  const wire = events.map((e, i): WireEvent => {
    if (!Array.isArray(e)) return e as WireEvent;
    const [id, type, occurredAt, data] = e.length === 4 ? e : [`${prefix}-${i}`, ...e];
    return { id, type, occurredAt, data } as WireEvent;
  });
  const keys = await departmentKeys(db);
  let i = 0;
  while (i < wire.length) {
    const department = departmentOf(wire[i]!.type);
    let j = i;
    while (j < wire.length && departmentOf(wire[j]!.type) === department) j++;
    const result = await ingestAndApply(db, { apiKeyId: keys[department], department }, wire.slice(i, j));
    if (result.rejected.length > 0) throw new Error(`seedEvents: refused ${JSON.stringify(result.rejected)}`);
    i = j;
  }
}
