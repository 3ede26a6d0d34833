// Alert rules, their test sends, open alerts and the delivery log. Reading needs
// 'viewDashboards' (admins see every department's rules, others their own); making rules needs
// 'editOwnKpiTargets' and the rule rights of src/server/alerts/access.ts. Webhook secrets never
// leave the server: they read as a placeholder that keeps the stored secret when sent back.
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { mayWatchTarget, ruleDepartmentsFor, ruleKindsFor, ruleRefusal, seesAllRules } from '~/server/alerts/access';
import { deliverDue } from '~/server/alerts/delivery';
import { enqueueForChannels, type AlertMessage } from '~/server/alerts/outbox';
import {
  alertRuleInput,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  setAlertRuleMuted,
  updateAlertRule,
  type AlertRule,
  type AlertRuleInput,
  type Channel,
} from '~/server/alerts/rules';
import { audit } from '~/server/auth/audit';
import type { SessionUser } from '~/server/auth/users';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { handoffKinds } from '~/server/metrics/handoffs';
import { listKpiTargets } from '~/server/kpiTargets';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');
const edit = authedProcedure.need('editOwnKpiTargets');
const id = z.number().int().positive();

/** What a webhook secret reads as; sent back unchanged, the stored secret is kept. */
export const SECRET_PLACEHOLDER = '(unchanged secret)';

type ChannelView = Exclude<Channel, { type: 'webhook' }> | (Omit<Extract<Channel, { type: 'webhook' }>, 'secret'> & { secret: string });

function channelView(channel: Channel): ChannelView {
  return channel.type === 'webhook' ? { ...channel, secret: SECRET_PLACEHOLDER } : channel;
}

function ruleView(rule: AlertRule) {
  return { ...rule, channels: rule.channels.map(channelView) };
}

async function assertMayManage(db: Db, user: SessionUser, rule: Parameters<typeof ruleRefusal>[2]): Promise<void> {
  const refusal = await ruleRefusal(db, user, rule);
  if (refusal) throw new TRPCError(refusal);
}

async function existing(db: Db, user: SessionUser, ruleId: number): Promise<AlertRule> {
  const rule = await getAlertRule(db, ruleId);
  if (!rule) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such rule.' });
  await assertMayManage(db, user, rule);
  return rule;
}

/** The input with placeholder secrets replaced by the stored ones of the same webhook URL. */
function keepSecrets(input: AlertRuleInput, stored: AlertRule | null): AlertRuleInput {
  const channels = (input.channels ?? []).map((channel) => {
    if (channel.type !== 'webhook' || channel.secret !== SECRET_PLACEHOLDER) return channel;
    const same = stored?.channels.find((c) => c.type === 'webhook' && c.url === channel.url);
    if (!same || same.type !== 'webhook') {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `Give a secret for the new webhook ${channel.url}.` });
    }
    return { ...channel, secret: same.secret };
  });
  return { ...input, channels } as AlertRuleInput;
}

/** A time as either driver hands it over. */
const dbTime = z.union([z.date(), z.string()]).transform((value) => new Date(value));

const deliveryRow = z.object({
  id: dbNumber,
  rule_id: dbNumber.nullable(),
  rule_name: z.string().nullable(),
  department: z.string(),
  channel: z.unknown(),
  message: z.unknown(),
  status: z.string(),
  attempts: dbNumber,
  last_error: z.string().nullable(),
  created_at: dbTime,
  delivered_at: dbTime.nullable(),
  next_attempt_at: dbTime,
});
type DeliveryRow = z.output<typeof deliveryRow>;

const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

function deliveryView(row: DeliveryRow) {
  const channel = parse(row.channel) as Channel;
  const message = parse(row.message) as AlertMessage;
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    department: row.department,
    channel: channel.type === 'webhook' ? `webhook ${channel.url}` : `email ${channel.to.join(', ')}`,
    title: message.title,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at === null ? null : row.delivered_at.toISOString(),
    nextAttemptAt: row.next_attempt_at.toISOString(),
  };
}

export const alertsRouter = createTRPCRouter({
  /**
   * What the caller may make a rule of: whether they may make rules at all, the kinds, the
   * departments and the KPI targets the server would accept from them.
   */
  options: view.query(async ({ ctx }) => {
    const targets = await listKpiTargets(ctx.db);
    return {
      canCreate: ctx.rights.has('editOwnKpiTargets'),
      /** whether the rules, open alerts and deliveries listed are every department's */
      everyDepartment: seesAllRules(ctx.user),
      kinds: ruleKindsFor(ctx.user),
      handoffKinds,
      departments: ruleDepartmentsFor(ctx.user),
      targets: targets.filter((t) => mayWatchTarget(ctx.user, t)).map((t) => ({ id: t.id, name: `${t.name} (${t.periodStart})` })),
    };
  }),

  /** The rules the caller sees, each with whether the caller may mute, test or delete it. */
  rules: view.query(async ({ ctx }) => {
    const rules = await listAlertRules(ctx.db, seesAllRules(ctx.user) ? {} : { department: ctx.user.department });
    const mayEdit = ctx.rights.has('editOwnKpiTargets');
    return Promise.all(rules.map(async (rule) => ({ ...ruleView(rule), canManage: mayEdit && (await ruleRefusal(ctx.db, ctx.user, rule)) === null })));
  }),

  create: edit.input(alertRuleInput).mutation(async ({ ctx, input }) => {
    await assertMayManage(ctx.db, ctx.user, input);
    const rule = await createAlertRule(ctx.db, keepSecrets(input, null), ctx.user.id);
    await audit(ctx.db, ctx.user, 'alert_rule.create', { ruleId: rule.id, kind: rule.kind, department: rule.department });
    return ruleView(rule);
  }),

  update: edit.input(z.object({ id, rule: alertRuleInput })).mutation(async ({ ctx, input }) => {
    const stored = await existing(ctx.db, ctx.user, input.id);
    await assertMayManage(ctx.db, ctx.user, input.rule);
    const rule = await updateAlertRule(ctx.db, input.id, keepSecrets(input.rule, stored));
    if (!rule) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such rule.' });
    await audit(ctx.db, ctx.user, 'alert_rule.update', { ruleId: rule.id });
    return ruleView(rule);
  }),

  mute: edit.input(z.object({ id, muted: z.boolean() })).mutation(async ({ ctx, input }) => {
    await existing(ctx.db, ctx.user, input.id);
    const rule = await setAlertRuleMuted(ctx.db, input.id, input.muted);
    if (!rule) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such rule.' });
    await audit(ctx.db, ctx.user, input.muted ? 'alert_rule.mute' : 'alert_rule.unmute', { ruleId: rule.id });
    return ruleView(rule);
  }),

  delete: edit.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await existing(ctx.db, ctx.user, input.id);
    await deleteAlertRule(ctx.db, input.id);
    await audit(ctx.db, ctx.user, 'alert_rule.delete', { ruleId: input.id });
    return { id: input.id };
  }),

  /** Sends a test message through every channel of the rule now; answers each delivery's outcome. */
  sendTest: edit.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const rule = await existing(ctx.db, ctx.user, input.id);
    if (rule.channels.length === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The rule has no channel to test.' });
    const now = new Date();
    const prefix = `test:${rule.id}:${randomUUID()}`;
    await enqueueForChannels(ctx.db, rule.channels, prefix, {
      ruleId: rule.id,
      department: rule.department,
      dueAt: now,
      message: {
        title: `Test of "${rule.name}"`,
        text: `A test message sent by ${ctx.user.name} from the Alerts page.`,
        ruleId: rule.id,
        ruleName: rule.name,
        kind: 'test',
        subject: 'test',
        state: 'test',
        previousState: null,
        alerting: false,
        department: rule.department,
        at: now.toISOString(),
        detail: {},
      },
    });
    await deliverDue(ctx.db, { now });
    const sent = await typedRows(
      ctx.db,
      sql`select o.*, r.name as rule_name from alert_outbox o left join alert_rules r on r.id = o.rule_id
      where o.idempotency_key like ${`${prefix}:%`} order by o.id`,
      deliveryRow,
    );
    return sent.map(deliveryView);
  }),

  /** Alerts whose state is alerting now, longest first. */
  open: view.query(async ({ ctx }) => {
    const all = seesAllRules(ctx.user);
    const found = await typedRows(
      ctx.db,
      sql`select s.rule_id, r.name, r.kind, r.department, s.subject, s.state, s.since
      from alert_states s join alert_rules r on r.id = s.rule_id
      where s.alerting = 1 and (${all} or r.department = ${ctx.user.department})
      order by s.since, s.rule_id, s.subject limit 200`,
      z.object({ rule_id: dbNumber, name: z.string(), kind: z.string(), department: z.string(), subject: z.string(), state: z.string(), since: dbTime }),
    );
    return found.map((row) => ({ ...row, since: row.since.toISOString() }));
  }),

  /** The delivery log: the latest messages with status, attempts and last error. */
  deliveries: view.input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 })).query(async ({ ctx, input }) => {
    const all = seesAllRules(ctx.user);
    const found = await typedRows(
      ctx.db,
      sql`select o.*, r.name as rule_name from alert_outbox o left join alert_rules r on r.id = o.rule_id
      where (${all} or o.department = ${ctx.user.department}) and o.message->>'kind' <> 'digest'
      order by o.id desc limit ${input.limit}`,
      deliveryRow,
    );
    return found.map(deliveryView);
  }),
});
