// The ingestion endpoint's protocol: key, rate, size, JSON, per-event results, and the status
// codes a sender's retry logic depends on. 200 is answered only after the batch has committed.
import type { Db } from '~/server/db/client';
import { isUnreachable } from '~/server/db/client';
import { rejectedEvents } from '~/server/db/schema';
import { checkKey } from './apiKeys';
import { department as departmentSchema, type Department } from './catalogue';
import { ingestEvents, MAX_EVENTS_PER_BATCH, type IngestResult } from './ingest';
import { fromSegment, SEGMENT_MAX_BATCH_BYTES, segmentCalls } from './segment';
import type { FieldError } from './validate';

export const MAX_BODY_BYTES = Number(process.env.INGEST_MAX_BYTES ?? 4 * 1024 * 1024);
const RETRY_AFTER_UNREACHABLE_SECONDS = 5;

type ErrorBody = { error: string; errors?: FieldError[] };

function json(status: number, body: IngestResult | ErrorBody | (IngestResult & { success: true }), headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

function problem(status: number, error: string, errors?: FieldError[], headers?: Record<string, string>): Response {
  return json(status, errors ? { error, errors } : { error }, headers);
}

class BodyTooLarge extends Error {}

/** Reads the body, refusing it as soon as it passes the limit (whatever Content-Length claims). */
async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function bearer(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export interface IngestDeps {
  db: () => Promise<Db>;
}

export async function handleIngest(request: Request, departmentParam: string, deps: IngestDeps): Promise<Response> {
  const parsedDepartment = departmentSchema.safeParse(departmentParam);
  if (!parsedDepartment.success) {
    return problem(404, `no ingestion endpoint for '${departmentParam}'; use marketing, sales, operations or service`);
  }
  const dept: Department = parsedDepartment.data;

  const plaintext = bearer(request);
  if (!plaintext) {
    return problem(401, 'missing API key: send Authorization: Bearer <key>', undefined, { 'www-authenticate': 'Bearer' });
  }

  try {
    const db = await deps.db();
    const check = await checkKey(db, plaintext);
    if (check.status === 'unknown') {
      return problem(401, 'unknown or revoked API key', undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    if (check.key.department !== dept) {
      return problem(403, `this key belongs to ${check.key.department}; send to /api/ingest/${check.key.department}`);
    }
    if (check.status === 'limited') {
      return problem(429, 'too many requests for this key; retry after the given seconds', undefined, {
        'retry-after': String(check.retryAfterSeconds),
      });
    }
    const sender = { apiKeyId: check.key.id, department: dept };

    let text: string;
    try {
      text = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return problem(413, `body over the limit of ${MAX_BODY_BYTES} bytes; send smaller batches`);
      throw error;
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      const message = `malformed JSON: ${error instanceof Error ? error.message : 'cannot parse'}`;
      await keepRejectedBody(db, sender, text, 400, [{ path: '(body)', message }]);
      return problem(400, message, [{ path: '(body)', message }]);
    }

    const batch = (body as { events?: unknown } | null)?.events;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(batch)) {
      const errors = [{ path: 'events', message: 'the body must be an object with an "events" array' }];
      await keepRejectedBody(db, sender, text, 400, errors);
      return problem(400, 'the body must be {"events": [...]}', errors);
    }
    if (batch.length > MAX_EVENTS_PER_BATCH) {
      return problem(413, `${batch.length} events in one batch; at most ${MAX_EVENTS_PER_BATCH}`, [
        { path: 'events', message: `at most ${MAX_EVENTS_PER_BATCH} events a batch` },
      ]);
    }

    const result = await ingestEvents(db, sender, batch);
    return json(statusOf(result), result);
  } catch (error) {
    if (isUnreachable(error)) {
      return problem(503, 'the database is unreachable; nothing was written, retry later', undefined, {
        'retry-after': String(RETRY_AFTER_UNREACHABLE_SECONDS),
      });
    }
    console.error('ingestion failed', error);
    return problem(500, 'internal error; nothing was written');
  }
}

/**
 * 200 when anything was taken (accepted or already had); when every event was rejected, the
 * rejections' status: 403 if all were outside the key's department, else 422.
 */
export function statusOf(result: IngestResult): number {
  if (result.rejected.length === 0 || result.accepted + result.duplicates > 0) return 200;
  return result.rejected.every((r) => r.status === 403) ? 403 : 422;
}

async function keepRejectedBody(
  db: Db,
  sender: { apiKeyId: number; department: Department },
  text: string,
  status: number,
  errors: FieldError[],
): Promise<void> {
  await db.insert(rejectedEvents).values({
    apiKeyId: sender.apiKeyId,
    department: sender.department,
    rawText: text.replace(/\u0000/g, '\\u0000'),
    status,
    errors,
  });
}

/** The write key of a Segment-style request: Basic auth with the key as user and no password. */
function basicUser(request: Request): string | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = decoded.split(':')[0] ?? '';
  return user === '' ? null : user;
}

/**
 * `/api/ingest/segment/v1/{track|identify|page|screen|batch}`: the key's department decides which
 * of our event types its calls may become. Limits are Segment's: 32 KB a call, 500 KB a batch.
 */
export async function handleSegment(request: Request, callParam: string, deps: IngestDeps): Promise<Response> {
  const isBatch = callParam === 'batch';
  if (!isBatch && !(segmentCalls as readonly string[]).includes(callParam)) {
    return problem(404, `no Segment endpoint '${callParam}'; use track, identify, page, screen or batch`);
  }
  const plaintext = basicUser(request);
  if (!plaintext) {
    return problem(401, 'missing write key: send it as the Basic auth user with an empty password', undefined, {
      'www-authenticate': 'Basic realm="ingest"',
    });
  }
  try {
    const db = await deps.db();
    const check = await checkKey(db, plaintext);
    if (check.status === 'unknown') return problem(401, 'unknown or revoked write key', undefined, { 'www-authenticate': 'Basic realm="ingest"' });
    if (check.status === 'limited') {
      return problem(429, 'too many requests for this key; retry after the given seconds', undefined, {
        'retry-after': String(check.retryAfterSeconds),
      });
    }
    const sender = { apiKeyId: check.key.id, department: check.key.department };

    let text: string;
    try {
      text = await readBody(request, SEGMENT_MAX_BATCH_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) return problem(413, `body over Segment's limit of ${SEGMENT_MAX_BATCH_BYTES} bytes`);
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      const message = `malformed JSON: ${error instanceof Error ? error.message : 'cannot parse'}`;
      await keepRejectedBody(db, sender, text, 400, [{ path: '(body)', message }]);
      return problem(400, message, [{ path: '(body)', message }]);
    }
    // A single call's type is its endpoint; kept with it, a rejected call can be replayed as it came.
    const single = body !== null && typeof body === 'object' && !Array.isArray(body) ? { type: callParam, ...body } : body;
    const calls = isBatch ? (body as { batch?: unknown } | null)?.batch : [single];
    if (!Array.isArray(calls)) {
      const errors = [{ path: 'batch', message: 'a batch body must be an object with a "batch" array' }];
      await keepRejectedBody(db, sender, text, 400, errors);
      return problem(400, 'the body must be {"batch": [...]}', errors);
    }
    if (calls.length > MAX_EVENTS_PER_BATCH) {
      return problem(413, `${calls.length} calls in one batch; at most ${MAX_EVENTS_PER_BATCH}`);
    }
    const result = await ingestEvents(db, sender, calls, (call) => fromSegment(call));
    return json(statusOf(result), { success: true, ...result });
  } catch (error) {
    if (isUnreachable(error)) {
      return problem(503, 'the database is unreachable; nothing was written, retry later', undefined, {
        'retry-after': String(RETRY_AFTER_UNREACHABLE_SECONDS),
      });
    }
    console.error('Segment ingestion failed', error);
    return problem(500, 'internal error; nothing was written');
  }
}
