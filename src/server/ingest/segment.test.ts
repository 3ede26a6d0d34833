// Segment-compatible ingestion: mapping of calls, and the endpoint through a real database.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from './apiKeys';
import { handleSegment } from './http';
import { replayRejected } from './replay';
import { fromSegment } from './segment';

describe('fromSegment', () => {
  it('maps a page call to a touch, its channel from the UTM medium', () => {
    expect(
      fromSegment(
        {
          messageId: 'm1',
          anonymousId: 'anon-1',
          timestamp: '2026-02-01T10:00:00Z',
          properties: { url: 'https://example.com/pricing' },
          context: { campaign: { medium: 'Email', name: 'spring' } },
        },
        'page',
      ),
    ).toEqual({
      ok: true,
      event: {
        id: 'm1',
        type: 'touch',
        occurredAt: '2026-02-01T10:00:00Z',
        data: { anonymousId: 'anon-1', channel: 'Email', campaignId: 'spring', touchType: 'page_view', url: 'https://example.com/pricing' },
      },
    });
  });

  it('maps identify to lead.created with traits, and a track call named after one of our events to that event', () => {
    expect(
      fromSegment({ type: 'identify', messageId: 'm2', userId: 'c-1', anonymousId: 'anon-1', timestamp: '2026-02-01T11:00:00Z', traits: { email: 'a@b.c', firstName: 'Ada', lastName: 'L', company: { name: 'Acme' } } }),
    ).toMatchObject({ ok: true, event: { type: 'lead.created', data: { contactId: 'c-1', anonymousId: 'anon-1', email: 'a@b.c', name: 'Ada L', company: 'Acme' } } });
    expect(
      fromSegment({ type: 'track', messageId: 'm3', userId: 'c-1', event: 'Campaign.Spend', timestamp: '2026-02-01T11:00:00Z', properties: { campaignId: 'k', amountCents: 5, date: '2026-02-01' } }),
    ).toMatchObject({ ok: true, event: { type: 'campaign.spend', data: { campaignId: 'k', amountCents: 5, date: '2026-02-01', contactId: 'c-1' } } });
    expect(fromSegment({ type: 'track', messageId: 'm4', userId: 'c-1', event: 'Webinar Attended', properties: { channel: 'events' } })).toMatchObject({
      ok: true,
      event: { type: 'touch', data: { contactId: 'c-1', channel: 'events', touchType: 'Webinar Attended' } },
    });
  });

  it('refuses calls without a messageId, of another kind, or over 32 KB', () => {
    expect(fromSegment({ type: 'track', event: 'x' })).toMatchObject({ ok: false, errors: [{ path: 'messageId' }] });
    expect(fromSegment({ type: 'alias', messageId: 'm' })).toMatchObject({ ok: false, errors: [{ path: 'type' }] });
    expect(fromSegment({ type: 'track', messageId: 'big', event: 'x', properties: { blob: 'x'.repeat(33 * 1024) } })).toMatchObject({
      ok: false,
      id: 'big',
      errors: [{ path: '(event)' }],
    });
  });
});

describe('POST /api/ingest/segment/v1/{call}', () => {
  let handle: DbHandle;
  let writeKey: string;
  beforeAll(async () => {
    handle = await createTestDb();
    writeKey = (await createApiKey(handle.db, { department: 'marketing', name: 'Segment' })).key;
  });
  afterAll(() => handle.close());

  const post = (call: string, body: unknown, key: string | null = writeKey) =>
    handleSegment(
      new Request(`http://test/api/ingest/segment/v1/${call}?wait=applied`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
      call,
      { db: async () => handle.db },
    );

  it('takes a batch of page, identify and track calls; messageId makes a retry harmless', async () => {
    const batch = {
      batch: [
        { type: 'page', messageId: 's1', anonymousId: 'anon-9', timestamp: '2026-03-01T09:00:00Z', context: { campaign: { source: 'newsletter' } } },
        { type: 'identify', messageId: 's2', userId: 'c-9', anonymousId: 'anon-9', timestamp: '2026-03-02T09:00:00Z', traits: { email: 'z@y.x' } },
        { type: 'track', messageId: 's3', userId: 'c-9', event: 'lead.qualified', timestamp: '2026-03-03T09:00:00Z' },
        { type: 'group', messageId: 's4', groupId: 'g' },
      ],
    };
    const first = await post('batch', batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      success: true,
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 2, id: 's3', status: 403 },
        { index: 3, id: 's4', status: 422, errors: [{ path: 'type' }] },
      ],
    });
    const [journey] = await rows<{ source: string; awareness: string; inquiry: string }>(
      handle.db,
      sql`select source, to_char(awareness_at at time zone 'UTC', 'YYYY-MM-DD') as awareness, to_char(inquiry_at at time zone 'UTC', 'YYYY-MM-DD') as inquiry from leads where contact_id = 'c-9'`,
    );
    // The anonymous page view is tied to the contact by identify; no declared source, so its channel.
    expect(journey).toEqual({ source: 'newsletter', awareness: '2026-03-01', inquiry: '2026-03-02' });

    const again = await post('batch', batch);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    const [kept] = await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from rejected_events where event_id in ('s3', 's4')`);
    expect(kept?.n).toBe(4);
  });

  it('maps single calls by their endpoint, and replays a kept call after a fix', async () => {
    const response = await post('identify', { messageId: 'single-1', anonymousId: 'anon-x', timestamp: '2026-03-05T09:00:00Z' });
    expect(response.status).toBe(422);
    expect((await response.json()).rejected[0].errors).toEqual([{ path: 'data.contactId', message: expect.any(String) }]);
    const [kept] = await rows<{ id: number }>(handle.db, sql`select id::int as id from rejected_events where event_id = 'single-1'`);
    expect(await replayRejected(handle.db, kept!.id)).toMatchObject({ status: 'invalid', errors: [{ path: 'data.contactId' }] });
    const fixed = { id: 'single-1', type: 'lead.created', occurredAt: '2026-03-05T09:00:00Z', data: { contactId: 'c-x', anonymousId: 'anon-x' } };
    expect(await replayRejected(handle.db, kept!.id, fixed)).toMatchObject({ status: 'applied' });
  });

  it('answers 401 without a write key, 404 to an unknown call, 400 to malformed JSON and 413 over 500 KB', async () => {
    expect((await post('track', {}, null)).status).toBe(401);
    expect((await post('track', {}, 'nope')).status).toBe(401);
    expect((await post('alias', {})).status).toBe(404);
    expect((await post('track', '{oops')).status).toBe(400);
    expect((await post('batch', { batch: 'x'.repeat(501 * 1024) })).status).toBe(413);
  });
});
