// Realistic, deterministic event traffic for the ingestion benchmark: journeys of contacts from
// anonymous and known touches through leads, follow-ups, qualification, opportunities, onboarding,
// tickets, renewals, expansions, churn and advocacy, plus campaigns, spend and capacity. Each
// department's events fill its own 1,000-event batches, so batches of different departments
// interleave and a journey's events arrive out of order across them, as they do in production.
import { isoWeekOf } from '~/lib/isoWeek';
import type { Department, EventData, EventType } from '~/server/ingest/catalogue';

export interface WireEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  data: EventData<T>;
}

/** What the benchmark sends: this file's traffic or the demo generator's batches. */
export interface Batch {
  department: Department;
  events: readonly { id: string; type: EventType; occurredAt: string; data: object }[];
}

/** mulberry32: small, fast and good enough for demo traffic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const channels = ['paid_search', 'paid_social', 'email', 'organic_search', 'events', 'referral', 'display', 'direct'];
const touchTypes = ['page_view', 'ad_click', 'email_open', 'email_click', 'form_view', 'webinar', 'download'];
const stages = ['discovery', 'demo', 'proposal', 'negotiation', 'commit'];
const dealTypes = ['new_business', 'expansion', 'renewal'];
const followUpActivities = ['call', 'email', 'meeting', 'linkedin'];
const lostReasons = ['price', 'competitor', 'no_decision', 'timing', 'missing_feature'];
const disqualifyReasons = ['no budget', 'student', 'competitor', 'wrong region', 'spam'];
const churnReasons = ['price', 'switched vendor', 'company closed', 'low usage'];
const ticketCategories = ['billing', 'bug', 'how_to', 'integration', 'outage'];
const priorities = ['low', 'normal', 'high', 'urgent'];
const owners = Array.from({ length: 12 }, (_, i) => `rep-${i + 1}`);

const DAY = 86_400_000;
const CAMPAIGNS = 40;
/** Journeys start over a year; each spans up to a few months. */
const START = Date.UTC(2025, 0, 1);
const JOURNEYS_PER_DAY = 120;

export interface TrafficOptions {
  seed?: number;
  batchSize?: number;
  /** distinguishes event ids of runs that share a database */
  prefix?: string;
}

/**
 * An endless stream of full batches. Department mix by volume: about 60% marketing, 25% sales,
 * 8% operations, 7% service, which is what a touch-heavy funnel sends.
 */
export function* traffic(options: TrafficOptions = {}): Generator<Batch> {
  const rnd = random(options.seed ?? 1);
  const batchSize = options.batchSize ?? 1000;
  const prefix = options.prefix ?? 'ev';
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const chance = (p: number) => rnd() < p;
  const between = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const cents = (min: number, max: number) => between(min / 100, max / 100) * 100;

  const buffers: Record<Department, WireEvent[]> = { marketing: [], sales: [], operations: [], service: [] };
  const ready: Batch[] = [];
  let seq = 0;
  const emit = <T extends EventType>(department: Department, type: T, at: number, data: EventData<T>) => {
    const buffer = buffers[department];
    buffer.push({ id: `${prefix}-${++seq}`, type, occurredAt: new Date(Math.round(at)).toISOString(), data } as WireEvent);
    if (buffer.length === batchSize) {
      ready.push({ department, events: buffer.splice(0) });
    }
  };

  const campaigns = Array.from({ length: CAMPAIGNS }, (_, i) => ({ id: `cmp-${i + 1}`, channel: channels[i % channels.length]! }));
  for (const c of campaigns) {
    emit('marketing', 'campaign.upserted', START - 30 * DAY, {
      campaignId: c.id,
      name: `${c.channel.replace('_', ' ')} wave ${c.id.slice(4)}`,
      channel: c.channel,
      budgetCents: cents(500_000, 5_000_000),
    });
  }

  let contact = 0;
  let account = 0;
  let opportunity = 0;
  let ticket = 0;
  let anonymous = 0;
  let day = 0;
  let openAccount: { id: string; company: string; seats: number } | null = null;

  for (;;) {
    const today = START + day * DAY;
    // Daily spend of the campaigns running that day, and next week's capacity on Mondays.
    for (const c of campaigns) {
      if (chance(0.5)) {
        emit('marketing', 'campaign.spend', today + 23 * 3_600_000, {
          campaignId: c.id,
          amountCents: cents(2_000, 200_000),
          date: new Date(today).toISOString().slice(0, 10),
        });
      }
    }
    if (new Date(today).getUTCDay() === 1) {
      emit('operations', 'capacity.set', today, { week: isoWeekOf(new Date(today + 7 * DAY)), slots: between(20, 60) });
    }
    if (chance(0.3)) {
      const campaign = pick(campaigns);
      emit('marketing', 'campaign.upserted', today + rnd() * DAY, {
        campaignId: campaign.id,
        name: `${campaign.channel.replace('_', ' ')} wave ${campaign.id.slice(4)} (${day})`,
        channel: campaign.channel,
        budgetCents: cents(500_000, 5_000_000),
      });
    }

    for (let j = 0; j < JOURNEYS_PER_DAY; j++) {
      const contactId = `ct-${++contact}`;
      if (!openAccount || openAccount.seats === 0) {
        account += 1;
        openAccount = { id: `acct-${account}`, company: `Company ${account}`, seats: between(1, 5) };
      }
      openAccount.seats -= 1;
      const accountId = chance(0.85) ? openAccount.id : undefined;
      const company = accountId ? openAccount.company : undefined;
      const campaign = pick(campaigns);
      let t = today + rnd() * DAY;

      // Anonymous browsing, tied to the contact later by lead.created's anonymousId.
      const anonymousId = chance(0.45) ? `anon-${++anonymous}` : undefined;
      if (anonymousId) {
        for (let k = between(1, 4); k > 0; k--) {
          emit('marketing', 'touch', t, {
            anonymousId,
            channel: chance(0.6) ? campaign.channel : pick(channels),
            campaignId: chance(0.6) ? campaign.id : undefined,
            touchType: pick(touchTypes),
            url: `https://example.com/${pick(['pricing', 'blog', 'features', 'docs', 'demo'])}`,
          });
          t += rnd() * 3 * DAY;
        }
      }
      // Known touches before and after the inquiry.
      const knownTouches = between(1, 5);
      for (let k = 0; k < knownTouches; k++) {
        emit('marketing', 'touch', t, {
          contactId,
          channel: pick(channels),
          campaignId: chance(0.5) ? pick(campaigns).id : undefined,
          touchType: pick(touchTypes),
        });
        t += rnd() * 5 * DAY;
      }
      if (!chance(0.65)) continue;

      emit('marketing', 'lead.created', t, {
        contactId,
        accountId,
        email: `${contactId}@${accountId ?? 'mail'}.example.com`,
        name: `Contact ${contact}`,
        company,
        source: chance(0.4) ? campaign.channel : undefined,
        campaignId: chance(0.5) ? campaign.id : undefined,
        anonymousId,
      });
      t += rnd() * 2 * DAY;

      if (chance(0.75)) {
        for (let k = between(1, 3); k > 0; k--) {
          emit('sales', 'lead.followed_up', t, { contactId, activity: pick(followUpActivities), ownerId: pick(owners) });
          t += rnd() * 4 * DAY;
        }
      }
      if (chance(0.2)) {
        emit('sales', 'lead.disqualified', t, { contactId, reason: pick(disqualifyReasons) });
        continue;
      }
      if (!chance(0.45)) continue;
      emit('sales', 'lead.qualified', t, { contactId, reason: 'fits the profile' });
      t += rnd() * 7 * DAY;
      if (!accountId || !chance(0.6)) continue;

      const opportunityId = `opp-${++opportunity}`;
      emit('sales', 'opportunity.created', t, {
        opportunityId,
        accountId,
        contactId,
        amountCents: cents(500_000, 12_000_000),
        dealType: pick(dealTypes),
        stage: stages[0],
      });
      for (let s = 1; s <= between(1, 4) && s < stages.length; s++) {
        t += rnd() * 10 * DAY;
        emit('sales', 'opportunity.updated', t, {
          opportunityId,
          stage: stages[s],
          amountCents: chance(0.4) ? cents(500_000, 12_000_000) : undefined,
          expectedCloseAt: chance(0.5) ? new Date(t + between(10, 60) * DAY).toISOString() : undefined,
        });
      }
      t += rnd() * 14 * DAY;
      const outcome = rnd();
      if (outcome < 0.4) {
        emit('sales', 'opportunity.lost', t, { opportunityId, reason: pick(lostReasons) });
        continue;
      }
      if (outcome < 0.6) continue; // still open
      emit('sales', 'opportunity.won', t, { opportunityId, amountCents: chance(0.5) ? cents(500_000, 12_000_000) : undefined });

      t += rnd() * 5 * DAY;
      emit('operations', 'onboarding.started', t, { opportunityId, accountId });
      if (chance(0.8)) emit('operations', 'onboarding.completed', t + between(7, 40) * DAY, { opportunityId, accountId });
      for (let k = between(0, 3); k > 0; k--) {
        const ticketId = `tk-${++ticket}`;
        const opened = t + rnd() * 120 * DAY;
        emit('service', 'ticket.opened', opened, {
          ticketId,
          accountId,
          contactId: chance(0.7) ? contactId : undefined,
          category: pick(ticketCategories),
          priority: pick(priorities),
        });
        if (chance(0.85)) emit('service', 'ticket.resolved', opened + rnd() * 5 * DAY, { ticketId, csat: chance(0.6) ? between(1, 5) : undefined });
      }
      const later = t + between(330, 370) * DAY;
      if (chance(0.1)) {
        emit('operations', 'account.churned', later, { accountId, reason: pick(churnReasons) });
      } else if (chance(0.6)) {
        emit('operations', 'account.renewed', later, { accountId, amountCents: cents(500_000, 12_000_000) });
        if (chance(0.3)) emit('operations', 'account.expanded', later + 30 * DAY, { accountId, amountCents: cents(100_000, 3_000_000) });
      }
      if (chance(0.12)) {
        emit('operations', 'account.advocacy', t + between(60, 200) * DAY, {
          accountId,
          contactId: chance(0.5) ? contactId : undefined,
          kind: pick(['referral', 'review', 'case_study'] as const),
        });
      }
    }
    day += 1;
    while (ready.length > 0) yield ready.shift()!;
  }
}

/** How many events of each type a set of batches holds. */
export function typeMix(batches: Batch[]): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const batch of batches) for (const e of batch.events) mix[e.type] = (mix[e.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(mix).sort((a, b) => b[1] - a[1]));
}
