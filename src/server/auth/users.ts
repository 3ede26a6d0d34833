// The signed-in person as the server sees them: always re-read from `users`, so that a disabled
// account or a changed role applies on the next call, whatever the session cookie says.
import { and, eq, isNull } from 'drizzle-orm';
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

export async function loadActiveUser(db: Db, id: number): Promise<SessionUser | null> {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, department: users.department })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)))
    .limit(1);
  if (!row || !isRole(row.role)) return null;
  return { ...row, role: row.role };
}
