// The outbox: every message to deliver is a row, written in the same transaction as the state
// change it reports, under a unique idempotency key, so a change is queued exactly once and
// delivered at least once (receivers dedupe on the X-Idempotency-Key header).
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import type { Channel } from './rules';

export interface AlertMessage {
  title: string;
  text: string;
  /** null for digests and tests without a rule */
  ruleId: number | null;
  ruleName: string | null;
  kind: string;
  subject: string;
  state: string;
  previousState: string | null;
  /** false: the alert is resolved (or the message is a digest or a note) */
  alerting: boolean;
  department: string;
  /** ISO instant of the state change */
  at: string;
  /** kind-specific figures, masked for the department's role */
  detail: Record<string, unknown>;
}

export interface OutboxEntry {
  ruleId: number | null;
  department: string;
  idempotencyKey: string;
  channel: Channel;
  message: AlertMessage;
  /** first attempt not before this instant (default: now) */
  dueAt?: Date;
}

/** Queues a message; false when one with the same idempotency key is already queued. */
export async function enqueue(db: Db, entry: OutboxEntry): Promise<boolean> {
  const inserted = await rows<{ id: number }>(
    db,
    sql`insert into alert_outbox (rule_id, department, idempotency_key, channel, message, next_attempt_at)
    values (${entry.ruleId}, ${entry.department}, ${entry.idempotencyKey}, ${jsonParam(entry.channel)}, ${jsonParam(entry.message)},
      ${(entry.dueAt ?? new Date()).toISOString()}::timestamptz)
    on conflict (idempotency_key) do nothing
    returning id`,
  );
  return inserted.length === 1;
}

/** One message per channel of a rule; the key names the rule, subject and state version. */
export async function enqueueForChannels(
  db: Db,
  channels: readonly Channel[],
  keyPrefix: string,
  base: Omit<OutboxEntry, 'idempotencyKey' | 'channel'>,
): Promise<number> {
  let queued = 0;
  for (const [index, channel] of channels.entries()) {
    if (await enqueue(db, { ...base, channel, idempotencyKey: `${keyPrefix}:c${index}` })) queued += 1;
  }
  return queued;
}
