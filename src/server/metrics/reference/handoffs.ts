// Reference implementation of the handoffs report, item by item (see reference/funnel.ts): what
// the report computed before the rollups, with a handoff's time in whole minutes. Tests and the
// query benchmark compare the rollups with it; the app never calls it.
import { sql } from 'drizzle-orm';
import { one, rows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { getSetting, type SlaSettings } from '~/server/settings';
import { isoText, type DateRange, type MetricFilters } from '../filters';
import { contactNames, handoffItems, handoffKinds, slaHours, type HandoffKind, type HandoffSummary, type HandoffsReport, handoffDepartment } from '../handoffs';

interface Input {
  range: DateRange;
  filters?: MetricFilters;
  asOf?: Date;
  blackHoleLimit?: number;
}

interface StatsRow {
  items: number | string;
  done: number | string;
  done_within: number | string;
  median_hours: number | string | null;
  open_past: number | string;
  open_within: number | string;
}

interface BlackHoleRow {
  item_id: string;
  started_at: string;
  due_at: string;
  hours_overdue: number | string;
  owner: string | null;
  account_id: string | null;
  contact_id: string | null;
}

async function summarise(db: Db, kind: HandoffKind, input: Input, slas: SlaSettings, asOf: Date): Promise<HandoffSummary> {
  const sla = slaHours(kind, slas);
  const items = handoffItems(kind, input.range, input.filters ?? {});
  const at = sql`${asOf.toISOString()}::timestamptz`;
  const due = sql`(started_at + make_interval(secs => ${sla}::float8 * 3600))`;
  // Whole minutes, seconds dropped; a handoff recorded before its start took none.
  const minutes = sql`(case when done_at is not null then greatest(floor(extract(epoch from (done_at - started_at)) / 60), 0) end)::float8`;
  const open = sql`(done_at is null and not closed)`;
  const stats = await one<StatsRow>(
    db,
    sql`with items as (${items})
    select count(*)::int as items, count(done_at)::int as done,
      count(*) filter (where ${minutes} <= ${sla}::float8 * 60)::int as done_within,
      (percentile_cont(0.5) within group (order by ${minutes} / 60))::float8 as median_hours,
      count(*) filter (where ${open} and ${due} < ${at})::int as open_past,
      count(*) filter (where ${open} and ${due} >= ${at})::int as open_within
    from items`,
  );
  const blackHole = await rows<BlackHoleRow>(
    db,
    sql`with items as (${items})
    select item_id, ${isoText(sql`started_at`)} as started_at, ${isoText(due)} as due_at,
      (extract(epoch from (${at} - ${due})) / 3600)::float8 as hours_overdue,
      owner, account_id, contact_id
    from items
    where ${open} and ${due} < ${at}
    order by started_at, item_id
    limit ${input.blackHoleLimit ?? 200}`,
  );
  const names = await contactNames(db, blackHole.map((row) => row.contact_id));
  const done = Number(stats.done);
  const doneWithinSla = Number(stats.done_within);
  const openPastSla = Number(stats.open_past);
  return {
    handoff: kind,
    department: handoffDepartment[kind],
    slaHours: sla,
    items: Number(stats.items),
    done,
    doneWithinSla,
    medianHours: stats.median_hours === null ? null : Number(stats.median_hours),
    withinSlaShare: ratio(doneWithinSla, done + openPastSla),
    openWithinSla: Number(stats.open_within),
    openPastSla,
    blackHole: blackHole.map((row) => ({
      itemId: row.item_id,
      startedAt: row.started_at,
      dueAt: row.due_at,
      hoursOverdue: Number(row.hours_overdue),
      owner: row.owner,
      accountId: row.account_id,
      contactId: row.contact_id,
      contactName: (row.contact_id === null ? undefined : names.get(row.contact_id))?.name ?? null,
      email: (row.contact_id === null ? undefined : names.get(row.contact_id))?.email ?? null,
    })),
  };
}

export async function handoffsReference(db: Db, input: Input): Promise<HandoffsReport> {
  const asOf = input.asOf ?? new Date();
  const slas = await getSetting(db, 'slas');
  const summaries: HandoffSummary[] = [];
  for (const kind of handoffKinds) summaries.push(await summarise(db, kind, input, slas, asOf));
  return { asOf: asOf.toISOString(), handoffs: summaries };
}

/** One handoff's share within SLA, item by item (the KPI targets' reference). */
export async function handoffWithinSlaShareReference(db: Db, kind: HandoffKind, input: Input): Promise<number | null> {
  const summary = await summarise(db, kind, { ...input, blackHoleLimit: 0 }, await getSetting(db, 'slas'), input.asOf ?? new Date());
  return summary.withinSlaShare;
}
