// The deterministic demo: a software company's whole customer journey over the months before an
// anchor date, as events in the ingestion format, in batches of at most 1,000 per department.
// Accounts are generated one at a time from their own random stream, so a million leads never
// sit in memory and the same options always give the same bytes.
import type { z } from 'zod';
import { addWeeks, isoWeekOf, isoWeekStart } from '~/lib/isoWeek';
import { catalogue, type Department, type EventType } from '~/server/ingest/catalogue';
import { mixSeed, Random } from './random';

export const DEMO_BATCH_SIZE = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DemoOptions {
  /** number of leads (contacts with a lead.created); default 5,000 */
  leads?: number;
  /** default 42 */
  seed?: number;
  /** the end of the data (no event after it); default today's UTC midnight */
  anchor?: Date;
  /** months of history before the anchor; default 20, at least 18 */
  months?: number;
}

/** One event exactly as a sender posts it. */
export type DemoEvent = {
  [T in EventType]: { id: string; type: T; occurredAt: string; data: z.input<(typeof catalogue)[T]['data']> };
}[EventType];

export interface DemoBatch {
  department: Department;
  events: DemoEvent[];
}

export function todayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function resolveOptions(options: DemoOptions = {}): Required<DemoOptions> {
  const resolved = {
    leads: options.leads ?? 5000,
    seed: options.seed ?? 42,
    anchor: options.anchor ?? todayUtc(),
    months: options.months ?? 20,
  };
  if (!Number.isInteger(resolved.leads) || resolved.leads < 1) throw new RangeError('leads must be a whole number >= 1');
  if (!Number.isInteger(resolved.seed)) throw new RangeError('seed must be a whole number');
  if (!Number.isInteger(resolved.months) || resolved.months < 18) throw new RangeError('months must be a whole number >= 18');
  if (Number.isNaN(resolved.anchor.getTime())) throw new RangeError('anchor must be a valid date');
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// The market the demo company sells into.

type Channel = 'paid_search' | 'organic_search' | 'social' | 'email' | 'referral' | 'events' | 'display' | 'partner';
type DealType = 'new_business' | 'upsell' | 'partner';

interface ChannelProfile {
  /** share of new leads whose source it is */
  leadWeight: number;
  /** campaigns run over the span, the first always on */
  campaigns: number;
  /** spend reported daily (ads) or weekly */
  daily: boolean;
  /** spend per week of one campaign at 5,000 leads, in cents */
  weeklySpendCents: number;
  /** share of its leads sales qualifies */
  qualifyRate: number;
  /** win-rate multiplier of its deals */
  winFactor: number;
  disqualifyReasons: Record<string, number>;
  touchTypes: readonly string[];
}

const channels: Record<Channel, ChannelProfile> = {
  paid_search: {
    leadWeight: 24, campaigns: 6, daily: true, weeklySpendCents: 260_000, qualifyRate: 0.3, winFactor: 1,
    disqualifyReasons: { 'no budget': 3, 'wrong company size': 3, 'no need': 2, 'bad timing': 1, unreachable: 2 },
    touchTypes: ['ad_click', 'page_view', 'pricing_view'],
  },
  organic_search: {
    leadWeight: 18, campaigns: 1, daily: false, weeklySpendCents: 90_000, qualifyRate: 0.34, winFactor: 1.05,
    disqualifyReasons: { 'no budget': 2, 'wrong company size': 2, 'no need': 3, 'student or job seeker': 2, unreachable: 1 },
    touchTypes: ['page_view', 'blog_read', 'pricing_view'],
  },
  social: {
    leadWeight: 14, campaigns: 5, daily: true, weeklySpendCents: 160_000, qualifyRate: 0.18, winFactor: 0.8,
    disqualifyReasons: { 'no budget': 4, 'wrong company size': 2, 'no need': 3, 'bad timing': 1, unreachable: 3 },
    touchTypes: ['ad_click', 'post_engagement', 'page_view'],
  },
  email: {
    leadWeight: 11, campaigns: 6, daily: false, weeklySpendCents: 40_000, qualifyRate: 0.26, winFactor: 0.95,
    disqualifyReasons: { 'no budget': 2, 'no need': 2, 'bad timing': 4, unreachable: 2 },
    touchTypes: ['email_click', 'email_open', 'webinar_registration'],
  },
  referral: {
    leadWeight: 9, campaigns: 1, daily: false, weeklySpendCents: 50_000, qualifyRate: 0.55, winFactor: 1.35,
    disqualifyReasons: { 'bad timing': 3, 'wrong company size': 2, 'no budget': 1 },
    touchTypes: ['referral_link', 'page_view'],
  },
  events: {
    leadWeight: 9, campaigns: 5, daily: false, weeklySpendCents: 300_000, qualifyRate: 0.4, winFactor: 1.1,
    disqualifyReasons: { 'bad timing': 3, 'no budget': 2, 'wrong company size': 2, 'no need': 1, unreachable: 1 },
    touchTypes: ['booth_scan', 'talk_attended', 'meeting_booked'],
  },
  display: {
    leadWeight: 8, campaigns: 4, daily: true, weeklySpendCents: 120_000, qualifyRate: 0.12, winFactor: 0.7,
    disqualifyReasons: { 'no need': 4, 'wrong company size': 3, 'no budget': 2, unreachable: 3 },
    touchTypes: ['ad_view', 'ad_click'],
  },
  partner: {
    leadWeight: 7, campaigns: 2, daily: false, weeklySpendCents: 110_000, qualifyRate: 0.45, winFactor: 1.2,
    disqualifyReasons: { 'wrong company size': 3, 'bad timing': 2, 'no budget': 2 },
    touchTypes: ['partner_referral', 'co_webinar', 'page_view'],
  },
};
const channelNames = Object.keys(channels) as Channel[];
const leadSourceWeights = Object.fromEntries(channelNames.map((c) => [c, channels[c].leadWeight])) as Record<Channel, number>;
/** Channels of the touches after a lead is known: nurture mostly. */
const nurtureWeights: Record<Channel, number> = {
  email: 40, organic_search: 15, events: 12, paid_search: 10, social: 10, display: 5, referral: 3, partner: 5,
};

interface DealProfile {
  winRate: number;
  /** median days from creation to close, and its spread */
  cycleDays: number;
  cycleSigma: number;
  /** median amount in cents, and its spread */
  amountCents: number;
  amountSigma: number;
  lostReasons: Record<string, number>;
}

const deals: Record<DealType, DealProfile> = {
  new_business: {
    winRate: 0.3, cycleDays: 42, cycleSigma: 0.55, amountCents: 1_800_000, amountSigma: 0.6,
    lostReasons: { price: 4, competitor: 4, 'no decision': 5, timing: 2, 'missing feature': 2 },
  },
  upsell: {
    winRate: 0.58, cycleDays: 18, cycleSigma: 0.5, amountCents: 650_000, amountSigma: 0.5,
    lostReasons: { price: 3, 'no decision': 3, timing: 3 },
  },
  partner: {
    winRate: 0.38, cycleDays: 68, cycleSigma: 0.45, amountCents: 3_200_000, amountSigma: 0.55,
    lostReasons: { competitor: 3, 'no decision': 3, 'partner withdrew': 2, price: 2 },
  },
};
const stagesAfterCreation = ['demo', 'proposal', 'negotiation'] as const;

const firstNames = [
  'Ana', 'Ben', 'Carla', 'David', 'Elif', 'Farah', 'Gustavo', 'Hana', 'Igor', 'Julia', 'Kenji', 'Lara', 'Marco', 'Nadia',
  'Omar', 'Paula', 'Quentin', 'Rosa', 'Sami', 'Tara', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Lucas', 'Amara',
  'Noah', 'Ines', 'Mateo', 'Priya', 'Jonas', 'Leila', 'Tomas', 'Mei',
];
const lastNames = [
  'Almeida', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski',
  'Lopez', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Santos', 'Tanaka', 'Urban', 'Varga', 'Weber',
  'Xu', 'Yilmaz', 'Zimmermann', 'Silva', 'Novak', 'Mensah', 'Laine',
];
const companyStems = [
  'North', 'Blue', 'Iron', 'Silver', 'Bright', 'Green', 'Swift', 'Clear', 'Stone', 'Sun', 'Oak', 'River', 'Peak', 'Nova',
  'Atlas', 'Cedar', 'Harbor', 'Maple', 'Orbit', 'Pine', 'Quartz', 'Summit', 'Tide', 'Vertex', 'Amber', 'Birch', 'Coral',
  'Delta', 'Ember', 'Falcon', 'Granite', 'Helix', 'Indigo', 'Juniper', 'Lumen', 'Meadow',
];
const companyTails = [
  'works', 'logic', 'field', 'labs', 'bridge', 'point', 'stack', 'wave', 'line', 'forge', 'path', 'gate', 'craft', 'ware',
  'hub', 'mark', 'shore', 'vale', 'crest', 'port', 'view', 'scope', 'loop', 'grid',
];
const companyTrades = [
  'Analytics', 'Systems', 'Logistics', 'Health', 'Energy', 'Media', 'Capital', 'Robotics', 'Foods', 'Retail', 'Software',
  'Mobility', 'Insurance', 'Studios', 'Materials', 'Telecom', 'Partners', 'Pharma', 'Travel', 'Security',
];
const companySuffixes = ['Ltd', 'GmbH', 'Inc', 'SA', 'BV', 'Group', 'Co'];
/** Stem x tail x trade names, each given to one account before any repeats with a number. */
const companyNameSpace = companyStems.length * companyTails.length * companyTrades.length;
// Coprime with the name space (2^7 x 3^3 x 5): stepping by it visits every name once per round.
const companyNameStep = 7919;

/** The company name of an account: unique per account number within one demo. */
export function companyName(accountNo: number, seed: number, suffix: string): string {
  const index = accountNo - 1;
  const round = Math.floor(index / companyNameSpace);
  const offset = ((seed % companyNameSpace) + companyNameSpace) % companyNameSpace;
  let position = (((index % companyNameSpace) * companyNameStep) % companyNameSpace + offset) % companyNameSpace;
  const trade = companyTrades[position % companyTrades.length]!;
  position = Math.floor(position / companyTrades.length);
  const tail = companyTails[position % companyTails.length]!;
  const stem = companyStems[Math.floor(position / companyTails.length)]!;
  return `${stem}${tail} ${trade}${round > 0 ? ` ${round + 1}` : ''} ${suffix}`;
}
const salesReps = Array.from({ length: 14 }, (_, i) => `rep-${String(i + 1).padStart(2, '0')}`);
const followUpActivities: Record<string, number> = { call: 5, email: 4, meeting: 1, linkedin: 1 };
const ticketCategories: Record<string, number> = { how_to: 5, bug: 3, billing: 2, access: 2, integration: 2, feature_request: 1 };
const ticketPriorities: Record<string, number> = { low: 3, normal: 6, high: 2, urgent: 1 };
const atStakeTicketCategories: Record<string, number> = { bug: 4, integration: 3, access: 2, billing: 2, how_to: 1 };
const atStakeTicketPriorities: Record<string, number> = { urgent: 1, high: 3, normal: 3, low: 1 };
const churnReasons: Record<string, number> = { price: 3, 'moved to competitor': 3, 'went out of business': 1, 'low usage': 3, 'poor support': 1 };
const advocacyKinds = { referral: 5, review: 4, case_study: 1.5 } as const;
const lookalikeDisqualifyReasons: Record<string, number> = { 'wrong company size': 7, 'student or job seeker': 3, 'no need': 2, 'no budget': 1 };
const pageUrls = ['/', '/pricing', '/product', '/customers', '/blog/revenue-funnels', '/demo', '/integrations', '/security'];

// ---------------------------------------------------------------------------------------------

interface Campaign {
  id: string;
  channel: Channel;
  start: number;
  end: number;
}

/** Collects one department's events and hands them out in full batches. */
class Batcher {
  private readonly buffers = new Map<Department, DemoEvent[]>();

  constructor(private readonly anchor: number) {}

  /** Keeps an event unless it lies after the anchor (the future has not happened yet). */
  emit<T extends EventType>(id: string, type: T, at: number, data: z.input<(typeof catalogue)[T]['data']>): boolean {
    if (!(at <= this.anchor)) return false;
    const department = catalogue[type].department;
    let buffer = this.buffers.get(department);
    if (!buffer) this.buffers.set(department, (buffer = []));
    buffer.push({ id, type, occurredAt: new Date(Math.floor(at)).toISOString(), data } as DemoEvent);
    return true;
  }

  *full(): Generator<DemoBatch> {
    for (const [department, buffer] of this.buffers) {
      while (buffer.length >= DEMO_BATCH_SIZE) yield { department, events: buffer.splice(0, DEMO_BATCH_SIZE) };
    }
  }

  *rest(): Generator<DemoBatch> {
    yield* this.full();
    for (const [department, buffer] of this.buffers) {
      if (buffer.length > 0) yield { department, events: buffer.splice(0, buffer.length) };
    }
  }
}

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function startOfDay(at: number): number {
  return Math.floor(at / DAY) * DAY;
}

/** Moves a moment onto business hours of a weekday, mostly: people work in the week. */
function businessTime(rng: Random, at: number): number {
  let dayStart = startOfDay(at);
  const weekday = new Date(dayStart).getUTCDay();
  if ((weekday === 0 || weekday === 6) && rng.chance(0.75)) dayStart += (weekday === 6 ? 2 : 1) * DAY;
  const hour = Math.min(20.9, Math.max(6, 13 + 2.6 * rng.normal()));
  return dayStart + hour * HOUR + rng.int(0, 3599) * 1000;
}

/** The demo events, batch by batch. */
export function* generateDemo(options: DemoOptions = {}): Generator<DemoBatch> {
  const { leads, seed, anchor, months } = resolveOptions(options);
  const end = anchor.getTime();
  const startDate = new Date(anchor);
  startDate.setUTCMonth(startDate.getUTCMonth() - months);
  const start = startDate.getTime();
  const scale = leads / 5000;
  const out = new Batcher(end);

  const campaigns = yield* generateCampaigns(out, new Random(mixSeed(seed, 1)), start, end, scale);
  const lookalike = yield* generateLookalikeCampaign(out, new Random(mixSeed(seed, 4)), end, scale);
  yield* generateCapacity(out, new Random(mixSeed(seed, 2)), start, end, leads / ((end - start) / (7 * DAY)));

  let made = 0;
  for (let accountNo = 1; made < leads; accountNo++) {
    const rng = new Random(mixSeed(seed, 3, accountNo));
    const contacts = Math.min(leads - made, 1 + Math.min(5, Math.floor(rng.exponential(0.75))));
    generateAccount(out, rng, { accountNo, seed, firstContact: made + 1, contacts, start, end, campaigns, lookalike });
    made += contacts;
    yield* out.full();
  }
  yield* out.rest();
}

function* generateCampaigns(out: Batcher, rng: Random, start: number, end: number, scale: number): Generator<DemoBatch, Campaign[]> {
  const themes = ['Brand', 'Competitor', 'Retargeting', 'Launch', 'Webinar', 'Summit', 'Nurture', 'Spring', 'Autumn', 'Enterprise'];
  const campaigns: Campaign[] = [];
  let eventNo = 0;
  const eventId = () => `ev-cmp-${String(++eventNo).padStart(6, '0')}`;
  for (const channel of channelNames) {
    const profile = channels[channel];
    for (let n = 1; n <= profile.campaigns; n++) {
      const alwaysOn = n === 1;
      const campaignStart = alwaysOn ? start : startOfDay(start + rng.next() * (end - start - 60 * DAY));
      const campaignEnd = alwaysOn
        ? end + 365 * DAY
        : channel === 'events'
          ? campaignStart + rng.int(14, 45) * DAY
          : campaignStart + rng.int(90, 300) * DAY;
      const id = `cmp-${channel.replace('_', '-')}-${n}`;
      const weekly = profile.weeklySpendCents * scale * (0.6 + 0.8 * rng.next());
      const weeks = (Math.min(campaignEnd, end) - campaignStart) / (7 * DAY);
      const theme = alwaysOn ? 'Always on' : `${rng.pick(themes)} ${new Date(campaignStart).getUTCFullYear()}`;
      const name = `${channel.replace('_', ' ')}: ${theme}`;
      // Trade shows are booked a month ahead; their booth fee is paid before they open.
      const plannedAt = channel === 'events' ? Math.max(start, campaignStart - 30 * DAY) : campaignStart;
      out.emit(eventId(), 'campaign.upserted', plannedAt, {
        campaignId: id, name, channel, budgetCents: Math.round(weekly * Math.max(1, weeks) * 1.1),
      });
      if (rng.chance(0.3)) {
        // A budget revision half-way through.
        out.emit(eventId(), 'campaign.upserted', campaignStart + (Math.min(campaignEnd, end) - campaignStart) / 2, {
          campaignId: id, name, channel, budgetCents: Math.round(weekly * Math.max(1, weeks) * (0.9 + 0.5 * rng.next())),
        });
      }
      campaigns.push({ id, channel, start: campaignStart, end: campaignEnd });

      if (channel === 'events') {
        // Trade shows: a booth fee before, travel and follow-up after.
        for (const [offset, share] of [[-20, 0.6], [0, 0.25], [10, 0.15]] as const) {
          const at = campaignStart + offset * DAY;
          const total = profile.weeklySpendCents * scale * 6 * (0.6 + 0.8 * rng.next());
          if (at >= start && at < end) {
            out.emit(eventId(), 'campaign.spend', startOfDay(at) + 23 * HOUR, { campaignId: id, amountCents: Math.round(total * share), date: day(at) });
          }
        }
      } else {
        const step = profile.daily ? DAY : 7 * DAY;
        for (let at = campaignStart; at < Math.min(campaignEnd, end); at += step) {
          const weekday = new Date(at).getUTCDay();
          const dayFactor = profile.daily ? (weekday === 0 || weekday === 6 ? 0.55 : 1.15) / 7 : 1;
          const amount = Math.round(weekly * dayFactor * (0.75 + 0.5 * rng.next()));
          out.emit(eventId(), 'campaign.spend', startOfDay(at) + 23 * HOUR, { campaignId: id, amountCents: amount, date: day(at) });
        }
      }
      yield* out.full();
    }
  }
  return campaigns;
}

/** Days before the anchor since which social leads come mostly from the lookalike campaign. */
const LOOKALIKE_DAYS = 120;

/**
 * A social campaign of the last four months that buys lookalike audiences: it spends every day,
 * and its leads are the wrong companies, so social's lead quality drops and the campaign wins nothing.
 */
function* generateLookalikeCampaign(out: Batcher, rng: Random, end: number, scale: number): Generator<DemoBatch, Campaign> {
  const campaign: Campaign = { id: 'cmp-social-lookalike', channel: 'social', start: startOfDay(end - LOOKALIKE_DAYS * DAY), end: end + 60 * DAY };
  const weekly = channels.social.weeklySpendCents * scale * 1.4;
  let eventNo = 0;
  const eventId = () => `ev-cmp-lookalike-${String(++eventNo).padStart(4, '0')}`;
  out.emit(eventId(), 'campaign.upserted', campaign.start, {
    campaignId: campaign.id, name: 'social: Lookalike audiences', channel: 'social', budgetCents: Math.round(weekly * 26),
  });
  for (let at = campaign.start; at < end; at += DAY) {
    const weekday = new Date(at).getUTCDay();
    const dayFactor = (weekday === 0 || weekday === 6 ? 0.55 : 1.15) / 7;
    out.emit(eventId(), 'campaign.spend', at + 23 * HOUR, { campaignId: campaign.id, amountCents: Math.round(weekly * dayFactor * (0.75 + 0.5 * rng.next())), date: day(at) });
  }
  yield* out.full();
  return campaign;
}

/**
 * How the weeks after the anchor are planned against the usual demand: a holiday week and a short
 * team leave well under it, a hiring push and a contractor week well over it.
 */
const plannedCapacity = [1.05, 0.5, 1.6, 0.55, 1.45, 1.1, 1, 0.6, 1.5, 0.95, 1, 0.7];

/** Onboarding slots per ISO week, planned ahead: the past, and the 12 weeks after the anchor. */
function* generateCapacity(out: Batcher, rng: Random, start: number, end: number, leadsPerWeek: number): Generator<DemoBatch> {
  const expectedStarts = leadsPerWeek * 0.07;
  const firstWeek = isoWeekOf(new Date(start));
  const lastWeek = addWeeks(isoWeekOf(new Date(end)), 12);
  // Two future weeks nobody planned yet.
  const current = isoWeekOf(new Date(end));
  const unset = new Set([addWeeks(current, 7), addWeeks(current, 11)]);
  // ISO week labels of the same form sort as text.
  for (let week = firstWeek, n = 0; week <= lastWeek; week = addWeeks(week, 1), n++) {
    if (unset.has(week)) continue;
    const growth = 0.7 + 0.6 * Math.min(1, (isoWeekStart(week).getTime() - start) / (end - start));
    const usual = expectedStarts * growth * (0.95 + 0.35 * rng.next());
    const ahead = plannedCapacity[Math.round((isoWeekStart(week).getTime() - isoWeekStart(current).getTime()) / (7 * DAY)) - 1];
    const slots = Math.max(1, Math.round(ahead === undefined ? usual : expectedStarts * 1.3 * ahead));
    const plannedAt = Math.min(isoWeekStart(week).getTime() - 10 * DAY + 9 * HOUR, end - DAY + 10 * HOUR);
    out.emit(`ev-cap-${week}`, 'capacity.set', Math.max(start, plannedAt), { week, slots });
    if (n % 50 === 0) yield* out.full();
  }
  yield* out.full();
}

interface AccountPlan {
  accountNo: number;
  seed: number;
  firstContact: number;
  contacts: number;
  start: number;
  end: number;
  campaigns: Campaign[];
  lookalike: Campaign;
}

/** One company: its contacts' journeys, deals, onboarding, tickets and life as a customer. */
function generateAccount(out: Batcher, rng: Random, plan: AccountPlan): void {
  const { start, end } = plan;
  const accountId = `acc-${String(plan.accountNo).padStart(7, '0')}`;
  let eventNo = 0;
  const id = () => `ev-${plan.accountNo}-${++eventNo}`;
  const company = companyName(plan.accountNo, plan.seed, rng.pick(companySuffixes));
  const domain = `${company.split(' ')[0]!.toLowerCase()}${plan.accountNo}.example`;
  const owner = rng.pick(salesReps);
  // More companies find us as time goes on.
  const firstLeadAt = start + 14 * DAY + (end - start - 14 * DAY) * Math.pow(rng.next(), 0.8);

  // Written by the deals as they close, read by later contacts and the customer years.
  const state: { customerSince: number | null; baseRevenue: number; openAtEnd: number } = { customerSince: null, baseRevenue: 0, openAtEnd: 0 };
  let opportunityNo = 0;
  const contactIds: string[] = [];

  const campaignFor = (channel: Channel, at: number): string | undefined => {
    const live = plan.campaigns.filter((c) => c.channel === channel && c.start <= at && at < c.end);
    if (live.length === 0 || (channel === 'organic_search' && rng.chance(0.7))) return undefined;
    // Newer campaigns get most of the leads while they run.
    return live.length > 1 && rng.chance(0.7) ? rng.pick(live.slice(1)).id : live[0]!.id;
  };
  const touch = (at: number, channel: Channel, who: { contactId: string } | { anonymousId: string }) => {
    out.emit(id(), 'touch', at, {
      ...who,
      channel,
      campaignId: campaignFor(channel, at),
      touchType: rng.pick(channels[channel].touchTypes),
      url: `https://www.example.com${rng.pick(pageUrls)}`,
    });
  };

  const opportunity = (contactId: string, createdAt: number, dealType: DealType, winFactor: number): void => {
    const profile = deals[dealType];
    const opportunityId = `opp-${plan.accountNo}-${++opportunityNo}`;
    let amount = Math.round(profile.amountCents * Math.exp(profile.amountSigma * rng.normal()) / 100) * 100;
    out.emit(id(), 'opportunity.created', createdAt, { opportunityId, accountId, contactId, amountCents: amount, dealType, stage: 'discovery' });
    const cycle = rng.logNormal(profile.cycleDays, profile.cycleSigma) * DAY;
    const closeAt = createdAt + cycle;
    const won = rng.chance(Math.min(0.9, profile.winRate * winFactor));
    if (closeAt > end && createdAt <= end) state.openAtEnd++;
    const stagesReached = won ? stagesAfterCreation.length : rng.int(0, stagesAfterCreation.length);
    for (let s = 0; s < stagesReached; s++) {
      const at = createdAt + cycle * ((s + 1) / (stagesAfterCreation.length + 1)) * (0.8 + 0.3 * rng.next());
      const stage = stagesAfterCreation[s]!;
      if (rng.chance(0.3)) amount = Math.round(amount * (0.85 + 0.35 * rng.next()) / 100) * 100;
      out.emit(id(), 'opportunity.updated', at, {
        opportunityId,
        stage,
        amountCents: amount,
        expectedCloseAt: stage === 'proposal' ? new Date(closeAt + rng.normal() * 7 * DAY).toISOString() : undefined,
      });
    }
    if (!won) {
      out.emit(id(), 'opportunity.lost', closeAt, { opportunityId, reason: rng.weighted(profile.lostReasons) });
      return;
    }
    const finalAmount = rng.chance(0.4) ? Math.round(amount * (0.88 + 0.1 * rng.next()) / 100) * 100 : amount;
    if (!out.emit(id(), 'opportunity.won', closeAt, { opportunityId, amountCents: rng.chance(0.7) ? finalAmount : undefined })) return;
    state.customerSince ??= closeAt;
    state.baseRevenue += finalAmount;

    if (dealType === 'upsell' && rng.chance(0.6)) return; // small upsells need no onboarding
    // Wins of the last weeks wait longer: the kickoff queue operations is working through now.
    const lagDays = rng.chance(end - closeAt < 30 * DAY ? 0.55 : 0.82) ? rng.logNormal(3, 0.6) : 8 + rng.exponential(10);
    const startedAt = businessTime(rng, closeAt + lagDays * DAY);
    if (!out.emit(id(), 'onboarding.started', startedAt, { opportunityId, accountId })) return;
    if (rng.chance(0.92)) out.emit(id(), 'onboarding.completed', startedAt + rng.logNormal(21, 0.5) * DAY, { opportunityId, accountId });
  };

  for (let n = 0; n < plan.contacts; n++) {
    const contactNo = plan.firstContact + n;
    const contactId = `c-${String(contactNo).padStart(7, '0')}`;
    contactIds.push(contactId);
    let createdAt = n === 0 ? firstLeadAt : firstLeadAt + rng.exponential(45) * DAY;
    if (createdAt > end - HOUR) createdAt = firstLeadAt + (end - HOUR - firstLeadAt) * rng.next();
    createdAt = Math.min(end - HOUR, businessTime(rng, createdAt));

    const source = rng.weighted(leadSourceWeights);
    const profile = channels[source];
    const lookalike = source === 'social' && createdAt >= plan.lookalike.start && rng.chance(0.8);
    const campaignId = lookalike ? plan.lookalike.id : campaignFor(source, createdAt);

    // Anonymous visits before the form fill, tied to the lead by its anonymousId.
    const anonymous = rng.poisson(source === 'referral' || source === 'events' ? 0.6 : 1.6);
    const anonymousId = anonymous > 0 || rng.chance(0.1) ? `anon-${rng.hex(16)}` : undefined;
    for (let t = 0; t < anonymous && anonymousId; t++) {
      const at = createdAt - rng.exponential(9) * DAY - HOUR;
      const channel = t === 0 && rng.chance(0.7) ? source : rng.weighted(leadSourceWeights);
      if (at >= start) touch(at, channel, { anonymousId });
    }

    const first = rng.pick(firstNames);
    const last = rng.pick(lastNames);
    const keepSource = rng.chance(0.88); // the rest fall back to their first touch's channel
    out.emit(id(), 'lead.created', createdAt, {
      contactId,
      // The first contact names the account (so every account has a name); a few later ones leave it out.
      accountId: n === 0 || rng.chance(0.85) ? accountId : undefined,
      email: `${first}.${last}@${domain}`.toLowerCase(),
      name: `${first} ${last}`,
      company,
      source: keepSource ? source : undefined,
      campaignId,
      anonymousId,
    });

    // Known touches: nurture emails, webinars, return visits.
    const known = rng.poisson(2.3);
    for (let t = 0; t < known; t++) touch(createdAt + rng.exponential(25) * DAY, rng.weighted(nurtureWeights), { contactId });

    // Sales follows up: mostly within a day, some late, some never.
    let reachedAt: number | null = null;
    const followUp = rng.next();
    if (followUp < 0.86) {
      const withinADay = followUp < 0.66;
      const delay = withinADay ? Math.min(23.5, rng.logNormal(3.5, 0.9)) : 25 + rng.exponential(80);
      reachedAt = createdAt + delay * HOUR;
      out.emit(id(), 'lead.followed_up', reachedAt, { contactId, activity: rng.weighted(followUpActivities), ownerId: owner });
      if (rng.chance(0.35)) {
        out.emit(id(), 'lead.followed_up', reachedAt + rng.logNormal(3, 0.7) * DAY, { contactId, activity: rng.weighted(followUpActivities), ownerId: owner });
      }
    }

    const decidedAt = (reachedAt ?? createdAt) + rng.logNormal(6, 0.7) * DAY;
    const qualifyRate = lookalike ? 0.02 : reachedAt === null ? profile.qualifyRate * 0.25 : profile.qualifyRate;
    const disqualifyShare = lookalike ? 0.9 : 0.55;
    const verdict = rng.next();
    const isUpsell = state.customerSince !== null && state.customerSince < createdAt;
    if (verdict < qualifyRate) {
      const qualified = out.emit(id(), 'lead.qualified', decidedAt, { contactId, reason: rng.chance(0.5) ? 'budget and need confirmed' : undefined });
      if (qualified && !lookalike && rng.chance(0.74)) {
        const dealType: DealType = isUpsell
          ? 'upsell'
          : source === 'partner' ? (rng.chance(0.85) ? 'partner' : 'new_business')
          : source === 'referral' && rng.chance(0.3) ? 'partner' : 'new_business';
        opportunity(contactId, decidedAt + rng.logNormal(3, 0.8) * DAY, dealType, profile.winFactor);
      }
    } else if (verdict < qualifyRate + (1 - qualifyRate) * disqualifyShare) {
      const reason = reachedAt === null ? 'unreachable' : rng.weighted(lookalike ? lookalikeDisqualifyReasons : profile.disqualifyReasons);
      out.emit(id(), 'lead.disqualified', decidedAt, { contactId, reason });
    } else if ((source === 'partner' || source === 'referral') && rng.chance(0.12)) {
      // A partner brings the deal straight to an opportunity, without a qualification call.
      opportunity(contactId, decidedAt, isUpsell ? 'upsell' : 'partner', profile.winFactor);
    }
  }

  if (state.customerSince === null) return;
  const since = state.customerSince;
  const baseRevenue = state.baseRevenue;
  const primary = contactIds[0]!;

  // Life as a customer: tickets, expansions, renewals or churn, advocacy.
  const churnRisk = 0.08 + 0.12 * rng.next();
  let churnedAt = Infinity;
  let year = 1;
  for (; since + year * 365 * DAY <= end; year++) {
    const at = businessTime(rng, since + year * 365 * DAY - rng.int(0, 20) * DAY);
    if (rng.chance(churnRisk)) {
      out.emit(id(), 'account.churned', at, { accountId, reason: rng.weighted(churnReasons) });
      churnedAt = at;
      break;
    }
    out.emit(id(), 'account.renewed', at, { accountId, amountCents: Math.round(baseRevenue * (1 + 0.08 * rng.next()) / 100) * 100 });
  }
  // The next renewal: due within ten weeks of the anchor, sales has it open as a renewal deal.
  const due = since + year * 365 * DAY;
  const renewalOpenedAt = businessTime(rng, due - rng.int(35, 75) * DAY);
  if (churnedAt === Infinity && due - end <= 70 * DAY && renewalOpenedAt <= end) {
    const opportunityId = `opp-${plan.accountNo}-${++opportunityNo}`;
    const amountCents = Math.round(baseRevenue * (1 + 0.08 * rng.next()) / 100) * 100;
    out.emit(id(), 'opportunity.created', renewalOpenedAt, { opportunityId, accountId, contactId: primary, amountCents, dealType: 'renewal', stage: 'proposal' });
    out.emit(id(), 'opportunity.updated', Math.min(end - HOUR, renewalOpenedAt + rng.int(1, 10) * DAY), {
      opportunityId, stage: 'negotiation', amountCents, expectedCloseAt: new Date(startOfDay(due)).toISOString(),
    });
    state.openAtEnd++;
  }
  for (let quarter = 1; since + quarter * 91 * DAY < Math.min(end, churnedAt); quarter++) {
    if (rng.chance(0.1)) {
      const at = businessTime(rng, since + (quarter - 0.5 + rng.next()) * 91 * DAY);
      if (at < churnedAt) out.emit(id(), 'account.expanded', at, { accountId, amountCents: Math.round(baseRevenue * (0.15 + 0.35 * rng.next()) / 100) * 100 });
    }
    if (rng.chance(0.07) && since + quarter * 91 * DAY < churnedAt) {
      opportunity(rng.pick(contactIds), businessTime(rng, since + quarter * 91 * DAY), 'upsell', 1);
    }
  }
  if (rng.chance(0.24)) {
    const at = businessTime(rng, since + rng.logNormal(110, 0.6) * DAY);
    if (at < churnedAt) out.emit(id(), 'account.advocacy', at, { accountId, contactId: rng.chance(0.7) ? primary : undefined, kind: rng.weighted(advocacyKinds) });
  }

  const ticketsPerMonth = 0.25 + 0.2 * plan.contacts * rng.next();
  let ticketNo = 0;
  for (let at = since + rng.exponential(30 / ticketsPerMonth) * DAY; at < Math.min(end, churnedAt); at += rng.exponential(30 / ticketsPerMonth) * DAY) {
    const ticketId = `tkt-${plan.accountNo}-${++ticketNo}`;
    const openedAt = businessTime(rng, at);
    const priority = rng.weighted(ticketPriorities);
    out.emit(id(), 'ticket.opened', openedAt, {
      ticketId, accountId, contactId: rng.chance(0.8) ? rng.pick(contactIds) : undefined, category: rng.weighted(ticketCategories), priority,
    });
    if (rng.chance(0.03)) continue; // forgotten in a queue
    const hours = rng.logNormal(priority === 'urgent' || priority === 'high' ? 6 : 12, 1.1);
    const satisfaction = hours < 8 ? rng.weighted({ 5: 6, 4: 3, 3: 1 }) : hours < 48 ? rng.weighted({ 5: 3, 4: 4, 3: 2, 2: 1 }) : rng.weighted({ 4: 1, 3: 2, 2: 3, 1: 3 });
    out.emit(id(), 'ticket.resolved', openedAt + hours * HOUR, { ticketId, csat: rng.chance(0.7) ? Number(satisfaction) : undefined });
  }

  // A customer with a deal or renewal at stake raises a problem in the last days: still open.
  if (churnedAt === Infinity && state.openAtEnd > 0 && rng.chance(0.5)) {
    for (let n = rng.chance(0.3) ? 2 : 1; n > 0; n--) {
      let openedAt = businessTime(rng, end - rng.exponential(4) * DAY);
      if (openedAt > end || openedAt < end - 21 * DAY) openedAt = end - rng.int(2, 70) * HOUR;
      out.emit(id(), 'ticket.opened', openedAt, {
        ticketId: `tkt-${plan.accountNo}-${++ticketNo}`, accountId, contactId: rng.pick(contactIds),
        category: rng.weighted(atStakeTicketCategories), priority: rng.weighted(atStakeTicketPriorities),
      });
    }
  }
}
