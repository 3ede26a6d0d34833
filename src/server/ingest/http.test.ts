// Every answer of the ingestion endpoint, through the real handler and a real database: the status,
// the error body, and that nothing was lost.
import { env } from '~/env';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey, revokeApiKey } from './apiKeys';
import { ev } from './factories';
import { projectorState, waitApplied } from '~/server/projector/projector';
import { handleIngest } from './http';
import { replayRejected } from './replay';

let handle: DbHandle;
let marketingKey: string;
let salesKey: string;

beforeAll(async () => {
  handle = await createTestDb();
  marketingKey = (await createApiKey(handle.db, { department: 'marketing', name: 'HubSpot' })).key;
  salesKey = (await createApiKey(handle.db, { department: 'sales', name: 'Salesforce' })).key;
});
afterAll(() => handle.close());

function post(department: string, body: unknown, key: string | null = marketingKey, query = '?wait=applied') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return handleIngest(new Request(`http://test/api/ingest/${department}${query}`, { method: 'POST', headers, body: text }), department, {
    db: async () => handle.db,
  });
}

async function rejectedRows() {
  return rows<{ id: number; event_id: string | null; status: number; errors: { path: string }[]; raw: unknown; raw_text: string | null }>(
    handle.db,
    sql`select id::int as id, event_id, status, errors, raw, raw_text from rejected_events order by id`,
  );
}

async function count(query: ReturnType<typeof sql>) {
  const [row] = await rows<{ n: number }>(handle.db, query);
  return row?.n;
}

describe('POST /api/ingest/{department}', () => {
  it('accepts the valid events of a batch, rejects the others with field paths, and keeps them', async () => {
    const before = (await rejectedRows()).length;
    const good = ev('lead.created', 1, { contactId: 'h1', source: 'email' }, 'good-1');
    const bad = { id: 'bad-1', type: 'touch', occurredAt: 'yesterday', data: { contactId: 'h1' } };
    const response = await post('marketing', { events: [good, bad] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.accepted).toBe(1);
    expect(body.duplicates).toBe(0);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]).toMatchObject({ index: 1, id: 'bad-1', status: 422 });
    expect(body.rejected[0].errors.map((e: { path: string }) => e.path).sort()).toEqual(['data.channel', 'data.touchType', 'occurredAt']);

    // The accepted one is applied; the rejected one is kept whole with its reasons.
    expect(await count(sql`select count(*)::int as n from leads where contact_id = 'h1' and inquiry_at is not null`)).toBe(1);
    const kept = (await rejectedRows()).slice(before);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ event_id: 'bad-1', status: 422, raw: bad });
  });

  it('answers once the batch is in the raw log; the projector applies it behind the door', async () => {
    const batch = { events: [ev('lead.created', 2, { contactId: 'later-1', source: 'email' }, 'later-1')] };
    const response = await post('marketing', batch, marketingKey, '');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ accepted: 1, duplicates: 0, rejected: [], watermark: expect.any(Number) });
    expect(await count(sql`select count(*)::int as n from events where event_id = 'later-1'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from leads where contact_id = 'later-1'`)).toBe(0);

    expect(await waitApplied(handle.db, body.watermark, 5000)).toBe(true);
    expect(await count(sql`select count(*)::int as n from leads where contact_id = 'later-1'`)).toBe(1);
    expect((await projectorState(handle.db)).appliedBelow).toBeGreaterThan(body.watermark);
  });

  it('keeps a rejected event byte for byte as it was sent', async () => {
    const sent = '{ "events" : [ {"id":"ok-bytes","type":"touch","occurredAt":"2026-01-02T00:00:00Z","data":{"anonymousId":"b1","channel":"email","touchType":"view"}} ,\n  {"id": "bytes-1",  "type":"touch", "data": {"note":"caf\\u00e9 \\u0000 \\ud800"}}  ] }';
    const response = await post('marketing', sent);
    expect(response.status).toBe(200);
    const [kept] = await rows<{ raw_body: Buffer | Uint8Array; errors: { path: string; message: string }[] }>(
      handle.db,
      sql`select raw_body, errors from rejected_events where event_id = 'bytes-1'`,
    );
    expect(Buffer.from(kept!.raw_body).toString('utf8')).toBe('{"id": "bytes-1",  "type":"touch", "data": {"note":"caf\\u00e9 \\u0000 \\ud800"}}');
    expect(kept!.errors).toEqual([{ path: 'data.note', message: expect.stringMatching(/U\+0000/) }]);
  });

  it('answers 400 to malformed JSON and keeps the body', async () => {
    const response = await post('marketing', '{"events": [');
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toMatch(/malformed JSON/);
    expect(body.errors[0].path).toBe('(body)');
    const last = (await rejectedRows()).at(-1);
    expect(last).toMatchObject({ status: 400, raw_text: '{"events": [' });
  });

  it('answers 400 when the body has no events array', async () => {
    const response = await post('marketing', { event: [] });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual([{ path: 'events', message: 'the body must be an object with an "events" array' }]);
  });

  it('answers 401 without a key, with an unknown key and with a revoked key', async () => {
    expect((await post('marketing', { events: [] }, null)).status).toBe(401);
    const unknown = await post('marketing', { events: [] }, 'rfk_mar_nope');
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).error).toMatch(/unknown or revoked/);
    const revoked = await createApiKey(handle.db, { department: 'marketing', name: 'old' });
    await revokeApiKey(handle.db, revoked.id);
    expect((await post('marketing', { events: [] }, revoked.key)).status).toBe(401);
  });

  it('answers 403 per event for a type outside the key’s department, and keeps it', async () => {
    const mixed = await post('marketing', {
      events: [ev('touch', 2, { contactId: 'h2', channel: 'social', touchType: 'view' }, 'ok-2'), ev('lead.qualified', 3, { contactId: 'h2' }, 'not-mine')],
    });
    expect(mixed.status).toBe(200);
    const body = await mixed.json();
    expect(body).toMatchObject({ accepted: 1, rejected: [{ index: 1, id: 'not-mine', status: 403, errors: [{ path: 'type' }] }] });
    expect(await count(sql`select count(*)::int as n from touches where contact_id = 'h2'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from rejected_events where event_id = 'not-mine' and status = 403`)).toBe(1);

    const onlyForbidden = await post('marketing', { events: [ev('opportunity.won', 3, { opportunityId: 'x' }, 'not-mine-2')] });
    expect(onlyForbidden.status).toBe(403);
  });

  it('answers 422 when every event of a batch is invalid, and keeps them all', async () => {
    const response = await post('marketing', { events: [{ id: 'inv-1' }, 'not an object'] });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(await count(sql`select count(*)::int as n from rejected_events where batch_index in (0, 1) and status = 422 and (event_id = 'inv-1' or raw = '"not an object"'::jsonb)`)).toBe(2);
  });

  it('answers 403 to a key sent to another department’s endpoint, and 404 to an unknown department', async () => {
    const response = await post('sales', { events: [] }, marketingKey);
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/belongs to marketing/);
    expect((await post('finance', { events: [] })).status).toBe(404);
  });

  it('answers 413 over the size limit and over 1,000 events', async () => {
    const huge = JSON.stringify({ events: [{ id: 'x', type: 'touch', occurredAt: 'x', data: { url: 'a'.repeat(env().INGEST_MAX_BYTES) } }] });
    const tooLarge = await post('marketing', huge);
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error).toMatch(/over the limit/);

    const many = Array.from({ length: 1001 }, (_, i) => ev('touch', 1, { contactId: `m${i}`, channel: 'email', touchType: 'open' }, `many-${i}`));
    const tooMany = await post('marketing', { events: many });
    expect(tooMany.status).toBe(413);
    expect((await tooMany.json()).errors[0].path).toBe('events');
    expect(await count(sql`select count(*)::int as n from events where event_id like 'many-%'`)).toBe(0);
  });

  it('answers 429 with Retry-After when a key passes its rate', async () => {
    const limited = await createApiKey(handle.db, { department: 'marketing', name: 'chatty', ratePerMinute: 2 });
    expect((await post('marketing', { events: [] }, limited.key)).status).toBe(200);
    expect((await post('marketing', { events: [] }, limited.key)).status).toBe(200);
    const third = await post('marketing', { events: [] }, limited.key);
    expect(third.status).toBe(429);
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('answers 503 with Retry-After when the database is unreachable', async () => {
    const unreachable = await openDb({ url: 'postgres://postgres@127.0.0.1:9/nowhere', migrate: false, max: 1 });
    try {
      const response = await handleIngest(
        new Request('http://test/api/ingest/marketing', {
          method: 'POST',
          headers: { authorization: `Bearer ${marketingKey}` },
          body: JSON.stringify({ events: [] }),
        }),
        'marketing',
        { db: async () => unreachable.db },
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      await unreachable.close();
    }
  });

  it('answers 200 again for a batch it already has, applying nothing twice', async () => {
    const batch = { events: [ev('lead.followed_up', 4, { contactId: 'h1', activity: 'call', ownerId: 'rep-1' }, 'fu-1')] };
    const first = await (await post('sales', batch, salesKey)).json();
    const second = await (await post('sales', batch, salesKey)).json();
    expect(first).toEqual({ accepted: 1, duplicates: 0, rejected: [], watermark: expect.any(Number), applied: true });
    // The retry's position is the first delivery's: applied as soon as that one was.
    expect(second).toEqual({ accepted: 0, duplicates: 1, rejected: [], watermark: first.watermark, applied: true });
    expect(await count(sql`select count(*)::int as n from events where event_id = 'fu-1'`)).toBe(1);
  });

  it('replays a rejected event after a fix, once', async () => {
    const response = await post('sales', { events: [{ id: 'late-fix', type: 'lead.disqualified', occurredAt: '2026-01-09T00:00:00Z', data: { contactId: 'h1' } }] }, salesKey);
    expect(response.status).toBe(422);
    const [kept] = await rows<{ id: number }>(handle.db, sql`select id::int as id from rejected_events where event_id = 'late-fix'`);
    const id = kept!.id;
    expect(await replayRejected(handle.db, id)).toMatchObject({ status: 'invalid', errors: [{ path: 'data.reason' }] });

    const fixed = { id: 'late-fix', type: 'lead.disqualified', occurredAt: '2026-01-09T00:00:00Z', data: { contactId: 'h1', reason: 'no budget' } };
    expect(await replayRejected(handle.db, id, fixed)).toMatchObject({ status: 'applied' });
    expect(await count(sql`select count(*)::int as n from leads where contact_id = 'h1' and disqualified_reason = 'no budget'`)).toBe(1);
    expect(await replayRejected(handle.db, id, fixed)).toEqual({ status: 'already_replayed' });
  });
});
