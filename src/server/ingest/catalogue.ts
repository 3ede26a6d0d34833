// The event catalogue: every event type each department may send, and the shape of its data.
import { z } from 'zod';
import { isValidIsoWeek } from '~/lib/isoWeek';

export const departments = ['marketing', 'sales', 'operations', 'service'] as const;
export type Department = (typeof departments)[number];
export const department = z.enum(departments);

const key = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');
const optionalKey = key.optional();
const text = z.string().max(2000, 'at most 2000 characters');
const cents = z
  .number({ error: 'must be a whole number of cents' })
  .int('must be a whole number of cents')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
/**
 * Channels and sources are free strings compared trimmed and lower-cased. The length is checked
 * after lower-casing: some letters grow (İ becomes i + a combining dot), and what is stored must
 * validate again when the log is replayed.
 */
const label = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform((value) => value.toLowerCase())
  .pipe(z.string().max(200, 'at most 200 characters (lower-cased)'));

/** Postgres keeps timestamps from 4713 BC, but ISO text past year 9999 or before year 1 does not round-trip. */
const earliestMs = Date.parse('0001-01-01T00:00:00Z');
const latestMs = Date.parse('9999-12-31T23:59:59.999Z');
export function isStorableInstant(value: string): boolean {
  const time = Date.parse(value);
  // Text that is no date-time at all is the format check's to report.
  return Number.isNaN(time) || (time >= earliestMs && time <= latestMs);
}
export const instant = (error: string) =>
  z.iso
    .datetime({ offset: true, error })
    .refine(isStorableInstant, { message: 'must fall between the years 0001 and 9999 once converted to UTC' });

const touch = z
  .object({
    contactId: optionalKey,
    anonymousId: optionalKey,
    channel: label,
    campaignId: optionalKey,
    touchType: key,
    url: text.optional(),
  })
  .refine((d) => d.contactId !== undefined || d.anonymousId !== undefined, {
    path: ['contactId'],
    message: 'contactId or anonymousId is required',
  });

const leadCreated = z.object({
  contactId: key,
  accountId: optionalKey,
  email: z.string().trim().max(320).optional(),
  name: text.optional(),
  company: z.string().max(200, 'at most 200 characters').optional(),
  source: label.optional(),
  campaignId: optionalKey,
  anonymousId: optionalKey,
});

const campaignUpserted = z.object({
  campaignId: key,
  name: z.string().trim().min(1, 'must not be empty').max(500),
  channel: label,
  budgetCents: cents.optional(),
});

const campaignSpend = z.object({
  campaignId: key,
  amountCents: cents,
  date: z.iso.date('must be a date, YYYY-MM-DD').refine((d) => !d.startsWith('0000'), { message: 'year 0000 does not exist' }),
});

const leadFollowedUp = z.object({ contactId: key, activity: key, ownerId: optionalKey });
const leadQualified = z.object({ contactId: key, reason: text.optional() });
const leadDisqualified = z.object({ contactId: key, reason: z.string().trim().min(1, 'is required').max(2000) });

const dealType = label;
const opportunityCreated = z.object({
  opportunityId: key,
  accountId: key,
  contactId: optionalKey,
  amountCents: cents,
  dealType,
  stage: key.optional(),
});
const opportunityUpdated = z.object({
  opportunityId: key,
  amountCents: cents.optional(),
  stage: key.optional(),
  expectedCloseAt: instant('must be an ISO 8601 date-time').optional(),
});
const opportunityWon = z.object({ opportunityId: key, amountCents: cents.optional() });
const opportunityLost = z.object({ opportunityId: key, reason: text.optional() });

const onboarding = z.object({ opportunityId: key, accountId: optionalKey });
const capacitySet = z.object({
  week: z.string().refine(isValidIsoWeek, 'must be an ISO week such as 2026-W07'),
  slots: z.number().int('must be a whole number').min(0, 'must not be negative').max(1_000_000),
});
const accountAmount = z.object({ accountId: key, amountCents: cents });
const accountChurned = z.object({ accountId: key, reason: text.optional() });
const accountAdvocacy = z.object({
  accountId: key,
  contactId: optionalKey,
  kind: z.enum(['referral', 'review', 'case_study']),
});

const ticketOpened = z.object({
  ticketId: key,
  accountId: key,
  contactId: optionalKey,
  category: key.optional(),
  priority: key.optional(),
});
const ticketResolved = z.object({
  ticketId: key,
  csat: z.number().int('must be a whole number from 1 to 5').min(1, 'must be from 1 to 5').max(5, 'must be from 1 to 5').optional(),
});

export const catalogue = {
  touch: { department: 'marketing', data: touch },
  'lead.created': { department: 'marketing', data: leadCreated },
  'campaign.upserted': { department: 'marketing', data: campaignUpserted },
  'campaign.spend': { department: 'marketing', data: campaignSpend },
  'lead.followed_up': { department: 'sales', data: leadFollowedUp },
  'lead.qualified': { department: 'sales', data: leadQualified },
  'lead.disqualified': { department: 'sales', data: leadDisqualified },
  'opportunity.created': { department: 'sales', data: opportunityCreated },
  'opportunity.updated': { department: 'sales', data: opportunityUpdated },
  'opportunity.won': { department: 'sales', data: opportunityWon },
  'opportunity.lost': { department: 'sales', data: opportunityLost },
  'onboarding.started': { department: 'operations', data: onboarding },
  'onboarding.completed': { department: 'operations', data: onboarding },
  'capacity.set': { department: 'operations', data: capacitySet },
  'account.renewed': { department: 'operations', data: accountAmount },
  'account.expanded': { department: 'operations', data: accountAmount },
  'account.churned': { department: 'operations', data: accountChurned },
  'account.advocacy': { department: 'operations', data: accountAdvocacy },
  'ticket.opened': { department: 'service', data: ticketOpened },
  'ticket.resolved': { department: 'service', data: ticketResolved },
} as const satisfies Record<string, { department: Department; data: z.ZodType }>;

export type Catalogue = typeof catalogue;
export type EventType = keyof Catalogue;
export type EventData<T extends EventType> = z.output<Catalogue[T]['data']>;
export const eventTypes = Object.keys(catalogue) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(catalogue, value);
}

export function typesOf(dept: Department): EventType[] {
  return eventTypes.filter((type) => catalogue[type].department === dept);
}

/** A validated event: the envelope plus its normalised data. */
export type IngestEvent = {
  [T in EventType]: { id: string; type: T; occurredAt: Date; data: EventData<T> };
}[EventType];

export const envelope = z.object({
  id: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'at most 200 characters'),
  type: z.string({ error: 'is required and must be a string' }),
  occurredAt: instant('must be an ISO 8601 date-time with a time zone'),
  data: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
});

/** The key of the entity an event is about; every event type has one. */
export function entityKeyOf(event: IngestEvent): string {
  switch (event.type) {
    case 'touch':
      return event.data.contactId ?? event.data.anonymousId ?? '';
    case 'lead.created':
    case 'lead.followed_up':
    case 'lead.qualified':
    case 'lead.disqualified':
      return event.data.contactId;
    case 'campaign.upserted':
    case 'campaign.spend':
      return event.data.campaignId;
    case 'opportunity.created':
    case 'opportunity.updated':
    case 'opportunity.won':
    case 'opportunity.lost':
    case 'onboarding.started':
    case 'onboarding.completed':
      return event.data.opportunityId;
    case 'capacity.set':
      return event.data.week;
    case 'account.renewed':
    case 'account.expanded':
    case 'account.churned':
    case 'account.advocacy':
      return event.data.accountId;
    case 'ticket.opened':
    case 'ticket.resolved':
      return event.data.ticketId;
  }
}

export function accountIdOf(event: IngestEvent): string | null {
  return 'accountId' in event.data && typeof event.data.accountId === 'string' ? event.data.accountId : null;
}
