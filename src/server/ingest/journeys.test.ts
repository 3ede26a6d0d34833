// Journeys' reach times and sources, worked out by hand from small event sets.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from './apiKeys';
import type { Department } from './catalogue';
import { ev, type WireEvent } from './factories';
import { ingestAndApply } from './ingestAndApply';

let handle: DbHandle;
const keys = {} as Record<Department, number>;

beforeAll(async () => {
  handle = await createTestDb();
  for (const department of ['marketing', 'sales', 'operations', 'service'] as const) {
    keys[department] = (await createApiKey(handle.db, { department, name: department })).id;
  }
});
afterAll(() => handle.close());

async function send(department: Department, events: WireEvent[]) {
  const result = await ingestAndApply(handle.db, { apiKeyId: keys[department], department }, events);
  expect(result.rejected).toEqual([]);
  return result;
}

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

interface JourneyRow {
  source: string;
  stage: number;
  journey_account_id: string | null;
  converted_opportunity_id: string | null;
  awareness_at: string | null;
  inquiry_at: string | null;
  qualification_at: string | null;
  conversion_at: string | null;
  retention_at: string | null;
  expansion_at: string | null;
  advocacy_at: string | null;
  disqualified_reason: string | null;
}

async function journey(contactId: string): Promise<JourneyRow | undefined> {
  const [row] = await rows<JourneyRow>(
    handle.db,
    sql`select source, stage, journey_account_id, converted_opportunity_id, disqualified_reason,
      ${iso('awareness_at')}, ${iso('inquiry_at')}, ${iso('qualification_at')}, ${iso('conversion_at')},
      ${iso('retention_at')}, ${iso('expansion_at')}, ${iso('advocacy_at')}
    from leads where contact_id = ${contactId}`,
  );
  return row;
}

function iso(column: string) {
  return sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${column}`);
}

describe('journeys', () => {
  it('ties anonymous touches to the lead once lead.created names the anonymousId, whatever the order', async () => {
    // The lead arrives first; its anonymous touches (days 1 and 3) arrive later.
    await send('marketing', [ev('lead.created', 5, { contactId: 'j1', anonymousId: 'anon-j1' })]);
    expect(await journey('j1')).toMatchObject({ awareness_at: day(5), inquiry_at: day(5), source: 'unknown', stage: 2 });

    await send('marketing', [
      ev('touch', 3, { anonymousId: 'anon-j1', channel: 'email', touchType: 'click' }),
      ev('touch', 1, { anonymousId: 'anon-j1', channel: 'Paid_Search ', touchType: 'ad_click' }),
    ]);
    // Awareness moves to the first touch; with no declared source, the first touch's channel.
    expect(await journey('j1')).toMatchObject({ awareness_at: day(1), inquiry_at: day(5), source: 'paid_search', stage: 2 });
  });

  it('a declared source wins over the first touch', async () => {
    await send('marketing', [
      ev('touch', 1, { contactId: 'j2', channel: 'social', touchType: 'view' }),
      ev('lead.created', 2, { contactId: 'j2', source: ' Events ' }),
    ]);
    expect(await journey('j2')).toMatchObject({ source: 'events', awareness_at: day(1), inquiry_at: day(2) });
  });

  it('a skipped stage is reached at the time of the later one ("reached at least stage k")', async () => {
    // No lead.created, no qualification: an opportunity names the contact and is won.
    await send('sales', [
      ev('opportunity.won', 20, { opportunityId: 'o-j3', amountCents: 50_000 }),
      ev('opportunity.created', 10, { opportunityId: 'o-j3', accountId: 'acc-3', contactId: 'j3', amountCents: 40_000, dealType: 'new_business' }),
    ]);
    expect(await journey('j3')).toMatchObject({
      awareness_at: day(10),
      inquiry_at: day(10),
      qualification_at: day(10),
      conversion_at: day(20),
      retention_at: null,
      journey_account_id: 'acc-3',
      converted_opportunity_id: 'o-j3',
      stage: 4,
    });
  });

  it('stages 5-7 count only at or after the win, on the converting opportunity’s account', async () => {
    await send('marketing', [ev('lead.created', 0, { contactId: 'j4', accountId: 'lead-acc' })]);
    await send('operations', [
      ev('account.renewed', 5, { accountId: 'acc-4', amountCents: 1_000 }), // before the win: ignored
      ev('account.renewed', 40, { accountId: 'acc-4', amountCents: 1_000 }),
      ev('account.advocacy', 30, { accountId: 'other', contactId: 'j4', kind: 'review' }), // by the lead
    ]);
    expect(await journey('j4')).toMatchObject({ stage: 2, journey_account_id: 'lead-acc', retention_at: null });
    await send('sales', [
      ev('opportunity.created', 8, { opportunityId: 'o-j4b', accountId: 'acc-4b', contactId: 'j4', amountCents: 1, dealType: 'upsell' }),
      ev('opportunity.won', 25, { opportunityId: 'o-j4b' }),
      ev('opportunity.created', 7, { opportunityId: 'o-j4', accountId: 'acc-4', contactId: 'j4', amountCents: 9, dealType: 'new_business' }),
      ev('opportunity.won', 10, { opportunityId: 'o-j4' }),
      ev('lead.qualified', 6, { contactId: 'j4' }),
    ]);
    // Converts through the earliest win (o-j4 on day 10); renewal on day 40 -> retention; advocacy
    // on day 30 by the lead itself -> advocacy, and expansion reached at advocacy's time.
    expect(await journey('j4')).toMatchObject({
      qualification_at: day(6),
      conversion_at: day(10),
      retention_at: day(30),
      expansion_at: day(30),
      advocacy_at: day(30),
      journey_account_id: 'acc-4',
      converted_opportunity_id: 'o-j4',
      stage: 7,
    });
  });

  it('a disqualified lead keeps the stage it had and its reason', async () => {
    await send('marketing', [ev('lead.created', 1, { contactId: 'j5' })]);
    await send('sales', [ev('lead.disqualified', 2, { contactId: 'j5', reason: 'no budget' })]);
    expect(await journey('j5')).toMatchObject({ stage: 2, disqualified_reason: 'no budget', qualification_at: null });
  });

  it('the amount is the won amount when given, else the latest created/updated amount', async () => {
    await send('sales', [
      ev('opportunity.created', 1, { opportunityId: 'amt-1', accountId: 'a', amountCents: 100, dealType: 'new_business' }),
      ev('opportunity.updated', 3, { opportunityId: 'amt-1', amountCents: 300 }),
      ev('opportunity.updated', 2, { opportunityId: 'amt-1', amountCents: 200 }),
      ev('opportunity.created', 1, { opportunityId: 'amt-2', accountId: 'a', amountCents: 100, dealType: 'new_business' }),
      ev('opportunity.won', 4, { opportunityId: 'amt-2', amountCents: 450 }),
      ev('opportunity.updated', 5, { opportunityId: 'amt-2', amountCents: 999 }),
    ]);
    const found = await rows<{ opportunity_id: string; amount_cents: string | number; status: string }>(
      handle.db,
      sql`select opportunity_id, amount_cents, status from opportunities where opportunity_id like 'amt-%' order by 1`,
    );
    expect(found.map((r) => [r.opportunity_id, Number(r.amount_cents), r.status])).toEqual([
      ['amt-1', 300, 'open'],
      ['amt-2', 450, 'won'],
    ]);
  });

  it('duplicated ids from one key count once', async () => {
    const touch = ev('touch', 1, { contactId: 'j6', channel: 'email', touchType: 'open' }, 'dup-touch');
    expect(await send('marketing', [touch, touch])).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await send('marketing', [touch])).toMatchObject({ accepted: 0, duplicates: 1 });
    const [count] = await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from touches where contact_id = 'j6'`);
    expect(count?.n).toBe(1);
  });
});
