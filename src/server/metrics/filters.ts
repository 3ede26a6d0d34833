// The input every metric takes — a half-open UTC range and the dashboard filters — and the SQL
// fragments that apply them, so every metric family reads "segment" or "source" the same way.
// Subqueries use the aliases jo, so, fl, fc and al; give the outer rows other aliases.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { FilterKey } from '~/lib/urlFilters';

/** An instant as ISO 8601: a date-time with offset, or a date (midnight UTC). */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO 8601 date or date-time',
});

/** [from, to) in UTC. */
export const dateRange = z
  .object({ from: instant, to: instant })
  .refine((r) => toDate(r.from).getTime() < toDate(r.to).getTime(), {
    path: ['to'],
    message: 'must be after from',
  });
export type DateRange = z.infer<typeof dateRange>;

/** Filter values are compared as stored: sources, channels and deal types trimmed and lower-cased. */
const label = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .transform((value) => value.toLowerCase());

// The keys are the filter bar's (`filterKeys` in src/lib/urlFilters.ts): `satisfies` fails the build
// when one side gains or loses a filter.
export const metricFilters = z.object({
  /** the journey's source (declared, else first-touch channel, else 'unknown') */
  source: label.optional(),
  /** the lead's campaign id (as sent, case kept) */
  campaign: z.string().trim().min(1).max(200).optional(),
  /** the account segment: the deal type of the first opportunity of the journey's account */
  segment: label.optional(),
  /** the deal type of the journey's own opportunity */
  dealType: label.optional(),
} satisfies Record<FilterKey, z.ZodType>);
export type MetricFilters = z.infer<typeof metricFilters>;

export const metricInput = z.object({
  range: dateRange,
  filters: metricFilters.default({}),
});
export type MetricInput = z.input<typeof metricInput>;
export type ParsedMetricInput = z.output<typeof metricInput>;

export function toDate(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

/** `column` in [from, to). */
export function inRange(column: SQL, range: DateRange): SQL {
  return sql`(${column} >= ${toDate(range.from).toISOString()}::timestamptz and ${column} < ${toDate(range.to).toISOString()}::timestamptz)`;
}

/** A date column (e.g. campaign_spend.spend_date) in [from, to), days taken at UTC midnight. */
export function dateInRange(column: SQL, range: DateRange): SQL {
  return sql`(${column}::timestamp at time zone 'UTC' >= ${toDate(range.from).toISOString()}::timestamptz
    and ${column}::timestamp at time zone 'UTC' < ${toDate(range.to).toISOString()}::timestamptz)`;
}

/** The deal type of the journey's own opportunity: the converting one, else the earliest naming the lead. */
export function journeyDealType(lead: SQL): SQL {
  return sql`coalesce(
    (select jo.deal_type from opportunities jo where jo.opportunity_id = ${lead}.converted_opportunity_id),
    (select jo.deal_type from opportunities jo where jo.contact_id = ${lead}.contact_id
      order by jo.created_at nulls last, jo.opportunity_id limit 1))`;
}

/** The segment of an account: the deal type of its first opportunity (by creation, then id). */
export function accountSegment(accountId: SQL): SQL {
  return sql`(select so.deal_type from opportunities so where so.account_id = ${accountId}
    order by so.created_at nulls last, so.opportunity_id limit 1)`;
}

/** The segment of a journey: its account's segment, else its own deal type when it has no account. */
export function journeySegment(lead: SQL): SQL {
  return sql`coalesce(${accountSegment(sql`${lead}.journey_account_id`)}, ${journeyDealType(lead)})`;
}

/** Filters on journeys; `lead` is the alias of a `leads` row, e.g. sql.raw('l'). */
export function journeyFilters(filters: MetricFilters, lead: SQL = sql.raw('l')): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.source !== undefined) parts.push(sql`${lead}.source = ${filters.source}`);
  if (filters.campaign !== undefined) parts.push(sql`${lead}.campaign_id = ${filters.campaign}`);
  if (filters.dealType !== undefined) parts.push(sql`${journeyDealType(lead)} = ${filters.dealType}`);
  if (filters.segment !== undefined) parts.push(sql`${journeySegment(lead)} = ${filters.segment}`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

/**
 * Filters on opportunities; `opp` is the alias of an `opportunities` row. Source and campaign are
 * those of the lead the opportunity names; segment is its account's.
 */
export function opportunityFilters(filters: MetricFilters, opp: SQL = sql.raw('o')): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.dealType !== undefined) parts.push(sql`${opp}.deal_type = ${filters.dealType}`);
  if (filters.segment !== undefined)
    parts.push(sql`coalesce(${accountSegment(sql`${opp}.account_id`)}, ${opp}.deal_type) = ${filters.segment}`);
  // Uncorrelated: on a cluster the journeys are distributed and opportunities are not, and a
  // per-opportunity subquery over the journeys' shards is refused.
  if (filters.source !== undefined)
    parts.push(sql`${opp}.contact_id in (select fl.contact_id from leads fl where fl.source = ${filters.source})`);
  if (filters.campaign !== undefined)
    parts.push(sql`${opp}.contact_id in (select fl.contact_id from leads fl where fl.campaign_id = ${filters.campaign})`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

/**
 * Filters on an account-keyed row (tickets, account events); `accountId` is its account column.
 * Segment applies to the account; source, campaign and deal type match when any journey of the
 * account matches them.
 */
export function accountFilters(filters: MetricFilters, accountId: SQL): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.segment !== undefined) parts.push(sql`${accountSegment(accountId)} = ${filters.segment}`);
  if (filters.source !== undefined || filters.campaign !== undefined || filters.dealType !== undefined) {
    const journeyOnly: MetricFilters = { source: filters.source, campaign: filters.campaign, dealType: filters.dealType };
    // Not correlated with the outer row: on a cluster the matching accounts are found once
    // across the journeys' shards (a correlated subquery over journeys would be refused).
    // `offset 0` keeps it that way where the outer query also outer-joins journeys by contact
    // (tickets with their contact's name): Citus runs such a query shard by shard and, without
    // it, would look for the account's journeys on the ticket's contact's shard only.
    parts.push(
      sql`${accountId} in (select al.journey_account_id from leads al where ${journeyFilters(journeyOnly, sql.raw('al'))} offset 0)`,
    );
  }
  return sql`(${sql.join(parts, sql` and `)})`;
}

/** Filters on campaign spend; `spend` is the alias of a `campaign_spend` row. Source is the campaign's channel. */
export function spendFilters(filters: MetricFilters, spend: SQL = sql.raw('s')): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.campaign !== undefined) parts.push(sql`${spend}.campaign_id = ${filters.campaign}`);
  if (filters.source !== undefined)
    parts.push(
      sql`exists (select 1 from campaigns fc where fc.campaign_id = ${spend}.campaign_id and fc.channel = ${filters.source})`,
    );
  return sql`(${sql.join(parts, sql` and `)})`;
}

export { isoText } from '~/server/db/time';

/** Days from `start` to `end` in whole minutes (seconds dropped), as float8; null when either is null. */
export function daysBetween(start: SQL, end: SQL): SQL {
  return sql`(floor(extract(epoch from (${end} - ${start})) / 60)::float8 / 1440)`;
}
