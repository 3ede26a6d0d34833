// No input breaks the door: hostile batches through the real HTTP handler never get a 5xx, every
// event is accounted for (accepted, duplicate or rejected and kept), and the raw log they leave
// rebuilds into the read model the projector built live.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { one, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { applyChunk, applyPending } from '~/server/projector/projector';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { createApiKey } from './apiKeys';
import { dumpReadModel } from './factories';
import { hostileBatch } from './hostile';
import { handleIngest } from './http';

let handle: DbHandle;
let key: string;
let keyId: number;

beforeAll(async () => {
  handle = await createTestDb();
  const created = await createApiKey(handle.db, { department: 'marketing', name: 'hostile', ratePerMinute: 100_000 });
  key = created.key;
  keyId = created.id;
});
afterAll(() => handle.close());

function post(body: string, query = '') {
  return handleIngest(
    new Request(`http://test/api/ingest/marketing${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    }),
    'marketing',
    { db: async () => handle.db },
  );
}

const counts = async () =>
  one<{ events: number; rejected: number }>(
    handle.db,
    sql`select (select count(*)::int from events where api_key_id = ${keyId}) as events,
               (select count(*)::int from rejected_events where api_key_id = ${keyId}) as rejected`,
  );

describe('hostile batches', () => {
  it('never answer 5xx, account for every event, and leave a log that rebuilds to the live read model', async () => {
    let batches = 0;
    await fc.assert(
      fc.asyncProperty(hostileBatch, fc.boolean(), async (batch, retry) => {
        const before = await counts();
        const response = await post(batch.body);
        expect(response.status, await response.clone().text()).toBeLessThan(500);
        expect([200, 403, 422]).toContain(response.status);
        const answer = (await response.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
        expect(answer.accepted + answer.duplicates + answer.rejected.length).toBe(batch.events);
        const after = await counts();
        expect(after.events - before.events).toBe(answer.accepted);
        expect(after.rejected - before.rejected).toBe(answer.rejected.length);
        if (retry) {
          // A sender's retry of the same body: nothing new in the log, the rejections kept again.
          const again = (await (await post(batch.body)).json()) as { accepted: number; duplicates: number };
          expect(again.accepted).toBe(0);
          expect(again.duplicates).toBe(answer.accepted + answer.duplicates);
        }
        batches++;
        // The projector runs between some batches, in small chunks, as a live one would.
        if (batches % 3 === 0) await applyChunk(handle.db, { chunkSize: 7 });
      }),
      { numRuns: 60 },
    );
    await applyPending(handle.db);
    const live = await dumpReadModel(handle.db);
    expect(live.leads).not.toBe('[]');
    await rebuildReadModel(handle.db);
    expect(await dumpReadModel(handle.db)).toEqual(live);
  }, 300_000);

  it('keeps a malformed body with a raw NUL byte and answers 400', async () => {
    const before = await counts();
    const response = await post('{"events":[{"id":"a\u0000');
    expect(response.status).toBe(400);
    expect((await counts()).rejected).toBe(before.rejected + 1);
  });

  it('rejects each hostile class with its field path and keeps the valid events of the batch', async () => {
    const valid = '{"id":"fine-1","type":"touch","occurredAt":"2026-01-02T00:00:00Z","data":{"contactId":"h9","channel":"email","touchType":"click"}}';
    const body = `{"events":[
      {"id":"nul-1","type":"lead.created","occurredAt":"2026-01-02T00:00:00Z","data":{"contactId":"c1","company":"C:\\u0000"}},
      {"id":"sur-1","type":"lead.created","occurredAt":"2026-01-02T00:00:00Z","data":{"contactId":"c1","name":"\\ud800"}},
      {"id":"early-1","type":"lead.created","occurredAt":"0001-01-01T00:00:00+00:30","data":{"contactId":"c1"}},
      {"id":"late-1","type":"lead.created","occurredAt":"9999-12-31T20:00:00-05:00","data":{"contactId":"c1"}},
      {"id":"cjk-1","type":"lead.created","occurredAt":"2026-01-02T00:00:00Z","data":{"contactId":"c1","company":"${'公司'.repeat(1000)}"}},
      {"id":"dot-1","type":"touch","occurredAt":"2026-01-02T00:00:00Z","data":{"contactId":"c1","channel":"${'İ'.repeat(200)}","touchType":"click"}},
      {"id":"deep-1","type":"lead.created","occurredAt":"2026-01-02T00:00:00Z","data":{"contactId":"c1","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}},
      ${valid}]}`;
    const response = await post(body, '?wait=applied');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { accepted: number; applied: boolean; rejected: { id: string; errors: { path: string }[] }[] };
    expect(answer.accepted).toBe(1);
    expect(answer.applied).toBe(true);
    expect(answer.rejected.map((r) => [r.id, r.errors[0]!.path])).toEqual([
      ['nul-1', 'data.company'],
      ['sur-1', 'data.name'],
      ['early-1', 'occurredAt'],
      ['late-1', 'occurredAt'],
      ['cjk-1', 'data.company'],
      ['dot-1', 'data.channel'],
      ['deep-1', expect.stringMatching(/^data\.x(\.0)+$/)],
    ]);
  });
});
