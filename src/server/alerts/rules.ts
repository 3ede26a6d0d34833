// Alert rules as data: what a rule watches (kind + params), whose it is (department) and where its
// messages go (channels). Validated here; stored in alert_rules.
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '~/server/db/client';
import { alertRules } from '~/server/db/schema';
import { handoffKinds } from '~/server/metrics/handoffs';

const id = z.number().int().positive();
const days = z.number().int().min(1, 'at least 1 day').max(366, 'at most 366 days');

export const kpiStatusParams = z.object({
  targetId: id,
  /** the statuses that alert; leaving them sends a "resolved" message */
  notifyOn: z.array(z.enum(['on_track', 'at_risk', 'off_track'])).min(1, 'name at least one status').default(['at_risk', 'off_track']),
});

export const handoffSlaParams = z.object({
  handoff: z.enum(handoffKinds),
  /** 'item': one message per item past SLA; 'count': one when the count passes `threshold` */
  mode: z.enum(['item', 'count']),
  threshold: z.number().int().min(0).default(0),
  /** items whose handoff started in the last N days */
  windowDays: days.default(30),
});

export const leadQualityParams = z.object({
  by: z.enum(['source', 'campaign']),
  key: z.string().trim().min(1, 'must not be empty').max(200),
  /** qualified share of the window's leads below this alerts */
  minShare: z.number().min(0).max(1, 'is a fraction from 0 to 1'),
  /** back above minShare + margin before it counts as recovered */
  margin: z.number().min(0).max(1).default(0.02),
  windowDays: days.default(30),
  /** fewer leads in the window decide nothing */
  minLeads: z.number().int().min(1).default(10),
});

export const dataHealthParams = z.discriminatedUnion('check', [
  z.object({ check: z.literal('silent'), apiKeyId: id, hours: z.number().positive().max(24 * 90) }),
  z.object({
    check: z.literal('rejections'),
    apiKeyId: id,
    /** rejected share of what the key sent in the window */
    maxShare: z.number().min(0).max(1, 'is a fraction from 0 to 1'),
    windowHours: z.number().positive().max(24 * 90).default(24),
    minEvents: z.number().int().min(1).default(20),
  }),
]);

/** Notes addressed to the rule's department go to its channels. */
export const notesParams = z.object({});

export const webhookChannel = z.object({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** HMAC-SHA256 key of the X-Signature header */
  secret: z.string().min(16, 'at least 16 characters').max(200),
  /** 'slack': a Slack-compatible { text } body */
  format: z.enum(['json', 'slack']).default('json'),
});
export const emailChannel = z.object({
  type: z.literal('email'),
  to: z.array(z.email('must be an email address')).min(1, 'name at least one address').max(20),
});
export const channel = z.discriminatedUnion('type', [webhookChannel, emailChannel]);
export type Channel = z.infer<typeof channel>;
export type WebhookChannel = z.infer<typeof webhookChannel>;
export type EmailChannel = z.infer<typeof emailChannel>;

const common = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  /** whose rule it is: messages are masked for this department's role */
  department: z.string().trim().min(1).max(100),
  channels: z.array(channel).max(10).default([]),
  muted: z.boolean().default(false),
};

export const alertRuleInput = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('kpi_status'), params: kpiStatusParams }),
  z.object({ ...common, kind: z.literal('handoff_sla'), params: handoffSlaParams }),
  z.object({ ...common, kind: z.literal('lead_quality'), params: leadQualityParams }),
  z.object({ ...common, kind: z.literal('data_health'), params: dataHealthParams }),
  z.object({ ...common, kind: z.literal('notes'), params: notesParams }),
]);
export type AlertRuleInput = z.input<typeof alertRuleInput>;
export type AlertRuleDefinition = z.output<typeof alertRuleInput>;
export type AlertKind = AlertRuleDefinition['kind'];
export const alertKinds = ['kpi_status', 'handoff_sla', 'lead_quality', 'data_health', 'notes'] as const satisfies readonly AlertKind[];

export type AlertRule = AlertRuleDefinition & {
  id: number;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
};

function toRule(row: typeof alertRules.$inferSelect): AlertRule {
  const definition = alertRuleInput.parse({
    name: row.name,
    department: row.department,
    kind: row.kind,
    params: row.params,
    channels: row.channels,
    muted: row.muted === 1,
  });
  return { ...definition, id: row.id, createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function values(definition: AlertRuleDefinition) {
  return {
    name: definition.name,
    kind: definition.kind,
    params: definition.params as Record<string, unknown>,
    department: definition.department,
    channels: definition.channels as Record<string, unknown>[],
    muted: definition.muted ? 1 : 0,
  };
}

export async function createAlertRule(db: Db, input: AlertRuleInput, byUserId: number | null): Promise<AlertRule> {
  const definition = alertRuleInput.parse(input);
  const [row] = await db
    .insert(alertRules)
    .values({ ...values(definition), createdBy: byUserId })
    .returning();
  if (!row) throw new Error('alert rule was not created');
  return toRule(row);
}

export async function updateAlertRule(db: Db, ruleId: number, input: AlertRuleInput): Promise<AlertRule | null> {
  const definition = alertRuleInput.parse(input);
  const [row] = await db
    .update(alertRules)
    .set({ ...values(definition), updatedAt: sql`statement_timestamp()` })
    .where(eq(alertRules.id, ruleId))
    .returning();
  return row ? toRule(row) : null;
}

export async function setAlertRuleMuted(db: Db, ruleId: number, muted: boolean): Promise<AlertRule | null> {
  const [row] = await db
    .update(alertRules)
    .set({ muted: muted ? 1 : 0, updatedAt: sql`statement_timestamp()` })
    .where(eq(alertRules.id, ruleId))
    .returning();
  return row ? toRule(row) : null;
}

export async function deleteAlertRule(db: Db, ruleId: number): Promise<boolean> {
  const deleted = await db.delete(alertRules).where(eq(alertRules.id, ruleId)).returning({ id: alertRules.id });
  return deleted.length > 0;
}

export async function getAlertRule(db: Db, ruleId: number): Promise<AlertRule | null> {
  const [row] = await db.select().from(alertRules).where(eq(alertRules.id, ruleId));
  return row ? toRule(row) : null;
}

export async function listAlertRules(db: Db, query: { department?: string } = {}): Promise<AlertRule[]> {
  const found = await db
    .select()
    .from(alertRules)
    .where(query.department === undefined ? undefined : eq(alertRules.department, query.department))
    .orderBy(asc(alertRules.department), asc(alertRules.name), asc(alertRules.id));
  return found.map(toRule);
}
