// Evaluation: for each rule, measure its subjects now (reusing the metric modules), compare with
// the stored state and, on a change, store the new state and queue one message per channel in
// the same transaction. One instance at a time evaluates (the 'alerts:evaluate' lease); a state
// is only replaced from the version it was read at, so a change is never reported twice.
import { and, eq, sql } from 'drizzle-orm';
import { formatValue, type FormatKind } from '~/lib/format';
import type { Right } from '~/server/auth/rights';
import { maskValue } from '~/server/api/masking';
import { isUnreachable, one, rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { alertStates } from '~/server/db/schema';
import { metricFilters } from '~/server/metrics/filters';
import { handoffs } from '~/server/metrics/handoffs';
import { getKpiTarget, kpiMetricInfo } from '~/server/kpiTargets';
import { kpiTargetStatus } from '~/server/metrics/kpis';
import { leadQuality } from '~/server/metrics/leadQuality';
import { withLease, processHolder } from './lease';
import { enqueueForChannels, type AlertMessage } from './outbox';
import { rightsOfDepartment } from './recipients';
import { listAlertRules, type AlertKind, type AlertRule } from './rules';
import {
  countState,
  kpiState,
  rejectionState,
  shareBelowState,
  silentState,
  transition,
  type Observation,
  type StoredState,
} from './triggers';

export const EVALUATE_LEASE = 'alerts:evaluate';

export interface Measured extends Observation {
  title: string;
  text: string;
}

const statusLabels: Record<string, string> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  not_started: 'not started',
  no_data: 'without data',
};

const handoffLabels = { leadFollowUp: 'Lead follow-up', onboardingStart: 'Onboarding start', ticketResolution: 'Ticket resolution' } as const;

const percent = (value: number | null) => formatValue('percent', value);

/** What the rule's subjects are now; `prior` holds their stored states. */
async function measure(db: Db, rule: AlertRule, now: Date, rights: ReadonlySet<Right>, prior: Map<string, StoredState>): Promise<Measured[]> {
  switch (rule.kind) {
    case 'kpi_status': {
      const target = await getKpiTarget(db, rule.params.targetId);
      if (!target) return [];
      const status = await kpiTargetStatus(db, target, now);
      const info = kpiMetricInfo[target.metric];
      const kind: FormatKind = info.unit === 'cents' ? 'cents' : info.unit === 'fraction' ? 'percent' : 'count';
      const money = <T>(value: T) => (info.unit === 'cents' ? maskValue(rights, 'money', value) : value);
      const detail = {
        targetId: target.id,
        targetName: target.name,
        metric: target.metric,
        status: status.status,
        actual: money(status.actual),
        projection: money(status.projection),
        targetValue: money(target.targetValue),
        periodEnd: status.periodEnd,
        accountable: target.accountable,
      };
      const label = statusLabels[status.status] ?? status.status;
      // The period's end is exclusive: name its last day.
      const lastDay = new Date(new Date(status.periodEnd).getTime() - 1).toISOString().slice(0, 10);
      return [
        {
          subject: String(target.id),
          ...kpiState(status.status, rule.params.notifyOn),
          detail,
          title: `KPI target "${target.name}" is ${label}`,
          text:
            `${info.label}: ${formatValue(kind, detail.actual)} so far, projected ${formatValue(kind, detail.projection)} ` +
            `against a target of ${formatValue(kind, detail.targetValue)} for the period to ${lastDay}. Accountable: ${target.accountable}.`,
        },
      ];
    }
    case 'handoff_sla': {
      const { handoff, mode, threshold, windowDays } = rule.params;
      const range = { from: new Date(now.getTime() - windowDays * 86_400_000).toISOString(), to: now.toISOString() };
      const report = await handoffs(db, { range, asOf: now, blackHoleLimit: mode === 'item' ? 1000 : 0 });
      const summary = report.handoffs.find((h) => h.handoff === handoff);
      if (!summary) return [];
      const label = handoffLabels[handoff];
      if (mode === 'count') {
        return [
          {
            subject: 'all',
            ...countState(summary.openPastSla, threshold),
            detail: { handoff, department: summary.department, slaHours: summary.slaHours, openPastSla: summary.openPastSla, threshold },
            title: `${label}: ${summary.openPastSla} open items past the ${summary.slaHours} h SLA`,
            text: `${summary.openPastSla} items started in the last ${windowDays} days wait past their SLA (alert above ${threshold}). Owner: ${summary.department}.`,
          },
        ];
      }
      return summary.blackHole.map((item) => ({
        subject: item.itemId,
        state: 'past_sla',
        alerting: true,
        detail: {
          handoff,
          department: summary.department,
          itemId: item.itemId,
          startedAt: item.startedAt,
          dueAt: item.dueAt,
          hoursOverdue: Math.round(item.hoursOverdue * 10) / 10,
          owner: item.owner,
          accountId: item.accountId,
          contactName: maskValue(rights, 'contact', item.contactName),
          email: maskValue(rights, 'contact', item.email),
        },
        title: `${label}: ${item.itemId} is past its SLA`,
        text: `${item.itemId} started ${item.startedAt.slice(0, 16).replace('T', ' ')} UTC and was due ${item.dueAt.slice(0, 16).replace('T', ' ')} UTC; owner ${item.owner ?? 'none'}. Owner department: ${summary.department}.`,
      }));
    }
    case 'lead_quality': {
      const { by, key, minShare, margin, windowDays, minLeads } = rule.params;
      const range = { from: new Date(now.getTime() - windowDays * 86_400_000).toISOString(), to: now.toISOString() };
      const filters = metricFilters.parse(by === 'source' ? { source: key } : { campaign: key });
      const report = await leadQuality(db, { range, filters });
      const leads = report.bySource.reduce((sum, row) => sum + row.leads, 0);
      const qualified = report.bySource.reduce((sum, row) => sum + row.qualified, 0);
      const share = leads === 0 ? null : qualified / leads;
      const observed = shareBelowState(share, leads, { min: minShare, margin, minCount: minLeads }, prior.get(key)?.state);
      return [
        {
          subject: key,
          ...observed,
          detail: { by, key, leads, qualified, share, minShare, windowDays },
          title: observed.alerting
            ? `Lead quality of ${by} "${key}" is below ${percent(minShare)}`
            : `Lead quality of ${by} "${key}" is back at ${percent(share)}`,
          text: `${qualified} of ${leads} leads from ${by} "${key}" in the last ${windowDays} days were qualified (${percent(share)}; alert below ${percent(minShare)}).`,
        },
      ];
    }
    case 'data_health': {
      const params = rule.params;
      const key = await rows<{ name: string; created_at: string | Date; revoked: boolean }>(
        db,
        sql`select name, created_at, revoked_at is not null as revoked from api_keys where id = ${params.apiKeyId}`,
      );
      const apiKey = key[0];
      if (!apiKey || apiKey.revoked) return [];
      const subject = String(params.apiKeyId);
      if (params.check === 'silent') {
        const last = await one<{ last: string | Date | null }>(
          db,
          sql`select max(received_at) as last from events where api_key_id = ${params.apiKeyId}`,
        );
        const lastSeen = new Date(last.last ?? apiKey.created_at);
        const observed = silentState(lastSeen, now, params.hours);
        return [
          {
            subject,
            ...observed,
            detail: { apiKeyId: params.apiKeyId, apiKeyName: apiKey.name, lastEventAt: last.last ? lastSeen.toISOString() : null, hours: params.hours },
            title: observed.alerting ? `API key "${apiKey.name}" has been silent for ${params.hours} h` : `API key "${apiKey.name}" sends again`,
            text: `Last accepted event: ${last.last ? lastSeen.toISOString() : 'never'}.`,
          },
        ];
      }
      const since = new Date(now.getTime() - params.windowHours * 3_600_000).toISOString();
      const counts = await one<{ accepted: number; rejected: number }>(
        db,
        sql`select
          (select count(*)::int from events where api_key_id = ${params.apiKeyId} and received_at >= ${since}::timestamptz and received_at <= ${now.toISOString()}::timestamptz) as accepted,
          (select count(*)::int from rejected_events where api_key_id = ${params.apiKeyId} and received_at >= ${since}::timestamptz and received_at <= ${now.toISOString()}::timestamptz) as rejected`,
      );
      const accepted = Number(counts.accepted);
      const rejected = Number(counts.rejected);
      const observed = rejectionState(accepted, rejected, params);
      const share = accepted + rejected === 0 ? null : rejected / (accepted + rejected);
      return [
        {
          subject,
          ...observed,
          detail: { apiKeyId: params.apiKeyId, apiKeyName: apiKey.name, accepted, rejected, share, maxShare: params.maxShare },
          title: observed.alerting
            ? `API key "${apiKey.name}" has ${percent(share)} of its events rejected`
            : `API key "${apiKey.name}" rejections are back under ${percent(params.maxShare)}`,
          text: `${rejected} rejected and ${accepted} accepted in the last ${params.windowHours} h (alert over ${percent(params.maxShare)}).`,
        },
      ];
    }
    case 'notes':
      return [];
  }
}

async function storedStates(db: Db, ruleId: number): Promise<Map<string, StoredState>> {
  const found = await db.select().from(alertStates).where(eq(alertStates.ruleId, ruleId));
  return new Map(found.map((s) => [s.subject, { state: s.state, alerting: s.alerting === 1, version: s.version }]));
}

export interface RuleEvaluation {
  changes: number;
  queued: number;
}

/** Evaluates one rule at `now`: stores state changes and queues their messages. */
export async function evaluateRule(db: Db, rule: AlertRule, now: Date): Promise<RuleEvaluation> {
  const rights = await rightsOfDepartment(db, rule.department);
  const prior = await storedStates(db, rule.id);
  const measured = await measure(db, rule, now, rights, prior);
  let changes = 0;
  let queued = 0;
  for (const observed of measured) {
    const before = prior.get(observed.subject);
    const step = transition(before, observed);
    if (!step.write) {
      await db.execute(sql`update alert_states set evaluated_at = ${now.toISOString()}::timestamptz
        where rule_id = ${rule.id} and subject = ${observed.subject}`);
      continue;
    }
    const result = await db.transaction(async (tx) => {
      const written = before
        ? await rows<{ version: number }>(
            tx,
            sql`update alert_states set state = ${observed.state}, alerting = ${observed.alerting ? 1 : 0}, version = ${step.version},
              detail = ${jsonParam(observed.detail)}, since = ${now.toISOString()}::timestamptz, evaluated_at = ${now.toISOString()}::timestamptz
            where rule_id = ${rule.id} and subject = ${observed.subject} and version = ${before.version}
            returning version`,
          )
        : await rows<{ version: number }>(
            tx,
            sql`insert into alert_states (rule_id, subject, state, alerting, version, detail, since, evaluated_at)
            values (${rule.id}, ${observed.subject}, ${observed.state}, ${observed.alerting ? 1 : 0}, ${step.version},
              ${jsonParam(observed.detail)}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
            on conflict (rule_id, subject) do nothing
            returning version`,
          );
      // Another evaluation moved this state first: it reported the change.
      if (written.length === 0) return { changed: false, queued: 0 };
      if (!step.fire || rule.muted) return { changed: true, queued: 0 };
      const message: AlertMessage = {
        title: observed.alerting ? observed.title : `Resolved: ${observed.title}`,
        text: observed.text,
        ruleId: rule.id,
        ruleName: rule.name,
        kind: rule.kind,
        subject: observed.subject,
        state: observed.state,
        previousState: before?.state ?? null,
        alerting: observed.alerting,
        department: rule.department,
        at: now.toISOString(),
        detail: observed.detail,
      };
      const count = await enqueueForChannels(tx, rule.channels, `rule:${rule.id}:${observed.subject}:v${step.version}`, {
        ruleId: rule.id,
        department: rule.department,
        message,
        dueAt: now,
      });
      return { changed: true, queued: count };
    });
    if (result.changed) changes += 1;
    queued += result.queued;
  }
  // Items that left the black hole (handed off, or out of the window) are forgotten quietly.
  if (rule.kind === 'handoff_sla' && rule.params.mode === 'item') {
    const current = new Set(measured.map((m) => m.subject));
    for (const subject of prior.keys()) {
      if (!current.has(subject)) await db.delete(alertStates).where(and(eq(alertStates.ruleId, rule.id), eq(alertStates.subject, subject)));
    }
  }
  return { changes, queued };
}

function defaultRuleError(rule: AlertRule, error: unknown): void {
  console.error(`[alerts] rule ${rule.id} (${rule.name}) failed: ${error instanceof Error ? error.message : String(error)}`);
}

export interface Evaluation {
  rules: number;
  changes: number;
  queued: number;
}

/**
 * Evaluates every rule (or those of `kinds`) at `now` under the evaluation lease; null when
 * another instance holds it.
 */
export async function evaluateRules(
  db: Db,
  options: {
    now?: Date;
    kinds?: readonly AlertKind[];
    holder?: string;
    leaseMs?: number;
    onRuleError?: (rule: AlertRule, error: unknown) => void;
  } = {},
): Promise<Evaluation | null> {
  const now = options.now ?? new Date();
  return withLease(db, EVALUATE_LEASE, options.holder ?? processHolder, options.leaseMs ?? 5 * 60_000, async () => {
    const all = await listAlertRules(db);
    const chosen = all.filter((rule) => rule.kind !== 'notes' && (!options.kinds || options.kinds.includes(rule.kind)));
    const total: Evaluation = { rules: chosen.length, changes: 0, queued: 0 };
    for (const rule of chosen) {
      // One broken rule (say, a key deleted under it) must not stop the others.
      try {
        const result = await evaluateRule(db, rule, now);
        total.changes += result.changes;
        total.queued += result.queued;
      } catch (error) {
        if (isUnreachable(error)) throw error;
        (options.onRuleError ?? defaultRuleError)(rule, error);
      }
    }
    return total;
  });
}
