import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogue } from '~/server/ingest/catalogue';
import { validateEvent } from '~/server/ingest/validate';
import { isoWeekOf, addWeeks } from '~/lib/isoWeek';
import { DEMO_BATCH_SIZE, generateDemo, type DemoBatch, type DemoEvent } from './generate';

const anchor = new Date('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;

function digest(batches: Iterable<DemoBatch>): string {
  const hash = createHash('sha256');
  for (const batch of batches) hash.update(JSON.stringify(batch)).update('\n');
  return hash.digest('hex');
}

function collect(options: Parameters<typeof generateDemo>[0]): { batches: DemoBatch[]; events: DemoEvent[] } {
  const batches = [...generateDemo(options)];
  return { batches, events: batches.flatMap((b) => b.events) };
}

function ofType<T extends DemoEvent['type']>(events: DemoEvent[], type: T): Extract<DemoEvent, { type: T }>[] {
  return events.filter((e): e is Extract<DemoEvent, { type: T }> => e.type === type);
}

describe('generateDemo', () => {
  const { batches, events } = collect({ leads: 2000, seed: 42, anchor });

  it('gives byte-identical events for the same options, and others for another seed', () => {
    const again = digest(generateDemo({ leads: 2000, seed: 42, anchor }));
    expect(again).toBe(digest(batches));
    expect(digest(generateDemo({ leads: 2000, seed: 43, anchor }))).not.toBe(again);
  });

  it('yields batches of at most 1,000 events of one department each', () => {
    for (const batch of batches) {
      expect(batch.events.length).toBeGreaterThan(0);
      expect(batch.events.length).toBeLessThanOrEqual(DEMO_BATCH_SIZE);
      for (const event of batch.events) expect(catalogue[event.type].department).toBe(batch.department);
    }
  });

  it('emits only valid events with unique ids', () => {
    const ids = new Set(events.map((e) => e.id));
    expect(ids.size).toBe(events.length);
    for (const batch of batches) {
      for (const event of batch.events) {
        const result = validateEvent(event, batch.department);
        expect(result.ok, `${event.id}: ${JSON.stringify(result)}`).toBe(true);
      }
    }
  });

  it('spans the 20 months before the anchor and nothing after it', () => {
    const times = events.map((e) => Date.parse(e.occurredAt));
    expect(Math.max(...times)).toBeLessThanOrEqual(anchor.getTime());
    expect(Math.min(...times)).toBe(Date.parse('2024-07-01T00:00:00Z'));
    // Activity in every month of the span, not only at its ends.
    const months = new Set(events.map((e) => e.occurredAt.slice(0, 7)));
    expect(months.size).toBe(20);
  });

  it('creates exactly the leads asked for, several touches each, some without a source', () => {
    const created = ofType(events, 'lead.created');
    expect(created).toHaveLength(2000);
    expect(new Set(created.map((e) => e.data.contactId)).size).toBe(2000);
    const touches = ofType(events, 'touch');
    expect(touches.length / created.length).toBeGreaterThan(2.5);
    const withoutSource = created.filter((e) => e.data.source === undefined).length;
    expect(withoutSource / created.length).toBeGreaterThan(0.05);
    expect(withoutSource / created.length).toBeLessThan(0.25);
    // Anonymous touches are tied to leads by the anonymousId their lead.created names.
    const named = new Set(created.map((e) => e.data.anonymousId).filter((id) => id !== undefined));
    const anonymous = touches.filter((t) => t.data.anonymousId !== undefined);
    expect(anonymous.length).toBeGreaterThan(500);
    for (const t of anonymous) expect(named.has(t.data.anonymousId!)).toBe(true);
    expect(touches.filter((t) => t.data.contactId !== undefined).length).toBeGreaterThan(1000);
  });

  it('follows up most leads within 24 hours, some late, some never', () => {
    const createdAt = new Map(ofType(events, 'lead.created').map((e) => [e.data.contactId, Date.parse(e.occurredAt)]));
    const first = new Map<string, number>();
    for (const e of ofType(events, 'lead.followed_up')) {
      const at = Date.parse(e.occurredAt);
      expect(e.data.ownerId).toMatch(/^rep-/);
      if (!(at >= (first.get(e.data.contactId) ?? Infinity))) first.set(e.data.contactId, at);
    }
    let onTime = 0;
    let late = 0;
    for (const [contact, at] of first) {
      if (at - createdAt.get(contact)! <= 24 * HOUR) onTime++;
      else late++;
    }
    const never = createdAt.size - first.size;
    expect(onTime / createdAt.size).toBeGreaterThan(0.55);
    expect(late / createdAt.size).toBeGreaterThan(0.1);
    expect(never / createdAt.size).toBeGreaterThan(0.08);
  });

  it('disqualifies with reasons whose mix depends on the source', () => {
    const sourceOf = new Map(ofType(events, 'lead.created').map((e) => [e.data.contactId, e.data.source]));
    const reasons = new Map<string, Map<string, number>>();
    for (const e of ofType(events, 'lead.disqualified')) {
      const source = sourceOf.get(e.data.contactId) ?? 'none';
      const bySource = reasons.get(source) ?? new Map<string, number>();
      bySource.set(e.data.reason, (bySource.get(e.data.reason) ?? 0) + 1);
      reasons.set(source, bySource);
    }
    const all = new Set([...reasons.values()].flatMap((m) => [...m.keys()]));
    for (const reason of ['no budget', 'wrong company size', 'no need', 'bad timing', 'unreachable']) expect(all.has(reason)).toBe(true);
    // Display ads bring leads with no need far more often than referrals do.
    const share = (source: string, reason: string) => {
      const m = reasons.get(source)!;
      return (m.get(reason) ?? 0) / [...m.values()].reduce((s, n) => s + n, 0);
    };
    expect(share('display', 'no need')).toBeGreaterThan(share('referral', 'no need') + 0.1);
  });

  it('has three deal types with different win rates and cycles, and deals still open at the anchor', () => {
    const created = ofType(events, 'opportunity.created');
    const closed = new Map<string, { won: boolean; at: number }>();
    for (const e of ofType(events, 'opportunity.won')) closed.set(e.data.opportunityId, { won: true, at: Date.parse(e.occurredAt) });
    for (const e of ofType(events, 'opportunity.lost')) closed.set(e.data.opportunityId, { won: false, at: Date.parse(e.occurredAt) });
    const byType = new Map<string, { won: number; lost: number; open: number; cycles: number[] }>();
    for (const e of created) {
      const t = byType.get(e.data.dealType) ?? { won: 0, lost: 0, open: 0, cycles: [] };
      const outcome = closed.get(e.data.opportunityId);
      if (!outcome) t.open++;
      else {
        if (outcome.won) t.won++;
        else t.lost++;
        t.cycles.push((outcome.at - Date.parse(e.occurredAt)) / (24 * HOUR));
      }
      byType.set(e.data.dealType, t);
    }
    expect([...byType.keys()].sort()).toEqual(['new_business', 'partner', 'renewal', 'upsell']);
    // Renewal deals are the renewals coming due after the anchor: all still open.
    expect(byType.get('renewal')).toMatchObject({ won: 0, lost: 0 });
    expect(byType.get('renewal')!.open).toBeGreaterThan(0);
    const winRate = (t: string) => byType.get(t)!.won / (byType.get(t)!.won + byType.get(t)!.lost);
    const medianCycle = (t: string) => {
      const c = [...byType.get(t)!.cycles].sort((a, b) => a - b);
      return c[Math.floor(c.length / 2)]!;
    };
    expect(winRate('upsell')).toBeGreaterThan(winRate('new_business'));
    expect(medianCycle('partner')).toBeGreaterThan(medianCycle('new_business'));
    expect(medianCycle('new_business')).toBeGreaterThan(medianCycle('upsell'));
    const open = [...byType.values()].reduce((s, t) => s + t.open, 0);
    expect(open).toBeGreaterThan(20);
    expect(ofType(events, 'opportunity.updated').some((e) => e.data.stage === 'negotiation')).toBe(true);
    expect(ofType(events, 'opportunity.lost').every((e) => typeof e.data.reason === 'string')).toBe(true);
  });

  it('starts onboarding after wins, mostly within a week and some late', () => {
    const wonAt = new Map(ofType(events, 'opportunity.won').map((e) => [e.data.opportunityId, Date.parse(e.occurredAt)]));
    const lags = ofType(events, 'onboarding.started').map((e) => {
      expect(wonAt.has(e.data.opportunityId)).toBe(true);
      return (Date.parse(e.occurredAt) - wonAt.get(e.data.opportunityId)!) / (24 * HOUR);
    });
    expect(lags.every((lag) => lag > 0)).toBe(true);
    expect(lags.filter((lag) => lag <= 7).length / lags.length).toBeGreaterThan(0.7);
    expect(lags.some((lag) => lag > 7)).toBe(true);
    expect(ofType(events, 'onboarding.completed').length).toBeGreaterThan(0);
  });

  it('plans capacity for every week up to 12 weeks ahead but two', () => {
    const weeks = new Set(ofType(events, 'capacity.set').map((e) => e.data.week));
    const current = isoWeekOf(anchor);
    const ahead = Array.from({ length: 12 }, (_, i) => addWeeks(current, i + 1));
    expect(ahead.filter((w) => !weeks.has(w))).toHaveLength(2);
    expect(weeks.has(addWeeks(current, -40))).toBe(true);
  });

  it('gives won accounts tickets, renewals, expansions, churn and advocacy', () => {
    const opened = ofType(events, 'ticket.opened');
    const resolvedAt = new Map(ofType(events, 'ticket.resolved').map((e) => [e.data.ticketId, Date.parse(e.occurredAt)]));
    const stillOpen = opened.filter((t) => !resolvedAt.has(t.data.ticketId));
    const slow = opened.filter((t) => (resolvedAt.get(t.data.ticketId) ?? 0) - Date.parse(t.occurredAt) > 48 * HOUR);
    expect(stillOpen.length).toBeGreaterThan(0);
    expect(slow.length).toBeGreaterThan(0);
    expect(ofType(events, 'ticket.resolved').some((e) => e.data.csat !== undefined)).toBe(true);
    const wonAccounts = new Set(
      ofType(events, 'opportunity.created')
        .filter((o) => ofType(events, 'opportunity.won').some((w) => w.data.opportunityId === o.data.opportunityId))
        .map((o) => o.data.accountId),
    );
    for (const type of ['account.renewed', 'account.expanded', 'account.churned', 'account.advocacy'] as const) {
      const ofKind = ofType(events, type);
      expect(ofKind.length, type).toBeGreaterThan(0);
      for (const e of ofKind) expect(wonAccounts.has(e.data.accountId)).toBe(true);
    }
    expect(new Set(ofType(events, 'account.advocacy').map((e) => e.data.kind))).toEqual(new Set(['referral', 'review', 'case_study']));
  });

  it('runs campaigns on several channels with budgets and spend over the whole span', () => {
    const campaigns = ofType(events, 'campaign.upserted');
    expect(new Set(campaigns.map((c) => c.data.channel)).size).toBeGreaterThanOrEqual(7);
    expect(campaigns.every((c) => (c.data.budgetCents ?? 0) > 0)).toBe(true);
    const spend = ofType(events, 'campaign.spend');
    const spendMonths = new Set(spend.map((e) => e.data.date.slice(0, 7)));
    expect(spendMonths.size).toBe(20);
    // No campaign spends before it exists.
    const upsertedAt = new Map<string, string>();
    for (const c of campaigns) if (!(c.occurredAt >= (upsertedAt.get(c.data.campaignId) ?? '9'))) upsertedAt.set(c.data.campaignId, c.occurredAt);
    for (const e of spend) expect(e.occurredAt >= upsertedAt.get(e.data.campaignId)!, e.id).toBe(true);
  });

  it('refuses fewer than 18 months', () => {
    expect(() => [...generateDemo({ leads: 10, months: 12 })]).toThrow(RangeError);
  });
});
