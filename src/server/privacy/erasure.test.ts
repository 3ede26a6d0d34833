// Forgetting a person on a hand-made journey: afterwards no table holds their email, name or
// contact id, the counts and money are what they were, and a rebuild from the rewritten log gives
// the same anonymised read model.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, recentAudit } from '~/server/auth/audit';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { dumpReadModel, ev } from '~/server/ingest/factories';
import { handleIngest } from '~/server/ingest/http';
import { ingestEvents } from '~/server/ingest/ingest';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { stageCounts } from '~/server/metrics/funnel';
import { revenueSummary } from '~/server/metrics/revenue';
import { applyPending } from '~/server/projector/projector';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { erasePerson } from './erasure';

const EMAIL = 'Ada.Erase@Example.org';
const NAME = 'Ada Erasewell';
const CONTACT = 'crm-ada-7731';
const ANON = 'cookie-ada-5521';

let handle: DbHandle;
let keys: Record<'marketing' | 'sales' | 'operations' | 'service', { id: number; key: string }>;

beforeAll(async () => {
  handle = await createTestDb();
  const make = async (department: 'marketing' | 'sales' | 'operations' | 'service') => {
    const created = await createApiKey(handle.db, { department, name: `Key ${department}` });
    return { id: created.id, key: created.key };
  };
  keys = { marketing: await make('marketing'), sales: await make('sales'), operations: await make('operations'), service: await make('service') };
  const db = handle.db;
  const send = async (department: keyof typeof keys, batch: unknown[]) => {
    const result = await ingestAndApply(db, { apiKeyId: keys[department].id, department }, batch);
    expect(result.rejected).toEqual([]);
  };
  await send('marketing', [
    ev('campaign.upserted', 0, { campaignId: 'cmp-1', name: 'Spring', channel: 'ads' }),
    ev('touch', 1, { anonymousId: ANON, channel: 'ads', campaignId: 'cmp-1', touchType: 'click', url: `https://x.test/?e=${EMAIL}` }, `touch-${ANON}-1`),
    ev('touch', 2, { contactId: CONTACT, channel: 'email', touchType: 'open' }, `touch-${CONTACT}-2`),
    ev('lead.created', 1.5, { contactId: CONTACT, accountId: 'acc-ada', email: EMAIL, name: NAME, company: 'Analytical Engines', anonymousId: ANON }, `lead-${CONTACT}`),
    // Bob stays as he is.
    ev('touch', 1, { contactId: 'crm-bob', channel: 'ads', campaignId: 'cmp-1', touchType: 'click' }),
    ev('lead.created', 1.2, { contactId: 'crm-bob', accountId: 'acc-bob', email: 'bob@example.org', name: 'Bob Keeps', company: 'Bob Ltd' }),
  ]);
  await send('sales', [
    ev('lead.followed_up', 2, { contactId: CONTACT, activity: 'call', ownerId: 'rep-1' }),
    ev('lead.qualified', 3, { contactId: CONTACT, reason: `Ada said: call me at ${EMAIL}` }),
    ev('opportunity.created', 4, { opportunityId: 'opp-ada', accountId: 'acc-ada', contactId: CONTACT, amountCents: 500_000, dealType: 'new' }),
    ev('opportunity.won', 10, { opportunityId: 'opp-ada', amountCents: 480_000 }),
    ev('opportunity.created', 5, { opportunityId: 'opp-ada-2', accountId: 'acc-ada', contactId: CONTACT, amountCents: 90_000, dealType: 'upsell' }),
    ev('opportunity.lost', 11, { opportunityId: 'opp-ada-2', reason: `${NAME} moved on` }),
    ev('lead.followed_up', 2, { contactId: 'crm-bob', activity: 'email' }),
    ev('lead.disqualified', 3, { contactId: 'crm-bob', reason: 'no budget' }),
  ]);
  await send('operations', [
    ev('account.renewed', 40, { accountId: 'acc-ada', amountCents: 120_000 }),
    ev('account.advocacy', 45, { accountId: 'acc-ada', contactId: CONTACT, kind: 'review' }),
  ]);
  await send('service', [ev('ticket.opened', 20, { ticketId: 't-ada', accountId: 'acc-ada', contactId: CONTACT, category: 'billing' })]);

  // Rejected rows naming her, through the HTTP door (the exact bytes are kept): one event refused
  // within a batch (its JSON and bytes), and one whole body refused (a bare array: text and bytes).
  const refused = `{"id":"bad-${CONTACT}","type":"lead.created","occurredAt":"2026-01-05T00:00:00Z","data":{"contactId":"${CONTACT}","email":"${EMAIL.toLowerCase()}","name":"${NAME}","company":"${'x'.repeat(299)}"}}`;
  for (const [body, status] of [[`{"events":[${refused}]}`, 422], [`[${refused}]`, 400]] as const) {
    const response = await handleIngest(
      new Request('http://test/api/ingest/marketing?wait=applied', { method: 'POST', headers: { authorization: `Bearer ${keys.marketing.key}`, 'content-type': 'application/json' }, body }),
      'marketing',
      { db: async () => handle.db },
    );
    expect(response.status).toBe(status);
  }
  // An audit entry that named her (e.g. a note on a replay).
  await audit(db, null, 'ingestion.note', { note: `asked about ${EMAIL}`, contactId: CONTACT });
});
afterAll(() => handle.close());

/** Every row of every table whose text (bytea as hex) holds the needle, case-insensitively. */
async function tablesHolding(needle: string): Promise<string[]> {
  const tables = await rows<{ name: string }>(
    handle.db,
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
  );
  expect(tables.length).toBeGreaterThan(20);
  const hex = Buffer.from(needle.toLowerCase()).toString('hex');
  const found: string[] = [];
  for (const { name } of tables) {
    const [row] = await rows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from ${sql.identifier(name)} x
          where strpos(lower(x::text), ${needle.toLowerCase()}) > 0 or strpos(lower(x::text), ${hex}) > 0`,
    );
    if (Number(row?.n) > 0) found.push(name);
  }
  return found;
}

const range = { from: '2025-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
async function figures() {
  const [facts] = await rows<Record<string, number>>(
    handle.db,
    sql`select (select count(*) from touches)::int as touches, (select count(*) from leads)::int as leads,
          (select count(*) from events)::int as events, (select count(*) from rejected_events)::int as rejected,
          (select coalesce(sum(credit_cents), 0) from attribution_credits)::float8 as credits,
          (select count(*) from tickets where contact_id is not null)::int as tickets,
          (select count(*) from account_events where contact_id is not null)::int as advocacy`,
  );
  if (!facts) throw new Error("no figures");
  return { stages: await stageCounts(handle.db), revenue: await revenueSummary(handle.db, { range }), facts };
}

describe('erasePerson', () => {
  it('forgets her everywhere, keeps the numbers, and a rebuild does not bring her back', async () => {
    for (const needle of [EMAIL, NAME, CONTACT, ANON]) expect(await tablesHolding(needle)).not.toEqual([]);
    const before = await figures();
    // By hand: Ada reached awareness .. advocacy (won, renewed, review), Bob awareness + inquiry.
    expect(before.stages.map((s) => s.journeys)).toEqual([2, 2, 1, 1, 1, 1, 1]);
    expect(before.revenue).toEqual({ wonDeals: 1, wonRevenueCents: 480_000, openDeals: 0, openPipelineCents: 0 });

    // One of her events is still waiting for the projector when the erasure runs.
    const late = await ingestEvents(handle.db, { apiKeyId: keys.marketing.id, department: 'marketing' }, [
      ev('touch', 30, { contactId: CONTACT, channel: 'webinar', touchType: 'attend', url: `https://x.test/${NAME}` }, `late-${CONTACT}`),
    ]);
    expect(late.accepted).toBe(1);

    const result = await erasePerson(handle.db, { email: EMAIL.toUpperCase() }, { id: 1, email: 'dpo@company.test' }, { reference: 'DSR-42' });
    // By hand: two touches, the lead, follow-up, qualification, two opportunities created, the loss,
    // the review, the ticket and the late touch (the win and the renewal name no person).
    expect(result).toMatchObject({ contacts: 1, events: 11, rejected: 2, auditEntries: 1 });
    expect(result.pseudonyms).toHaveLength(1);
    await applyPending(handle.db);

    for (const needle of [EMAIL, NAME, CONTACT, ANON]) expect(await tablesHolding(needle), needle).toEqual([]);
    const after = await figures();
    expect(after.stages).toEqual(before.stages);
    expect(after.revenue).toEqual(before.revenue);
    expect(after.facts).toEqual({ ...before.facts, touches: Number(before.facts.touches) + 1, events: Number(before.facts.events) + 1 });

    // The journey stays under its pseudonym, without email, name or free text.
    const [lead] = await rows<Record<string, unknown>>(handle.db, sql`select * from leads where contact_id = ${result.pseudonyms[0]!}`);
    expect(lead).toMatchObject({ email: null, name: null, company: 'Analytical Engines', stage: 7, account_id: 'acc-ada', source: 'ads' });
    const [lost] = await rows<{ lost_reason: string | null; contact_id: string }>(
      handle.db,
      sql`select lost_reason, contact_id from opportunities where opportunity_id = 'opp-ada-2'`,
    );
    expect(lost).toEqual({ lost_reason: null, contact_id: result.pseudonyms[0] });
    const [bob] = await rows<{ email: string; name: string }>(handle.db, sql`select email, name from leads where contact_id = 'crm-bob'`);
    expect(bob).toEqual({ email: 'bob@example.org', name: 'Bob Keeps' });

    // The rejected rows keep their bytes, with her values replaced.
    const rejected = await rows<{ raw_body: Buffer | Uint8Array; raw: { id: string; data: Record<string, string> } | null; raw_text: string | null }>(
      handle.db,
      sql`select raw_body, raw, raw_text from rejected_events order by id`,
    );
    const [pseudonym] = result.pseudonyms;
    const expected = `"id":"bad-${pseudonym}","type":"lead.created","occurredAt":"2026-01-05T00:00:00Z","data":{"contactId":"${pseudonym}","email":"erased","name":"erased","company":"${'x'.repeat(299)}"}`;
    expect(Buffer.from(rejected[0]!.raw_body).toString('utf8')).toBe(`{${expected}}`);
    expect(rejected[0]!.raw).toEqual(JSON.parse(`{${expected}}`));
    expect(Buffer.from(rejected[1]!.raw_body).toString('utf8')).toBe(`[{${expected}}]`);
    expect(rejected[1]!.raw_text).toBe(`[{${expected}}]`);

    // The erasure is audited with its counts, not with what was erased.
    const entry = (await recentAudit(handle.db)).find((e) => e.action === 'privacy.erase');
    expect(entry).toMatchObject({ actorEmail: 'dpo@company.test', details: { by: "email", reference: "DSR-42", contacts: 1, events: 11 } });

    // The raw log itself was rewritten: replaying it gives the same anonymised read model.
    const readModel = await dumpReadModel(handle.db);
    await rebuildReadModel(handle.db);
    expect(await dumpReadModel(handle.db)).toEqual(readModel);
    for (const needle of [EMAIL, NAME, CONTACT, ANON]) expect(await tablesHolding(needle), needle).toEqual([]);
  });

  it('rewrites nothing for a contact id the log never saw, and still audits the request', async () => {
    const result = await erasePerson(handle.db, { contactId: 'nobody-here' }, null);
    expect(result).toMatchObject({ events: 0, rejected: 0, auditEntries: 0 });
    const [entry] = await recentAudit(handle.db, 1);
    expect(entry).toMatchObject({ action: 'privacy.erase', details: { by: 'contactId', events: 0 } });
    expect(JSON.stringify(entry)).not.toContain('nobody-here');
  });
});
