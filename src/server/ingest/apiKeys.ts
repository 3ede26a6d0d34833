// API keys: one department each, shown once at creation, stored as a sha256 hash.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';
import { apiKeys } from '~/server/db/schema';
import type { Department } from './catalogue';

export interface ApiKey {
  id: number;
  name: string;
  department: Department;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  db: Db,
  input: { department: Department; name: string; ratePerMinute?: number },
): Promise<ApiKey & { key: string }> {
  const key = `rfk_${input.department.slice(0, 3)}_${randomBytes(24).toString('base64url')}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      name: input.name,
      department: input.department,
      keyHash: hashKey(key),
      prefix: key.slice(0, 12),
      ratePerMinute: input.ratePerMinute ?? 600,
    })
    .returning({ id: apiKeys.id });
  if (!row) throw new Error('api key was not created');
  return { id: row.id, name: input.name, department: input.department, key };
}

export async function revokeApiKey(db: Db, id: number): Promise<void> {
  await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
}

export type KeyCheck =
  | { status: 'unknown' }
  | { status: 'ok' | 'limited'; key: ApiKey; retryAfterSeconds: number };

/**
 * Finds a live key by its plaintext and counts the request against its per-minute window, in one
 * round trip. The window lives in the database so that every app process shares it.
 */
export async function checkKey(db: Db, plaintext: string, now = new Date()): Promise<KeyCheck> {
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const row = await one<{ id: number | null; name: string; department: Department; rate: number; requests: number | null }>(
    db,
    sql`
    with k as (
      select id, name, department, rate_per_minute from api_keys where key_hash = ${hashKey(plaintext)} and revoked_at is null
    ), w as (
      insert into api_key_windows (api_key_id, window_start, requests)
      select id, ${windowStart.toISOString()}::timestamptz, 1 from k
      on conflict (api_key_id, window_start) do update set requests = api_key_windows.requests + 1
      returning requests
    )
    select k.id, k.name, k.department, k.rate_per_minute as rate, w.requests
    from (select 1) one left join k on true left join w on true`,
  );
  if (row.id === null) return { status: 'unknown' };
  const key: ApiKey = { id: Number(row.id), name: row.name, department: row.department };
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
  if (row.requests === 1) {
    // A new window: drop this key's old ones.
    await db.execute(sql`delete from api_key_windows where api_key_id = ${key.id} and window_start < ${windowStart.toISOString()}::timestamptz`);
  }
  return { status: Number(row.requests) > row.rate ? 'limited' : 'ok', key, retryAfterSeconds };
}
