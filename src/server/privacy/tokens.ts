// Admin API tokens for machine callers (a privacy tool): shown once at creation, stored as a
// sha256 hash, each with one scope, revocable. They are not ingestion keys and open no other door.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type Db } from '~/server/db/client';
import { adminTokens } from '~/server/db/schema';
import { hashKey } from '~/server/ingest/apiKeys';

export const tokenScopes = ['privacy'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export interface AdminToken {
  id: number;
  name: string;
  scope: TokenScope;
}

export async function createAdminToken(db: Db, input: { name: string; scope: TokenScope; createdBy: number | null }): Promise<AdminToken & { token: string }> {
  const token = `rft_${input.scope}_${randomBytes(24).toString('base64url')}`;
  const [row] = await db
    .insert(adminTokens)
    .values({ name: input.name, scope: input.scope, keyHash: hashKey(token), prefix: token.slice(0, 16), createdBy: input.createdBy })
    .returning({ id: adminTokens.id });
  if (!row) throw new Error('token was not created');
  return { id: row.id, name: input.name, scope: input.scope, token };
}

export async function revokeAdminToken(db: Db, id: number): Promise<boolean> {
  const updated = await db.update(adminTokens).set({ revokedAt: new Date() }).where(eq(adminTokens.id, id)).returning({ id: adminTokens.id });
  return updated.length > 0;
}

export async function listAdminTokens(db: Db) {
  return db
    .select({
      id: adminTokens.id,
      name: adminTokens.name,
      scope: adminTokens.scope,
      prefix: adminTokens.prefix,
      createdAt: adminTokens.createdAt,
      lastUsedAt: adminTokens.lastUsedAt,
      revokedAt: adminTokens.revokedAt,
    })
    .from(adminTokens)
    .orderBy(desc(adminTokens.createdAt));
}

/** The live token of this scope the bearer header carries, or null; marks it used. */
export async function checkAdminToken(db: Db, authorization: string | null, scope: TokenScope): Promise<AdminToken | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) return null;
  const [row] = await db
    .update(adminTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(adminTokens.keyHash, hashKey(match[1])), eq(adminTokens.scope, scope), isNull(adminTokens.revokedAt)))
    .returning({ id: adminTokens.id, name: adminTokens.name });
  return row ? { id: row.id, name: row.name, scope } : null;
}
