// The lists behind the reports, keyset paged (./keyset): the journeys of a funnel stage, the
// black-hole items of each handoff, the accounts, and the won deals of the attribution report.
// Each order is backed by an index whose columns it names; see docs/metrics.md, "Lists".
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, type Db } from '~/server/db/client';
import { getSetting } from '~/server/settings';
import { accountColumns, accountSqlRow, toAccountRow, withStages, type AccountRow } from './accounts';
import { accountFilters, inRange, isoText, journeyFilters, metricInput, opportunityFilters, type DateRange, type MetricFilters } from './filters';
import { cohortBy, stage, stages, type CohortBy, type Stage } from './funnel';
import { contactNames, slaHours, type BlackHoleItem, type HandoffKind } from './handoffs';
import { keysetPage, pageRequest, withPaging, type Keyset, type Page } from './keyset';

export { withPaging };

export const listDirection = z.enum(['asc', 'desc']);
export type ListDirection = z.infer<typeof listDirection>;

type Paging = z.output<typeof pageRequest>;

// ---------------------------------------------------------------- journeys of a stage

export const journeyListInput = withPaging({
  ...metricInput.shape,
  cohortBy: cohortBy.default('inquiry'),
  stage,
  /** reached: every journey that reached the stage; dropped: reached it and not the next */
  list: z.enum(['reached', 'dropped']).default('reached'),
  /** by cohort date (inquiry or awareness time, as the cohort), then contact id */
  direction: listDirection.default('asc'),
});
export type JourneyListInput = z.input<typeof journeyListInput>;

export interface JourneyRow {
  contactId: string;
  name: string | null;
  email: string | null;
  source: string;
  accountId: string | null;
  /** reach time of each stage (ISO, UTC), null where not reached */
  reachedAt: Record<Stage, string | null>;
}

const reachColumn = (s: Stage): SQL => sql.raw(`l.${s}_at`);

const journeySqlRow = z.object({
  contact_id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  source: z.string(),
  journey_account_id: z.string().nullable(),
  ...(Object.fromEntries(stages.map((s) => [`${s}_iso`, z.string().nullable()])) as Record<`${Stage}_iso`, z.ZodNullable<z.ZodString>>),
});

/**
 * The journeys of the cohort that reached a stage, or that dropped off after it, in cohort order
 * (index leads (inquiry_at, contact_id) or (awareness_at, contact_id)): the cohort's range is the
 * scan's range, however rare the stage.
 */
export async function journeyList(db: Db, input: JourneyListInput): Promise<Page<JourneyRow>> {
  const parsed = journeyListInput.parse(input);
  return journeyListPage(db, parsed);
}

async function journeyListPage(db: Db, input: z.output<typeof journeyListInput>): Promise<Page<JourneyRow>> {
  const by: CohortBy = input.cohortBy;
  const next = stages[stages.indexOf(input.stage) + 1];
  const conditions = [inRange(reachColumn(by), input.range), journeyFilters(input.filters), sql`${reachColumn(input.stage)} is not null`];
  // Nobody drops off after the last stage.
  if (input.list === 'dropped') conditions.push(next === undefined ? sql`false` : sql`${reachColumn(next)} is null`);
  const keyset: Keyset = {
    name: `journeys.${by}.${input.direction}`,
    columns: [
      { sql: reachColumn(by), type: 'timestamptz' },
      { sql: sql.raw('l.contact_id'), type: 'text' },
    ],
    direction: input.direction,
  };
  return keysetPage(db, {
    select: sql`l.contact_id, l.name, l.email, l.source, l.journey_account_id,
      ${sql.join(
        stages.map((s) => sql`${isoText(reachColumn(s))} as ${sql.raw(`${s}_iso`)}`),
        sql`, `,
      )}`,
    from: sql`leads l`,
    where: sql.join(conditions, sql` and `),
    keyset,
    page: input,
    row: journeySqlRow,
    map: (row): JourneyRow => ({
      contactId: row.contact_id,
      name: row.name,
      email: row.email,
      source: row.source,
      accountId: row.journey_account_id,
      reachedAt: Object.fromEntries(stages.map((s) => [s, row[`${s}_iso`]])) as Record<Stage, string | null>,
    }),
  });
}

// ---------------------------------------------------------------- won deals

export const wonDealsInput = withPaging({ ...metricInput.shape });
export type WonDealsInput = z.input<typeof wonDealsInput>;

export interface WonDeal {
  opportunityId: string;
  accountId: string | null;
  accountName: string | null;
  dealType: string | null;
  amountCents: number;
  wonAt: string;
}

/** The won deals of the attribution report (won time in range, filters applied), latest win first (index opportunities (won_at, opportunity_id)). */
export async function wonDeals(db: Db, input: WonDealsInput): Promise<Page<WonDeal>> {
  const { range, filters, ...page } = wonDealsInput.parse(input);
  return keysetPage(db, {
    select: sql`o.opportunity_id as id, o.account_id, a.name as account_name, o.deal_type,
      coalesce(o.amount_cents, 0)::float8 as amount, ${isoText(sql.raw('o.won_at'))} as won_at`,
    from: sql`opportunities o left join accounts a on a.account_id = o.account_id`,
    where: sql`o.status = 'won' and ${inRange(sql.raw('o.won_at'), range)} and ${opportunityFilters(filters, sql.raw('o'))}`,
    keyset: {
      name: 'wonDeals',
      columns: [
        { sql: sql.raw('o.won_at'), type: 'timestamptz' },
        { sql: sql.raw('o.opportunity_id'), type: 'text' },
      ],
      direction: 'desc',
    },
    page,
    row: z.object({
      id: z.string(),
      account_id: z.string().nullable(),
      account_name: z.string().nullable(),
      deal_type: z.string().nullable(),
      amount: dbNumber,
      won_at: z.string(),
    }),
    map: (d): WonDeal => ({
      opportunityId: d.id,
      accountId: d.account_id,
      accountName: d.account_name,
      dealType: d.deal_type,
      amountCents: d.amount,
      wonAt: d.won_at,
    }),
  });
}

// ---------------------------------------------------------------- black holes

interface BlackHoleSource {
  from: SQL;
  /** open (not handed off, not closed), before the filters and the range */
  open: SQL;
  filters: (filters: MetricFilters) => SQL;
  started: SQL;
  id: SQL;
  columns: SQL;
}

/**
 * The items still open past their SLA, as the handoffs report defines them, longest waiting first.
 * Each scan is a range of a partial index of the open items where there is one: leads without a
 * follow-up (inquiry_at, contact_id), open tickets (opened_at, ticket_id); won deals read
 * opportunities (won_at, opportunity_id) and skip those whose onboarding started.
 */
const blackHoleSources: Record<HandoffKind, BlackHoleSource> = {
  leadFollowUp: {
    from: sql`leads l`,
    open: sql`l.first_follow_up_at is null and l.disqualified_at is null`,
    filters: (filters) => journeyFilters(filters),
    started: sql.raw('l.inquiry_at'),
    id: sql.raw('l.contact_id'),
    columns: sql`l.follow_up_owner_id as owner, l.journey_account_id as account_id, l.contact_id`,
  },
  onboardingStart: {
    from: sql`opportunities o left join onboardings b on b.opportunity_id = o.opportunity_id`,
    open: sql`o.status = 'won' and b.started_at is null`,
    filters: (filters) => opportunityFilters(filters),
    started: sql.raw('o.won_at'),
    id: sql.raw('o.opportunity_id'),
    columns: sql`o.account_id as owner, o.account_id, o.contact_id`,
  },
  ticketResolution: {
    from: sql`tickets t`,
    open: sql`t.resolved_at is null`,
    filters: (filters) => accountFilters(filters, sql`t.account_id`),
    started: sql.raw('t.opened_at'),
    id: sql.raw('t.ticket_id'),
    columns: sql`t.account_id as owner, t.account_id, t.contact_id`,
  },
};

export interface BlackHoleInput {
  handoff: HandoffKind;
  range: DateRange;
  filters?: MetricFilters;
  /** the instant open items are judged at: keep it for every page of one list */
  asOf: Date;
  page: Paging;
}

const blackHoleSqlRow = z.object({
  item_id: z.string(),
  started_at: z.string(),
  due_at: z.string(),
  hours_overdue: dbNumber,
  owner: z.string().nullable(),
  account_id: z.string().nullable(),
  contact_id: z.string().nullable(),
});

export async function blackHoleList(db: Db, input: BlackHoleInput): Promise<Page<BlackHoleItem>> {
  const source = blackHoleSources[input.handoff];
  const hours = slaHours(input.handoff, await getSetting(db, 'slas'));
  const sla = sql`make_interval(secs => ${hours}::float8 * 3600)`;
  const at = sql`${input.asOf.toISOString()}::timestamptz`;
  const due = sql`(${source.started} + ${sla})`;
  const page = await keysetPage(db, {
    select: sql`${source.id} as item_id, ${isoText(source.started)} as started_at, ${isoText(due)} as due_at,
      (extract(epoch from (${at} - ${due})) / 3600)::float8 as hours_overdue, ${source.columns}`,
    from: source.from,
    // Past due, written as a bound on the start so that it is part of the index range.
    where: sql`${source.open} and ${inRange(source.started, input.range)} and ${source.started} < ${at} - ${sla} and ${source.filters(input.filters ?? {})}`,
    keyset: {
      name: `blackHole.${input.handoff}`,
      columns: [
        { sql: source.started, type: 'timestamptz' },
        { sql: source.id, type: 'text' },
      ],
      direction: 'asc',
    },
    page: input.page,
    row: blackHoleSqlRow,
    map: (row) => row,
  });
  // The page's contact names by key, not joined into the scan (handoffItems says why).
  const names = await contactNames(db, page.items.map((row) => row.contact_id));
  return {
    ...page,
    items: page.items.map((row): BlackHoleItem => {
      const contact = row.contact_id === null ? undefined : names.get(row.contact_id);
      return {
        itemId: row.item_id,
        startedAt: row.started_at,
        dueAt: row.due_at,
        hoursOverdue: row.hours_overdue,
        owner: row.owner,
        accountId: row.account_id,
        contactId: row.contact_id,
        contactName: contact?.name ?? null,
        email: contact?.email ?? null,
      };
    }),
  };
}

// ---------------------------------------------------------------- accounts

export const accountSorts = ['name', 'firstSeen'] as const;
export type AccountSort = (typeof accountSorts)[number];

export const accountListInput = withPaging({
  /** matched against account id and name, case-insensitive */
  search: z.string().trim().max(200).optional(),
  /** only accounts with an open ticket and an open deal (renewals included) */
  openTicketWithOpenDeal: z.boolean().default(false),
  /** name: the name (the id where it has none), then id; firstSeen: when the account first appeared */
  sort: z.enum(accountSorts).default('name'),
  direction: listDirection.default('asc'),
});
export type AccountListInput = z.input<typeof accountListInput>;

// Driven from the (few) open tickets rather than probed per account.
const openTicketWithOpenDeal = sql`a.account_id in (
  select t.account_id from tickets t where t.resolved_at is null
  intersect
  select o.account_id from opportunities o where o.status = 'open')`;

/** The index expressions of each account order (indexes accounts_sort_name_idx, accounts_first_seen_idx). */
const accountSortColumn: Record<AccountSort, { sql: SQL; type: 'text' | 'timestamptz' }> = {
  name: { sql: sql.raw('coalesce(a.name, a.account_id)'), type: 'text' },
  firstSeen: { sql: sql.raw('a.first_seen_at'), type: 'timestamptz' },
};

export async function accountList(db: Db, input: AccountListInput = {}): Promise<Page<AccountRow>> {
  const { search, openTicketWithOpenDeal: serviceOnly, sort, direction, ...page } = accountListInput.parse(input);
  const parts: SQL[] = [sql`true`];
  const text = search?.trim();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(sql`(a.account_id ilike ${pattern} or a.name ilike ${pattern})`);
  }
  if (serviceOnly) parts.push(openTicketWithOpenDeal);
  const found = await keysetPage(db, {
    select: accountColumns,
    from: sql`accounts a`,
    where: sql.join(parts, sql` and `),
    keyset: { name: `accounts.${sort}.${direction}`, columns: [accountSortColumn[sort], { sql: sql.raw('a.account_id'), type: 'text' }], direction },
    page,
    row: accountSqlRow,
    map: (row) => row,
  });
  return { ...found, items: (await withStages(db, found.items)).map(toAccountRow) };
}
