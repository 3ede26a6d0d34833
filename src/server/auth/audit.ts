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

export async function recentAudit(db: Db, limit = 200) {
  return db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
}
