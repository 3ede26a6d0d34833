// The audit log: every admin action and every export, with who did it.
import { desc } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { auditLog } from '~/server/db/schema';

export interface Actor {
  id: number;
  email: string;
}

export async function audit(db: Db, actor: Actor | null, action: string, details: Record<string, unknown> = {}): Promise<void> {
  await db.insert(auditLog).values({ actorId: actor?.id ?? null, actorEmail: actor?.email ?? null, action, details });
}

/**
 * A change and its audit row in one transaction: both are written or neither, so the log never
 * records a change that did not happen nor misses one that did. `change` throws to refuse.
 */
export async function audited<T>(
  db: Db,
  actor: Actor | null,
  action: string,
  change: (tx: Db) => Promise<T>,
  details: (result: T) => Record<string, unknown>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await change(tx);
    await audit(tx, actor, action, details(result));
    return result;
  });
}

export async function recentAudit(db: Db, limit = 200) {
  return db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
}
