// The ingestion endpoint's protocol: key, rate, size, JSON, per-event results, and the status
// codes a sender's retry logic depends on. 200 is answered only after the batch has committed.
import { env } from '~/env';
import type { Db } from '~/server/db/client';
import { isUnreachable } from '~/server/db/client';
import { rejectedEvents } from '~/server/db/schema';
import { checkKey } from './apiKeys';
import { department as departmentSchema, type Department } from './catalogue';
import { waitApplied } from '~/server/projector/projector';
import { ingestEvents, MAX_EVENTS_PER_BATCH, printableErrors, type IngestOptions, type IngestResult } from './ingest';
import { fromSegment, SEGMENT_MAX_BATCH_BYTES, segmentCalls } from './segment';
import { elementBytes, printable } from './storable';
import type { FieldError } from './validate';
import { errorFields, logger } from '~/server/log';

const log = logger('ingest');

const RETRY_AFTER_UNREACHABLE_SECONDS = 5;
/** `?wait=applied` waits at most this long for the projector */
const WAIT_APPLIED_MS = 5000;

type ErrorBody = { error: string; errors?: FieldError[] };
type Answer = IngestResult & { applied?: boolean };

function json(status: number, body: Answer | ErrorBody | (Answer & { success: true }), headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      // no-transform: the usual answer is a few dozen bytes, not worth a compressor per request.
      'cache-control': 'no-store, no-transform',
      ...headers,
    },
  });
}

function problem(status: number, error: string, errors?: FieldError[], headers?: Record<string, string>): Response {
  return json(status, errors ? { error, errors } : { error }, headers);
}

class BodyTooLarge extends Error {}

/** Reads the body, refusing it as soon as it passes the limit (whatever Content-Length claims). */
async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLarge();
  if (!request.body) return Buffer.alloc(0);
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
  return Buffer.concat(chunks);
}

function bearer(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export interface IngestDeps {
  db: () => Promise<Db>;
}

interface Endpoint {
  /** the key from the request, or null when none was sent */
  key: string | null;
  /** the WWW-Authenticate challenge for a 401 */
  challenge: string;
  missingKey: string;
  /** when set, the key must belong to this department */
  department?: Department;
  maxBytes: number;
  /** the list of events (or calls) in the parsed body, or why it has none */
  items: (body: unknown) => { items: unknown[] } | { errors: FieldError[] };
  /** each item's bytes in the body */
  itemBytes: (body: Buffer) => Buffer[] | null;
  ingest: (db: Db, sender: Sender, items: unknown[], raw: IngestOptions['rawBytes']) => Promise<Answer>;
  /** the answer's body from the result */
  answer: (result: Answer) => Answer | (Answer & { success: true });
}

type Sender = { apiKeyId: number; department: Department };

/**
 * What every ingestion endpoint does before its own work: key, department, rate, size, JSON and
 * shape, in that order; errors of the database are 503 (unreachable) or 500, never half-written.
 */
async function receive(request: Request, endpoint: Endpoint, deps: IngestDeps): Promise<Response> {
  const started = performance.now();
  const facts: LogFacts = { path: new URL(request.url).pathname };
  const response = await receiveBatch(request, endpoint, deps, facts);
  const { error, ...fields } = facts;
  const line = { ...fields, status: response.status, ms: Math.round(performance.now() - started), ...(error === undefined ? {} : errorFields(error)) };
  if (response.status >= 500) log.error(line, 'batch not written');
  else if (response.status >= 400 && response.status !== 429) log.warn(line, 'batch refused');
  else log.info(line, response.status === 429 ? 'batch throttled' : 'batch received');
  return response;
}

/** What one request's log line says besides its status and time. */
interface LogFacts {
  path: string;
  apiKeyId?: number;
  department?: Department;
  bytes?: number;
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  error?: unknown;
}

async function receiveBatch(request: Request, endpoint: Endpoint, deps: IngestDeps, facts: LogFacts): Promise<Response> {
  if (!endpoint.key) return problem(401, endpoint.missingKey, undefined, { 'www-authenticate': endpoint.challenge });
  try {
    const db = await deps.db();
    const check = await checkKey(db, endpoint.key);
    if (check.status === 'unknown') return problem(401, 'unknown or revoked API key', undefined, { 'www-authenticate': endpoint.challenge });
    if (endpoint.department && check.key.department !== endpoint.department) {
      return problem(403, `this key belongs to ${check.key.department}; send to /api/ingest/${check.key.department}`);
    }
    if (check.status === 'limited') {
      return problem(429, 'too many requests for this key; retry after the given seconds', undefined, {
        'retry-after': String(check.retryAfterSeconds),
      });
    }
    const sender: Sender = { apiKeyId: check.key.id, department: check.key.department };
    facts.apiKeyId = sender.apiKeyId;
    facts.department = sender.department;

    let bytes: Buffer;
    try {
      bytes = await readBody(request, endpoint.maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return problem(413, `body over the limit of ${endpoint.maxBytes} bytes; send smaller batches`);
      throw error;
    }
    facts.bytes = bytes.length;
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      const message = printable(`malformed JSON: ${error instanceof Error ? error.message : 'cannot parse'}`);
      await keepRejectedBody(db, sender, bytes, 400, [{ path: '(body)', message }]);
      return problem(400, message, [{ path: '(body)', message }]);
    }
    const found = endpoint.items(body);
    if ('errors' in found) {
      await keepRejectedBody(db, sender, bytes, 400, found.errors);
      return problem(400, found.errors.map((e) => `${e.path}: ${e.message}`).join('; '), found.errors);
    }
    const { items } = found;
    if (items.length > MAX_EVENTS_PER_BATCH) {
      return problem(413, `${items.length} events in one batch; at most ${MAX_EVENTS_PER_BATCH}`, [
        { path: 'events', message: `at most ${MAX_EVENTS_PER_BATCH} events a batch` },
      ]);
    }
    const spans = () => {
      const found = endpoint.itemBytes(bytes);
      return found && found.length === items.length ? found : null;
    };
    const result = await endpoint.ingest(db, sender, items, spans);
    facts.accepted = result.accepted;
    facts.duplicates = result.duplicates;
    facts.rejected = result.rejected.length;
    if (new URL(request.url).searchParams.get('wait') === 'applied') {
      result.applied = result.watermark === null ? true : await waitApplied(db, result.watermark, WAIT_APPLIED_MS);
    }
    return json(statusOf(result), endpoint.answer(result));
  } catch (error) {
    facts.error = error;
    if (isUnreachable(error)) {
      return problem(503, 'the database is unreachable; nothing was written, retry later', undefined, {
        'retry-after': String(RETRY_AFTER_UNREACHABLE_SECONDS),
      });
    }
    return problem(500, 'internal error; nothing was written');
  }
}

function shapeError(path: string, message: string): { errors: FieldError[] } {
  return { errors: [{ path, message }] };
}

export async function handleIngest(request: Request, departmentParam: string, deps: IngestDeps): Promise<Response> {
  const parsedDepartment = departmentSchema.safeParse(departmentParam);
  if (!parsedDepartment.success) {
    return problem(404, `no ingestion endpoint for '${departmentParam}'; use marketing, sales, operations or service`);
  }
  return receive(
    request,
    {
      key: bearer(request),
      challenge: 'Bearer',
      missingKey: 'missing API key: send Authorization: Bearer <key>',
      department: parsedDepartment.data,
      maxBytes: env().INGEST_MAX_BYTES,
      items: (body) => {
        const events = (body as { events?: unknown } | null)?.events;
        return typeof body === 'object' && body !== null && !Array.isArray(body) && Array.isArray(events)
          ? { items: events }
          : shapeError('events', 'the body must be an object with an "events" array');
      },
      itemBytes: (bytes) => elementBytes(bytes, 'events'),
      ingest: (db, sender, events, rawBytes) => ingestEvents(db, sender, events, { rawBytes }),
      answer: (result) => result,
    },
    deps,
  );
}

/**
 * 200 when anything was taken (accepted or already had); when every event was rejected, the
 * rejections' status: 403 if all were outside the key's department, else 422.
 */
export function statusOf(result: IngestResult): number {
  if (result.rejected.length === 0 || result.accepted + result.duplicates > 0) return 200;
  return result.rejected.every((r) => r.status === 403) ? 403 : 422;
}

async function keepRejectedBody(db: Db, sender: Sender, bytes: Buffer, status: number, errors: FieldError[]): Promise<void> {
  await db.insert(rejectedEvents).values({
    apiKeyId: sender.apiKeyId,
    department: sender.department,
    rawText: printable(bytes.toString('utf8')),
    rawBody: bytes,
    status,
    errors: printableErrors(errors),
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
  return receive(
    request,
    {
      key: basicUser(request),
      challenge: 'Basic realm="ingest"',
      missingKey: 'missing write key: send it as the Basic auth user with an empty password',
      maxBytes: SEGMENT_MAX_BATCH_BYTES,
      items: (body) => {
        if (isBatch) {
          const batch = (body as { batch?: unknown } | null)?.batch;
          return Array.isArray(batch) ? { items: batch } : shapeError('batch', 'a batch body must be an object with a "batch" array');
        }
        // A single call's type is its endpoint; kept with it, a rejected call replays as it came.
        return body !== null && typeof body === 'object' && !Array.isArray(body)
          ? { items: [{ type: callParam, ...body }] }
          : shapeError('(body)', 'a call must be a JSON object');
      },
      itemBytes: (bytes) => (isBatch ? elementBytes(bytes, 'batch') : [bytes]),
      ingest: (db, sender, calls, rawBytes) => ingestEvents(db, sender, calls, { translate: (call) => fromSegment(call), rawBytes }),
      answer: (result) => ({ success: true, ...result }),
    },
    deps,
  );
}
