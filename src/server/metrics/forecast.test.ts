// The onboarding forecast over ingested events. Day 0 is Monday 2026-01-05 (ISO week 2026-W02);
// the forecast is made on day 28, Monday 2026-02-02 (2026-W06). Expected numbers worked out by hand.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import type { Department } from '~/server/ingest/catalogue';
import { ev, type WireEvent } from '~/server/ingest/factories';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { onboardingForecast } from './forecast';

const d = (n: number) => new Date(Date.UTC(2026, 0, 5) + n * 86_400_000).toISOString();
const asOf = d(28);

const created = (id: string, day: number, dealType: string) =>
  ev('opportunity.created', d(day), { opportunityId: id, accountId: `acc-${id}`, amountCents: 100, dealType }, `c-${id}`);
const won = (id: string, day: number) => ev('opportunity.won', d(day), { opportunityId: id }, `w-${id}`);
const lost = (id: string, day: number) => ev('opportunity.lost', d(day), { opportunityId: id }, `l-${id}`);
const started = (id: string, day: number) => ev('onboarding.started', d(day), { opportunityId: id }, `s-${id}`);

// 'new' won after 10, 20 and 30 days and lost once: P(win) 3/4; 'addon' lost once; all types 3/5.
// Onboarding 7, 7 and 3 days after the win: median lag 7 days.
const sales: WireEvent[] = [
  created('h1', 0, 'new'), won('h1', 10),
  created('h2', 0, 'new'), won('h2', 20),
  created('h3', -10, 'new'), won('h3', 20),
  created('h4', 1, 'new'), lost('h4', 15),
  created('h5', 0, 'addon'), lost('h5', 5),
  // open on day 28: A aged 8, B aged 28, C aged 48 (older than every cycle), E a renewal aged 3
  created('A', 20, 'new'), created('B', 0, 'new'), created('C', -20, 'new'), created('E', 25, 'renewal'),
];
const operations: WireEvent[] = [
  started('h1', 17), started('h2', 27), started('h3', 23),
  ev('capacity.set', d(0), { week: '2026-W07', slots: 2 }, 'cap7'),
  ev('capacity.set', d(0), { week: '2026-W08', slots: 1 }, 'cap8'),
];

const round = (x: number) => Math.round(x * 1e9) / 1e9;

describe('onboarding forecast', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    const send = async (department: Department, events: WireEvent[]) => {
      const key = await createApiKey(handle.db, { department, name: department });
      const result = await ingestAndApply(handle.db, { apiKeyId: key.id, department }, events);
      expect(result.rejected).toEqual([]);
    };
    await send('sales', sales);
    await send('operations', operations);
  });
  afterAll(() => handle.close());

  it('forecasts expected wins and starts for the next 12 ISO weeks against capacity', async () => {
    const forecast = await onboardingForecast(handle.db, { asOf });
    expect(forecast.openOpportunities).toBe(4);
    expect(forecast.onboardingLagDays).toBe(7);
    expect(forecast.winProbabilities.map((p) => [p.dealType, p.probability, p.basis])).toEqual([
      ['new', 0.75, 'deal_type'],
      ['renewal', 0.6, 'all_types'],
    ]);
    // A: days 30, 40, 50 at 0.25; B: day 30 at 0.75; C: the median 20 days from now, day 48, at 0.75;
    // E: days 35, 45, 55 at 0.2. Starts: the same, 7 days later. W06 has no capacity set: null.
    expect(forecast.weeks.map((w) => [w.week, round(w.expectedWins), round(w.expectedStarts), w.capacity])).toEqual([
      ['2026-W06', 1, 0, null],
      ['2026-W07', 0.45, 1, 2],
      ['2026-W08', 0.95, 0.45, 1],
      ['2026-W09', 0.45, 0.95, null],
      ['2026-W10', 0, 0.45, null],
      ['2026-W11', 0, 0, null],
      ['2026-W12', 0, 0, null],
      ['2026-W13', 0, 0, null],
      ['2026-W14', 0, 0, null],
      ['2026-W15', 0, 0, null],
      ['2026-W16', 0, 0, null],
      ['2026-W17', 0, 0, null],
    ]);
    expect(forecast.warnings).toEqual([]);
  });

  it('backtests the forecasts made 4, 8 and 12 weeks earlier from what was known then', async () => {
    const { backtests } = await onboardingForecast(handle.db, { asOf });
    // Four weeks back (day 0) nothing had closed: P(win) 0, forecast 0. Since then: wins in W03 (1)
    // and W04 (2), starts in W04 (1) and W05 (2): every counted week is 100% off; weeks with 0
    // actual are left out. Eight and twelve weeks back nothing existed yet: the same error.
    expect(backtests.map((b) => [b.weeksAgo, b.madeAt, b.weeks.length, b.winsMape, b.startsMape])).toEqual([
      [4, '2026-01-05T00:00:00.000Z', 4, 1, 1],
      [8, '2025-12-08T00:00:00.000Z', 8, 1, 1],
      [12, '2025-11-10T00:00:00.000Z', 12, 1, 1],
    ]);
    expect(backtests[0]!.weeks.map((w) => [w.week, w.actualWins, w.actualStarts])).toEqual([
      ['2026-W02', 0, 0],
      ['2026-W03', 1, 0],
      ['2026-W04', 2, 1],
      ['2026-W05', 0, 2],
    ]);
  });

  it('follows the forecastWeeks setting', async () => {
    await handle.db.execute(sql`insert into settings (key, value) values ('forecastWeeks', '3'::jsonb)`);
    const forecast = await onboardingForecast(handle.db, { asOf });
    expect(forecast.weeks.map((w) => w.week)).toEqual(['2026-W06', '2026-W07', '2026-W08']);
    await handle.db.execute(sql`delete from settings where key = 'forecastWeeks'`);
  });
});

describe('onboarding forecast without history', () => {
  it('gives zeros, null capacity and null errors, and says why', async () => {
    const handle = await createTestDb();
    try {
      const key = await createApiKey(handle.db, { department: 'sales', name: 'sales' });
      await ingestAndApply(handle.db, { apiKeyId: key.id, department: 'sales' }, [created('X', 0, 'new')]);
      const forecast = await onboardingForecast(handle.db, { asOf });
      expect(forecast.weeks).toHaveLength(12);
      expect(forecast.weeks.every((w) => w.expectedWins === 0 && w.expectedStarts === 0 && w.capacity === null)).toBe(true);
      expect(forecast.winProbabilities).toEqual([{ dealType: 'new', probability: 0, basis: 'none', openOpportunities: 1 }]);
      expect(forecast.warnings).toHaveLength(3);
      expect(forecast.backtests.map((b) => [b.winsMape, b.startsMape])).toEqual([
        [null, null],
        [null, null],
        [null, null],
      ]);
    } finally {
      await handle.close();
    }
  });
});
