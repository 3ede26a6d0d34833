// The projector's position: it never skips a batch whose transaction commits late, a chunk that
// dies before its commit leaves nothing behind, and resuming gives the read model of a rebuild.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { one, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import type { Department } from '~/server/ingest/catalogue';
import { dumpReadModel, ev, type WireEvent } from '~/server/ingest/factories';
import { appendEvents, ingestEvents } from '~/server/ingest/ingest';
import { validateEvent } from '~/server/ingest/validate';
import { applyChunk, applyPending, freshness, projectorState } from './projector';
import { projectedTables, rebuildReadModel } from './rebuild';

let handle: DbHandle;
const keys = {} as Record<Department, number>;

beforeAll(async () => {
  handle = await createTestDb();
  for (const department of ['marketing', 'sales', 'operations', 'service'] as const) {
    keys[department] = (await createApiKey(handle.db, { department, name: department })).id;
  }
});
afterAll(() => handle.close());
beforeEach(async () => {
  await handle.db.execute(sql.raw(`truncate events, ${projectedTables.join(', ')}`));
  await handle.db.execute(sql`update projector_state set cursor_tx = 0, cursor_id = 0, applied_below = 0, applied_events = 0, newest_received_at = null`);
});

const send = (department: Department, events: WireEvent[]) => ingestEvents(handle.db, { apiKeyId: keys[department], department }, events);
const leadCount = async () => (await one<{ n: number }>(handle.db, sql`select count(*)::int as n from leads`)).n;

const story: [Department, WireEvent[]][] = [
  ['marketing', [ev('touch', 0, { anonymousId: 'a1', channel: 'email', touchType: 'click' }), ev('lead.created', 1, { contactId: 'c1', anonymousId: 'a1', accountId: 'A1' })]],
  ['marketing', [ev('lead.created', 2, { contactId: 'c2', source: 'social' }), ev('touch', 3, { contactId: 'c2', channel: 'social', touchType: 'view' })]],
  ['sales', [ev('opportunity.created', 4, { opportunityId: 'o1', accountId: 'A1', contactId: 'c1', amountCents: 5000, dealType: 'new_business' })]],
  ['sales', [ev('lead.qualified', 5, { contactId: 'c2' }), ev('opportunity.won', 6, { opportunityId: 'o1', amountCents: 6000 })]],
  ['operations', [ev('account.renewed', 40, { accountId: 'A1', amountCents: 7000 })]],
];

describe('projector', () => {
  it('applies nothing until asked, then everything, and reports its freshness', async () => {
    for (const [department, events] of story) await send(department, events);
    expect(await leadCount()).toBe(0);
    const pending = await freshness(handle.db);
    expect(pending.asOf).toBeNull();
    expect(pending.lagSeconds).toBeGreaterThanOrEqual(0);

    expect(await applyPending(handle.db, { chunkSize: 2 })).toBe(8);
    expect(await leadCount()).toBe(2);
    const state = await projectorState(handle.db);
    expect(state.appliedEvents).toBe(8);
    const applied = await freshness(handle.db);
    expect(applied.lagSeconds).toBe(0);
    expect(applied.asOf).not.toBeNull();
  });

  it('leaves nothing behind when a chunk dies before its commit, and resumes to the read model of a rebuild', async () => {
    for (const [department, events] of story) await send(department, events);
    await applyChunk(handle.db, { chunkSize: 3 });
    const before = await dumpReadModel(handle.db);
    const position = await projectorState(handle.db);

    // The process dies in the middle of the next chunk: after projecting, before committing.
    await expect(
      applyChunk(handle.db, {
        chunkSize: 3,
        beforeCommit: async () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(await dumpReadModel(handle.db)).toEqual(before);
    expect(await projectorState(handle.db)).toEqual(position);

    // A new projector resumes from the stored position.
    expect(await applyPending(handle.db, { chunkSize: 3 })).toBe(5);
    const resumed = await dumpReadModel(handle.db);
    await rebuildReadModel(handle.db);
    expect(await dumpReadModel(handle.db)).toEqual(resumed);
    expect(resumed.leads).toContain('"contact_id": "c1"');
  });

  it('rebuilds in one pass, reporting its progress up to the whole log, and leaves the position past it', async () => {
    for (const [department, events] of story) await send(department, events);
    await applyPending(handle.db, { chunkSize: 3 });
    const live = await dumpReadModel(handle.db);

    const seen: { done: number; total: number }[] = [];
    const result = await rebuildReadModel(handle.db, { onProgress: ({ done, total }) => seen.push({ done, total }) });
    // The story is 8 events.
    expect(result.events).toBe(8);
    expect(seen.at(-1)).toEqual({ done: 8, total: 8 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    expect(await dumpReadModel(handle.db)).toEqual(live);
    expect((await projectorState(handle.db)).appliedEvents).toBe(8);
    expect(await applyPending(handle.db)).toBe(0);
  });

  // Two transactions at once need two connections: the embedded database has one.
  it.runIf(process.env.DATABASE_URL)('does not skip a batch whose transaction commits after a later one', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let stored!: () => void;
    const started = new Promise<void>((resolve) => (stored = resolve));
    const early = ev('lead.created', 1, { contactId: 'early' });
    const check = validateEvent(early, 'marketing');
    if (!check.ok) throw new Error('fixture invalid');
    // The early batch takes its transaction id first and commits last.
    const slow = handle.db.transaction(async (tx) => {
      await appendEvents(tx, { apiKeyId: keys.marketing, department: 'marketing' }, [check.event]);
      stored();
      await held;
    });
    await started;
    await send('marketing', [ev('lead.created', 2, { contactId: 'late' })]);

    await applyPending(handle.db);
    // The later batch is committed but waits behind the running one: nothing is skipped over.
    expect(await leadCount()).toBe(0);

    release();
    await slow;
    await applyPending(handle.db);
    expect(await leadCount()).toBe(2);
  });
});
