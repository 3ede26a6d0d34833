// The signed-in person as the server sees them: always re-read from `users`, so that a disabled
// account or a changed role applies on the next call, whatever the session cookie says.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { users } from '~/server/db/schema';
import { roles, type Role } from './rights';

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  department: string;
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

type UserRow = typeof users.$inferSelect;

/** The session user of a row, or null when the row is missing, disabled or has an unknown role. */
export function activeSessionUser(row: UserRow | undefined): SessionUser | null {
  if (!row || row.disabledAt || !isRole(row.role)) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, department: row.department };
}

export async function loadActiveUser(db: Db, id: number): Promise<SessionUser | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return activeSessionUser(row);
}

/** The user with this email, compared case-insensitively. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row;
}
