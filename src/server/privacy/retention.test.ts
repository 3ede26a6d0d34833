// Raw-event retention: off by default; when on, raw events older than the age keep exactly the
// fields the projection reads, the read model loses only the URLs of those touches, and a rebuild
// from the compacted log gives the same read model, table by table. Old rejected events go.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerAs, createTestUser } from '~/server/api/testing';
import { recentAudit } from '~/server/auth/audit';
import { rows, type DbHandle } from '~/server/db/client';
import { rejectedEvents } from '~/server/db/schema';
import { createTestDb } from '~/server/db/testing';
import { catalogue, eventTypes } from '~/server/ingest/catalogue';
import { dumpReadModel } from '~/server/ingest/factories';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { setSetting } from '~/server/settings';
import { seedDemo } from '../../../seed/seed';
import { compactRawEvents, keptFields, strippedFields } from './retention';

let handle: DbHandle;
const anchor = new Date('2026-06-01T00:00:00Z');
const days = 365;
const cutoff = new Date(anchor.getTime() - days * 86_400_000).toISOString();

beforeAll(async () => {
  handle = await createTestDb();
  await seedDemo(handle.db, { leads: 150, anchor, months: 20 });
  // Two rejected events, one received before the cutoff and one after.
  await handle.db.insert(rejectedEvents).values([
    { department: 'marketing', status: 400, errors: [{ path: 'type', message: 'unknown' }], raw: { id: 'old' }, receivedAt: new Date('2025-01-01T00:00:00Z') },
    { department: 'marketing', status: 400, errors: [{ path: 'type', message: 'unknown' }], raw: { id: 'new' }, receivedAt: new Date('2026-05-01T00:00:00Z') },
  ]);
});
afterAll(() => handle.close());

describe('what a compacted event keeps', () => {
  it('is every catalogue field but the stripped free text, for every event type', () => {
    for (const type of eventTypes) {
      const shape = Object.keys((catalogue[type].data as unknown as { shape: Record<string, unknown> }).shape).sort();
      expect([...keptFields[type], ...(strippedFields[type] ?? [])].sort(), type).toEqual(shape);
    }
  });
});

type Row = Record<string, unknown>;
const sorted = (list: Row[]) => list.map((r) => JSON.stringify(r)).sort();

describe('compaction', () => {
  it('does nothing while the setting is off (the default)', async () => {
    expect(await compactRawEvents(handle.db, { now: anchor })).toEqual({ enabled: false, cutoff: null, compacted: 0, touchUrls: 0, rejectedDeleted: 0 });
  });

  it('keeps what rebuild needs: the read model changes only in old touch URLs, and a rebuild gives it back exactly', async () => {
    const before = await dumpReadModel(handle.db);
    const [oldUrls] = await rows<{ n: number; recent: number; reasons: number }>(
      handle.db,
      sql`select count(*) filter (where occurred_at < ${cutoff}::timestamptz and data ? 'url')::int as n,
        count(*) filter (where occurred_at >= ${cutoff}::timestamptz and data ? 'url')::int as recent,
        count(*) filter (where occurred_at < ${cutoff}::timestamptz and type = 'lead.qualified' and data ? 'reason')::int as reasons
      from events`,
    );
    // The demo has old touches with URLs and old qualifications with reasons, and recent ones.
    expect(oldUrls!.n).toBeGreaterThan(0);
    expect(oldUrls!.reasons).toBeGreaterThan(0);
    expect(oldUrls!.recent).toBeGreaterThan(0);

    await setSetting(handle.db, 'retention', { enabled: true, days });
    const result = await compactRawEvents(handle.db, { now: anchor, batchIds: 500 });
    expect(result).toEqual({ enabled: true, cutoff, compacted: oldUrls!.n + oldUrls!.reasons, touchUrls: oldUrls!.n, rejectedDeleted: 1 });

    // The log: old events hold only kept fields; recent ones are untouched.
    const [left] = await rows<{ stray: number; recent: number }>(
      handle.db,
      sql`select count(*) filter (where occurred_at < ${cutoff}::timestamptz
          and exists (select 1 from jsonb_object_keys(data) k where k not in (select jsonb_array_elements_text(${JSON.stringify(keptFields)}::jsonb -> type))))::int as stray,
        count(*) filter (where occurred_at >= ${cutoff}::timestamptz and data ? 'url')::int as recent
      from events`,
    );
    expect(left).toEqual({ stray: 0, recent: oldUrls!.recent });
    const rejected = await rows<{ raw: Row }>(handle.db, sql`select raw from rejected_events order by id`);
    expect(rejected.map((r) => r.raw)).toEqual([{ id: 'new' }]);

    // The read model: the same, but old touches have no URL.
    const compacted = await dumpReadModel(handle.db);
    for (const table of Object.keys(before)) {
      if (table === 'touches') continue;
      expect(compacted[table], table).toBe(before[table]);
    }
    const expectedTouches = (JSON.parse(before.touches!) as Row[]).map((t) => (Date.parse(String(t.occurred_at)) < Date.parse(cutoff) ? { ...t, url: null } : t));
    expect(sorted(JSON.parse(compacted.touches!) as Row[])).toEqual(sorted(expectedTouches));

    // The guarantee: a rebuild from the compacted log gives this read model, every table.
    await rebuildReadModel(handle.db);
    expect(await dumpReadModel(handle.db)).toEqual(compacted);

    // A second run finds nothing left.
    expect(await compactRawEvents(handle.db, { now: anchor })).toMatchObject({ compacted: 0, touchUrls: 0, rejectedDeleted: 0 });
  });
});

describe('the setting through tRPC', () => {
  it('is an admin\'s, validated and audited', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin', email: 'root@company.test' }));
    await admin.admin.privacy.setRetention({ enabled: false, days: 400 });
    expect(await admin.admin.privacy.retention()).toEqual({ enabled: false, days: 400 });
    const [entry] = await recentAudit(handle.db, 1);
    expect(entry).toMatchObject({ action: 'retention.set', actorEmail: 'root@company.test', details: { before: { enabled: true, days: 365 }, after: { enabled: false, days: 400 } } });
    await expect(admin.admin.privacy.setRetention({ enabled: true, days: 7 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    await expect(executive.admin.privacy.setRetention({ enabled: true, days: 400 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
