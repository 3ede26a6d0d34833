import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { accountFilters, dateRange, inRange, journeyFilters, metricInput, opportunityFilters, spendFilters } from './filters';

describe('metric input', () => {
  it('accepts dates and date-times and defaults the filters', () => {
    const parsed = metricInput.parse({ range: { from: '2026-01-01', to: '2026-02-01T00:00:00Z' } });
    expect(parsed.filters).toEqual({});
  });

  it('rejects an empty or reversed range', () => {
    expect(dateRange.safeParse({ from: '2026-02-01', to: '2026-02-01' }).success).toBe(false);
    expect(dateRange.safeParse({ from: '2026-02-02', to: '2026-02-01' }).success).toBe(false);
  });

  it('lower-cases source, segment and deal type but keeps the campaign id', () => {
    const parsed = metricInput.parse({
      range: { from: '2026-01-01', to: '2026-02-01' },
      filters: { source: ' Paid_Search ', campaign: 'Camp-A', segment: 'SMB', dealType: 'New' },
    });
    expect(parsed.filters).toEqual({ source: 'paid_search', campaign: 'Camp-A', segment: 'smb', dealType: 'new' });
  });
});

describe('filter SQL', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    await handle.db.execute(sql`insert into leads (contact_id, source, campaign_id, journey_account_id, stage, inquiry_at)
      values ('c1', 'email', 'k1', 'a1', 2, '2026-01-31T23:59:59Z'), ('c2', 'email', 'k2', 'a2', 2, '2026-02-01T00:00:00Z')`);
    await handle.db.execute(sql`insert into opportunities (opportunity_id, account_id, contact_id, deal_type, status, created_at)
      values ('o1', 'a1', 'c1', 'new', 'open', '2026-01-01T00:00:00Z'), ('o0', 'a1', null, 'smb', 'open', '2025-12-01T00:00:00Z'),
             ('o2', 'a2', 'c2', 'renewal', 'open', '2026-01-01T00:00:00Z')`);
  });
  afterAll(() => handle.close());

  const range = { from: '2026-01-01', to: '2026-02-01' };

  it('keeps the end of the range out', async () => {
    const found = await rows<{ id: string }>(
      handle.db,
      sql`select contact_id as id from leads l where ${inRange(sql`l.inquiry_at`, range)} order by 1`,
    );
    expect(found.map((r) => r.id)).toEqual(['c1']);
  });

  it('reads deal type from the journey and segment from the account', async () => {
    const byDealType = await rows<{ id: string }>(
      handle.db,
      sql`select contact_id as id from leads l where ${journeyFilters({ dealType: 'new' })}`,
    );
    expect(byDealType.map((r) => r.id)).toEqual(['c1']);
    const bySegment = await rows<{ id: string }>(
      handle.db,
      sql`select contact_id as id from leads l where ${journeyFilters({ segment: 'smb', source: 'email' })}`,
    );
    expect(bySegment.map((r) => r.id)).toEqual(['c1']);
    const opps = await rows<{ id: string }>(
      handle.db,
      sql`select opportunity_id as id from opportunities o where ${opportunityFilters({ segment: 'renewal', campaign: 'k2' })}`,
    );
    expect(opps.map((r) => r.id)).toEqual(['o2']);
    const accounts = await rows<{ id: string }>(
      handle.db,
      sql`select distinct account_id as id from opportunities o where ${accountFilters({ dealType: 'new' }, sql`o.account_id`)}`,
    );
    expect(accounts.map((r) => r.id)).toEqual(['a1']);
    const spend = await rows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from campaign_spend s where ${spendFilters({ source: 'email', campaign: 'k1' })}`,
    );
    expect(spend[0]?.n).toBe(0);
  });
});
