// The baseline: a plain COPY of the rows the endpoint would write into the raw `events` log.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { accountIdOf, entityKeyOf } from '~/server/ingest/catalogue';
import { validateEvent } from '~/server/ingest/validate';
import { backendCpuMs, nodeCpuMs } from './cpu';
import type { Batch } from './events';

const COLUMNS = 'api_key_id, department, event_id, type, occurred_at, entity_key, account_id, data';

function csvField(value: string | number | null): string {
  if (value === null) return '';
  return `"${String(value).replace(/"/g, '""')}"`;
}

/**
 * The CSV lines of the `events` rows for these batches, with the values the endpoint stores:
 * validated and normalised data, entity key and account id derived the same way.
 */
export function copyLines(batches: Batch[], keyIds: Record<Batch['department'], number>): string[] {
  return [...copyLineStream(batches, keyIds)];
}

/** The same lines, one at a time: a million-lead demo does not fit in memory as one array. */
export function* copyLineStream(batches: Iterable<Batch>, keyIds: Record<Batch['department'], number>): Generator<string> {
  for (const batch of batches) {
    for (const raw of batch.events) {
      const result = validateEvent(raw, batch.department);
      if (!result.ok) throw new Error(`event ${raw.id} is not valid: ${JSON.stringify(result.errors)}`);
      const e = result.event;
      yield (
        [
          keyIds[batch.department],
          batch.department,
          e.id,
          e.type,
          e.occurredAt.toISOString(),
          entityKeyOf(e),
          accountIdOf(e),
          JSON.stringify(e.data),
        ]
          .map(csvField)
          .join(',') + '\n'
      );
    }
  }
}

function* chunks(lines: Iterable<string>, size = 64 * 1024): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Streams the lines through one COPY; returns the seconds it took, the rows the table holds, and
 * the CPU seconds of this process (making the lines) and of the COPY's backend (null where the
 * server's /proc cannot be read).
 */
export async function timeCopy(url: string, lines: Iterable<string>): Promise<{ seconds: number; rows: number; cpu: { node: number; pg: number | null } }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pgBefore = backendCpuMs(backend!.pid);
    const nodeBefore = nodeCpuMs();
    const started = performance.now();
    const writable = await sql.unsafe(`copy events (${COLUMNS}) from stdin with (format csv)`).writable();
    await pipeline(Readable.from(chunks(lines)), writable);
    const seconds = (performance.now() - started) / 1000;
    const node = (nodeCpuMs() - nodeBefore) / 1000;
    const pgAfter = backendCpuMs(backend!.pid);
    const pg = pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / 1000;
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from events`;
    return { seconds, rows: count?.n ?? 0, cpu: { node, pg } };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
