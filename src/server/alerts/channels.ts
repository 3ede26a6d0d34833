// The two channels: webhooks (a JSON body signed with HMAC-SHA256 in X-Signature, or a
// Slack-compatible { text } body) and email over SMTP (nodemailer; host, port and credentials from
// the environment).
import { env, type Env } from '~/env';
import { createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { AlertMessage } from './outbox';
import type { EmailChannel, WebhookChannel } from './rules';

export const SIGNATURE_HEADER = 'X-Signature';
export const IDEMPOTENCY_HEADER = 'X-Idempotency-Key';

/** `sha256=<hex>` of the exact body bytes. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers: true when the header is the body's signature under the secret. */
export function verifySignature(body: string, secret: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function webhookBody(channel: WebhookChannel, message: AlertMessage, idempotencyKey: string): string {
  if (channel.format === 'slack') return JSON.stringify({ text: `*${message.title}*\n${message.text}` });
  return JSON.stringify({ idempotencyKey, ...message });
}

export async function sendWebhook(channel: WebhookChannel, message: AlertMessage, idempotencyKey: string, timeoutMs = 10_000): Promise<void> {
  const body = webhookBody(channel, message, idempotencyKey);
  const response = await fetch(channel.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: sign(body, channel.secret),
      [IDEMPOTENCY_HEADER]: idempotencyKey,
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  // Drain the body so the connection is released.
  const answer = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`);
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** SMTP_HOST, SMTP_PORT (587), SMTP_SECURE (true|false), SMTP_USER, SMTP_PASSWORD, SMTP_FROM; null without a host. */
export function smtpFromEnv(config: Env = env()): SmtpConfig | null {
  if (!config.SMTP_HOST) return null;
  return {
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD || undefined,
    from: config.SMTP_FROM,
  };
}

export async function sendEmail(config: SmtpConfig | null, channel: EmailChannel, message: AlertMessage, idempotencyKey: string): Promise<void> {
  if (!config) throw new Error('email is not configured: set SMTP_HOST (and SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM)');
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: channel.to,
      subject: message.title,
      text: `${message.text}\n`,
      headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
    });
  } finally {
    transport.close();
  }
}
