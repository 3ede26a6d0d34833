// The daily or weekly digest per user, by email, built from the same data as the pages and masked for the
// user's role: the department's KPI targets with their status, its open alerts, its black holes,
// what its neighbours wrote to it, and the figure its neighbours produce for it (lead quality for
// marketing, the onboarding forecast against capacity for operations, accounts with open tickets
// and open deals for sales and service).
import { env, type Env } from '~/env';
import { sql } from 'drizzle-orm';
import { formatValue, type FormatKind } from '~/lib/format';
import { isoWeekOf } from '~/lib/isoWeek';
import { maskValue } from '~/server/api/masking';
import type { Right, Role } from '~/server/auth/rights';
import { isRole } from '~/server/auth/users';
import { rows, type Db } from '~/server/db/client';
import { accountList } from '~/server/metrics/lists';
import { onboardingForecast } from '~/server/metrics/forecast';
import { handoffs } from '~/server/metrics/handoffs';
import { kpiMetricInfo } from '~/server/kpiTargets';
import { kpiTargetStatuses } from '~/server/metrics/kpis';
import { leadQuality } from '~/server/metrics/leadQuality';
import { periodOf } from '~/server/metrics/runRate';
import { enqueue, type AlertMessage } from './outbox';
import { rightsOfRole } from './recipients';

const DAY_MS = 86_400_000;
const statusLabels: Record<string, string> = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track', not_started: 'not started', no_data: 'no data' };

export type DigestFrequency = 'daily' | 'weekly';

/** ALERTS_DIGEST: weekly (default), daily, or off. */
export function digestFrequency(config: Env = env()): DigestFrequency | null {
  return config.ALERTS_DIGEST === 'off' ? null : config.ALERTS_DIGEST;
}

/** The digest period `now` falls in: an ISO week (2026-W07) or a UTC day (2026-02-15). */
export function digestPeriod(frequency: DigestFrequency, now: Date): string {
  return frequency === 'weekly' ? isoWeekOf(now) : now.toISOString().slice(0, 10);
}

export interface Digest {
  subject: string;
  text: string;
}

export async function buildDigest(
  db: Db,
  recipient: { department: string; role: Role },
  now: Date,
  rights: ReadonlySet<Right>,
  frequency: DigestFrequency = 'weekly',
): Promise<Digest> {
  const department = recipient.department;
  const lines: string[] = [];
  const period = digestPeriod(frequency, now);
  const notesDays = frequency === 'weekly' ? 7 : 1;

  // KPI targets of the department whose period includes now.
  const statuses = (await kpiTargetStatuses(db, { asOf: now, department: isDepartmentName(department) ? department : undefined })).filter((s) => {
    const period = periodOf(s.target.periodKind, s.target.periodStart);
    return period.start.getTime() <= now.getTime() && now.getTime() < period.end.getTime();
  });
  lines.push('KPI targets');
  if (statuses.length === 0) lines.push('  none this period');
  for (const s of statuses) {
    const info = kpiMetricInfo[s.target.metric];
    const kind: FormatKind = info.unit === 'cents' ? 'cents' : info.unit === 'fraction' ? 'percent' : 'count';
    const value = <T>(v: T) => (info.unit === 'cents' ? maskValue(rights, 'money', v) : v);
    lines.push(
      `  ${s.target.name}: ${statusLabels[s.status] ?? s.status}; ${formatValue(kind, value(s.actual))} so far, ` +
        `projected ${formatValue(kind, value(s.projection))} of ${formatValue(kind, value(s.target.targetValue))} (accountable: ${s.target.accountable})`,
    );
  }

  const open = await rows<{ name: string; subject: string; state: string; since: string | Date }>(
    db,
    sql`select r.name, s.subject, s.state, s.since from alert_states s join alert_rules r on r.id = s.rule_id
    where r.department = ${department} and s.alerting = 1 order by s.since limit 50`,
  );
  lines.push('', 'Open alerts');
  if (open.length === 0) lines.push('  none');
  for (const a of open) lines.push(`  ${a.name}: ${a.subject} ${a.state.replace('_', ' ')} since ${new Date(a.since).toISOString().slice(0, 10)}`);

  const range = { from: new Date(now.getTime() - 30 * DAY_MS).toISOString(), to: now.toISOString() };
  const report = await handoffs(db, { range, asOf: now, blackHoleLimit: 5 });
  const own = report.handoffs.filter((h) => h.department === department);
  if (own.length > 0) {
    lines.push('', 'Black holes (items of the last 30 days waiting past their SLA)');
    for (const h of own) {
      lines.push(`  ${h.handoff}: ${h.openPastSla} past the ${h.slaHours} h SLA`);
      for (const item of h.blackHole) lines.push(`    ${item.itemId}: ${Math.round(item.hoursOverdue)} h overdue, owner ${item.owner ?? 'none'}`);
    }
  }

  const written = await rows<{ author_name: string; author_department: string; subject_kind: string; subject_id: string; body: string }>(
    db,
    sql`select author_name, author_department, subject_kind, subject_id, body from notes
    where to_department = ${department} and created_at >= ${new Date(now.getTime() - notesDays * DAY_MS).toISOString()}::timestamptz
    order by id desc limit 20`,
  );
  lines.push('', `What your neighbours wrote to you ${frequency === 'weekly' ? 'this week' : 'today'}`);
  if (written.length === 0) lines.push('  nothing');
  for (const n of written) lines.push(`  ${n.author_name} (${n.author_department}) on ${n.subject_kind.replace('_', ' ')} ${n.subject_id}: ${n.body}`);

  if (department === 'marketing') {
    const quality = await leadQuality(db, { range });
    lines.push('', 'Lead quality by source, last 30 days (from sales)');
    for (const s of quality.bySource.slice(0, 8)) lines.push(`  ${s.source}: ${s.qualified} of ${s.leads} qualified (${formatValue('percent', s.qualificationRate)})`);
  } else if (department === 'operations') {
    const forecast = await onboardingForecast(db, { asOf: now.toISOString() });
    lines.push('', 'Onboarding forecast against capacity (from sales)');
    for (const w of forecast.weeks.slice(0, 6)) {
      lines.push(`  ${w.week}: ${w.expectedStarts.toFixed(1)} expected starts, capacity ${w.capacity ?? 'not set'}`);
    }
  } else if (department === 'sales' || department === 'service') {
    const accounts = await accountList(db, { openTicketWithOpenDeal: true, pageSize: 10 });
    lines.push('', `Accounts with open tickets and open deals (${accounts.items.length}${accounts.next ? ' or more' : ''})`);
    for (const a of accounts.items) {
      lines.push(`  ${a.name ?? a.accountId}: ${a.openTickets} open tickets, ${a.openDeals} open deals, lifetime value ${formatValue('cents', maskValue(rights, 'money', a.lifetimeValueCents))}`);
    }
  }

  const title = frequency === 'weekly' ? 'Weekly' : 'Daily';
  return { subject: `${title} digest for ${department}, ${period}`, text: lines.join('\n') };
}

function isDepartmentName(value: string): value is 'marketing' | 'sales' | 'operations' | 'service' {
  return value === 'marketing' || value === 'sales' || value === 'operations' || value === 'service';
}

/**
 * Queues the period's digest for every active user of the four departments (once per user and
 * period: the idempotency key names both); returns how many were queued.
 */
export async function queueDigests(
  db: Db,
  now: Date,
  options: { frequency?: DigestFrequency; userIds?: readonly number[] } = {},
): Promise<number> {
  const frequency = options.frequency ?? 'weekly';
  const period = digestPeriod(frequency, now);
  const recipients = await rows<{ id: number; email: string; role: string; department: string }>(
    db,
    sql`select id, email, role, department from users
    where disabled_at is null and department in ('marketing', 'sales', 'operations', 'service') order by id`,
  );
  let queued = 0;
  for (const user of recipients) {
    if (options.userIds && !options.userIds.includes(user.id)) continue;
    const key = `digest:${period}:user:${user.id}`;
    const exists = await rows<{ id: number }>(db, sql`select id from alert_outbox where idempotency_key = ${key}`);
    if (exists.length > 0) continue;
    const role: Role = isRole(user.role) ? user.role : 'viewer';
    const digest = await buildDigest(db, { department: user.department, role }, now, await rightsOfRole(db, role), frequency);
    const message: AlertMessage = {
      title: digest.subject,
      text: digest.text,
      ruleId: null,
      ruleName: null,
      kind: 'digest',
      subject: `user:${user.id}`,
      state: 'digest',
      previousState: null,
      alerting: false,
      department: user.department,
      at: now.toISOString(),
      detail: { period, frequency },
    };
    if (await enqueue(db, { ruleId: null, department: user.department, idempotencyKey: key, channel: { type: 'email', to: [user.email] }, message, dueAt: now })) queued += 1;
  }
  return queued;
}
