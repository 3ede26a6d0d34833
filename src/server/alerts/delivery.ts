// Delivery of the outbox: due rows are claimed (skip locked, so instances never send the same row
// at once), sent, and marked delivered, or retried with exponential backoff until they give up.
// Every attempt is logged in alert_deliveries.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { sendEmail, sendWebhook, smtpFromEnv, type SmtpConfig } from './channels';
import type { AlertMessage } from './outbox';
import { channel as channelSchema } from './rules';
import { backoffMs } from './triggers';

export interface DeliveryOptions {
  now?: Date;
  limit?: number;
  /** delay before the second attempt; doubles per failure */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** attempts before a message is given up as failed */
  maxAttempts?: number;
  smtp?: SmtpConfig | null;
  /** how long a claimed row stays invisible to other instances */
  claimMs?: number;
}

export const deliveryDefaults = { limit: 50, baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 8, claimMs: 120_000 };

export interface DeliveryRun {
  delivered: number;
  retrying: number;
  failed: number;
}

interface ClaimedRow {
  id: number;
  idempotency_key: string;
  channel: unknown;
  message: unknown;
  attempts: number;
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export async function deliverDue(db: Db, options: DeliveryOptions = {}): Promise<DeliveryRun> {
  const now = options.now ?? new Date();
  const { limit, baseDelayMs, maxDelayMs, maxAttempts, claimMs } = { ...deliveryDefaults, ...options };
  const smtp = options.smtp === undefined ? smtpFromEnv() : options.smtp;
  const claimed = await rows<ClaimedRow>(
    db,
    sql`update alert_outbox set next_attempt_at = ${new Date(now.getTime() + claimMs).toISOString()}::timestamptz
    where id in (
      select id from alert_outbox where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at, id limit ${limit} for update skip locked)
    returning id, idempotency_key, channel, message, attempts`,
  );
  const run: DeliveryRun = { delivered: 0, retrying: 0, failed: 0 };
  // RETURNING follows no order: send in queue order.
  claimed.sort((a, b) => Number(a.id) - Number(b.id));
  for (const row of claimed) {
    const attempt = Number(row.attempts) + 1;
    let error: string | null = null;
    try {
      const channel = channelSchema.parse(parseJson(row.channel));
      const message = parseJson(row.message) as AlertMessage;
      if (channel.type === 'webhook') await sendWebhook(channel, message, row.idempotency_key);
      else await sendEmail(smtp, channel, message, row.idempotency_key);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
      if (caught instanceof Error && caught.cause instanceof Error) error += ` (${caught.cause.message})`;
    }
    if (error === null) {
      run.delivered += 1;
      await db.execute(sql`update alert_outbox set status = 'delivered', attempts = ${attempt}, last_error = null,
        delivered_at = statement_timestamp() where id = ${row.id}`);
    } else if (attempt >= maxAttempts) {
      run.failed += 1;
      await db.execute(sql`update alert_outbox set status = 'failed', attempts = ${attempt}, last_error = ${error} where id = ${row.id}`);
    } else {
      run.retrying += 1;
      const next = new Date(now.getTime() + backoffMs(attempt, baseDelayMs, maxDelayMs));
      await db.execute(sql`update alert_outbox set attempts = ${attempt}, last_error = ${error},
        next_attempt_at = ${next.toISOString()}::timestamptz where id = ${row.id}`);
    }
    await db.execute(sql`insert into alert_deliveries (outbox_id, attempt, ok, error) values (${row.id}, ${attempt}, ${error === null ? 1 : 0}, ${error})`);
  }
  return run;
}
