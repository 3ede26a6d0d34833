// Hand-built event sets for metric tests: typed events sent through the real ingestion, each by
// a key of the department that owns its type.
import { createApiKey } from '~/server/ingest/apiKeys';
import { catalogue, type Department, type EventType } from '~/server/ingest/catalogue';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import type { Db } from '~/server/db/client';
import type { z } from 'zod';

export interface FixtureEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  data: z.input<(typeof catalogue)[T]['data']>;
}

export function event<T extends EventType>(
  id: string,
  type: T,
  occurredAt: string,
  data: z.input<(typeof catalogue)[T]['data']>,
): FixtureEvent<T> {
  return { id, type, occurredAt, data };
}

/** Sends one batch per department in the given order; fails on any rejection. */
export async function send(db: Db, events: FixtureEvent[]): Promise<{ accepted: number; duplicates: number }> {
  const keys = await keysFor(db);
  const total = { accepted: 0, duplicates: 0 };
  const byDepartment = new Map<Department, FixtureEvent[]>();
  for (const e of events) {
    const department = catalogue[e.type].department;
    byDepartment.set(department, [...(byDepartment.get(department) ?? []), e]);
  }
  for (const [department, batch] of byDepartment) {
    const result = await ingestAndApply(db, { apiKeyId: keys[department], department }, batch);
    if (result.rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(result.rejected)}`);
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
  }
  return total;
}

const keyCache = new WeakMap<Db, Record<Department, number>>();

async function keysFor(db: Db): Promise<Record<Department, number>> {
  const cached = keyCache.get(db);
  if (cached) return cached;
  const keys: Record<Department, number> = {
    marketing: (await createApiKey(db, { department: 'marketing', name: 'fixture marketing' })).id,
    sales: (await createApiKey(db, { department: 'sales', name: 'fixture sales' })).id,
    operations: (await createApiKey(db, { department: 'operations', name: 'fixture operations' })).id,
    service: (await createApiKey(db, { department: 'service', name: 'fixture service' })).id,
  };
  keyCache.set(db, keys);
  return keys;
}
