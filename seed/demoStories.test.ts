// The default demo (5,000 leads) loaded through ingestion: every department finds its own story
// in the read model around the anchor, and no two accounts share a name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import { rows, sql, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { demoDashboard, seedDemoDashboard } from './dashboards';
import { listDashboards } from '~/server/dashboards';
import { accountList } from '~/server/metrics/lists';
import { onboardingForecast } from '~/server/metrics/forecast';
import { stageCounts } from '~/server/metrics/funnel';
import { handoffs } from '~/server/metrics/handoffs';
import { kpiTargetStatuses } from '~/server/metrics/kpis';
import { leadQuality } from '~/server/metrics/leadQuality';
import { sourcesReport } from '~/server/metrics/sources';
import { users } from '~/server/db/schema';
import { generateDemo, type DemoEvent } from './generate';
import { seedKpiTargets } from './kpiTargets';
import { seedDemo } from './seed';

const DAY = 86_400_000;
// Early in a month (its targets fall back to the month before) and late in a quarter.
const anchor = new Date('2026-12-02T00:00:00Z');
/** When the demo is first looked at: the morning of the anchor day. */
const asOf = new Date(anchor.getTime() + 9 * 3_600_000);
const daysBefore = (days: number) => new Date(anchor.getTime() - days * DAY).toISOString();
const lastDays = (days: number) => ({ from: daysBefore(days), to: anchor.toISOString() });
/** At least this many of every story that is about items (tickets, leads, deals, accounts). */
const HANDFUL = 5;

let handle: DbHandle;
const events: DemoEvent[] = [];

beforeAll(async () => {
  for (const batch of generateDemo({ anchor })) events.push(...batch.events);
  handle = await createTestDb();
  const summary = await seedDemo(handle.db, { anchor });
  expect(summary).toMatchObject({ leads: 5000, rejected: 0 });
  await seedKpiTargets(handle.db, asOf);
  await ensureDemoUsers(handle.db, () => {});
  await seedDemoDashboard(handle.db);
}, 180_000);

afterAll(async () => {
  await handle?.close();
});

describe('the default demo', () => {
  it('gives every account one company name of its own', async () => {
    const namesOf = new Map<string, Set<string>>();
    for (const e of events) {
      if (e.type !== 'lead.created' || e.data.accountId === undefined) continue;
      const names = namesOf.get(e.data.accountId) ?? new Set<string>();
      names.add(e.data.company!);
      namesOf.set(e.data.accountId, names);
    }
    expect(namesOf.size).toBeGreaterThan(2500);
    expect([...namesOf.values()].every((names) => names.size === 1)).toBe(true);
    const names = [...namesOf.values()].map((s) => [...s][0]);
    expect(new Set(names).size).toBe(names.length);

    const [accounts] = await rows<{ n: number; named: number; names: number }>(
      handle.db,
      sql`select count(*)::int as n, count(name)::int as named, count(distinct name)::int as names from accounts`,
    );
    expect(accounts).toEqual({ n: namesOf.size, named: namesOf.size, names: namesOf.size });
  });

  it('has open tickets, some of high priority, on accounts with an open deal or a renewal due', async () => {
    const atStake = await accountList(handle.db, { openTicketWithOpenDeal: true, pageSize: 200 });
    expect(atStake.items.length).toBeGreaterThanOrEqual(HANDFUL);
    expect(atStake.items.filter((a) => a.openRenewals > 0).length).toBeGreaterThanOrEqual(HANDFUL);
    expect(atStake.items.filter((a) => a.openRenewals < a.openDeals).length).toBeGreaterThan(0);
    const [urgent] = await rows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from tickets t
        where t.resolved_at is null and t.priority in ('high', 'urgent')
          and t.account_id in (select account_id from opportunities where status = 'open')`,
    );
    expect(urgent!.n).toBeGreaterThanOrEqual(HANDFUL);
  });

  it('leaves leads waiting past the follow-up SLA and wins not yet onboarded, some past theirs', async () => {
    const report = await handoffs(handle.db, { range: lastDays(30), asOf, blackHoleLimit: 1000 });
    const of = (kind: string) => report.handoffs.find((h) => h.handoff === kind)!;
    expect(of('leadFollowUp').openPastSla).toBeGreaterThanOrEqual(HANDFUL);
    const onboarding = of('onboardingStart');
    expect(onboarding.openPastSla + onboarding.openWithinSla).toBeGreaterThanOrEqual(HANDFUL);
    expect(onboarding.openPastSla).toBeGreaterThanOrEqual(3);
    // Wins that needed onboarding (not a small upsell): none started yet.
    const started = new Set(events.filter((e) => e.type === 'onboarding.started').map((e) => e.data.opportunityId));
    const recentWins = events.filter((e) => e.type === 'opportunity.won' && e.occurredAt >= daysBefore(30) && !started.has(e.data.opportunityId));
    expect(recentWins.length).toBeGreaterThanOrEqual(HANDFUL);
  });

  it('forecasts weeks over and weeks under the planned onboarding capacity', async () => {
    const forecast = await onboardingForecast(handle.db, { asOf: asOf.toISOString() });
    const planned = forecast.weeks.filter((w) => w.capacity !== null);
    expect(planned.filter((w) => w.expectedStarts > w.capacity!).length).toBeGreaterThanOrEqual(3);
    expect(planned.filter((w) => w.expectedStarts < w.capacity!).length).toBeGreaterThanOrEqual(3);
    expect(forecast.weeks.some((w) => w.capacity === null)).toBe(true);
  });

  it("shows social's lead quality dropping, and a campaign that spends without a win", async () => {
    const before = await leadQuality(handle.db, { range: { from: daysBefore(455), to: daysBefore(90) } });
    const recent = await leadQuality(handle.db, { range: lastDays(90) });
    const rate = (report: typeof recent, source: string) => report.bySource.find((s) => s.source === source)!.qualificationRate!;
    expect(rate(recent, 'social')).toBeLessThan(0.65 * rate(before, 'social'));
    const socialReasons = recent.bySource.find((s) => s.source === 'social')!.reasons;
    expect(socialReasons[0]!.reason).toBe('wrong company size');

    const sources = await sourcesReport(handle.db, { range: lastDays(90) });
    const lookalike = sources.byCampaign.find((c) => c.campaignId === 'cmp-social-lookalike')!;
    expect(lookalike.leads).toBeGreaterThanOrEqual(50);
    expect(lookalike.won).toBe(0);
    expect(lookalike.spendCents).toBeGreaterThan(1_000_000);
  });

  it('has customers who churned recently with their reasons, and advocates', async () => {
    const churned = events.filter((e) => e.type === 'account.churned' && e.occurredAt >= daysBefore(180));
    expect(churned.length).toBeGreaterThanOrEqual(HANDFUL);
    const [reasons] = await rows<{ churned: number; reasons: number }>(
      handle.db,
      sql`select count(*)::int as churned, count(distinct churn_reason)::int as reasons from accounts where churned_at is not null and churn_reason is not null`,
    );
    expect(reasons!.churned).toBeGreaterThanOrEqual(HANDFUL);
    expect(reasons!.reasons).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.type === 'account.advocacy' && e.occurredAt >= daysBefore(365)).length).toBeGreaterThanOrEqual(HANDFUL);
    expect((await stageCounts(handle.db)).find((s) => s.stage === 'advocacy')!.journeys).toBeGreaterThanOrEqual(HANDFUL);
  });

  it('gives every department a KPI target on track, one at risk and one off track', async () => {
    const statuses = await kpiTargetStatuses(handle.db, { asOf });
    for (const department of ['marketing', 'sales', 'operations', 'service'] as const) {
      const own = statuses.filter((s) => s.target.accountable === department).map((s) => s.status);
      expect(own.sort(), department).toEqual(['at_risk', 'off_track', 'on_track']);
    }
    // Still so in the evening of that day.
    const later = await kpiTargetStatuses(handle.db, { asOf: new Date(asOf.getTime() + 12 * 3_600_000) });
    expect(later.map((s) => [s.target.name, s.status])).toEqual(statuses.map((s) => [s.target.name, s.status]));
  });

  it('has a saved dashboard that marketing shares with the executives', async () => {
    const byRole = async (role: 'executive' | 'viewer') => {
      const [user] = await handle.db.select({ id: users.id, role: users.role }).from(users).where(sql`${users.email} = ${`${role}@demo.local`}`);
      return (await listDashboards(handle.db, { id: user!.id, role })).map((d) => d.name);
    };
    expect(await byRole('executive')).toEqual([demoDashboard.name]);
    expect(await byRole('viewer')).toEqual([]);
  });
});
