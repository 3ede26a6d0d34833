// Test factories for router tests: users of a role, and a caller signed in as one of them, going
// through the real middleware chain against a real database.
import { randomBytes } from 'node:crypto';
import type { Role } from '~/server/auth/rights';
import type { SessionUser } from '~/server/auth/users';
import type { Db } from '~/server/db/client';
import { users } from '~/server/db/schema';
import { createCaller } from './root';

export async function createTestUser(
  db: Db,
  input: { role: Role; department?: string; email?: string; name?: string; passwordHash?: string | null },
): Promise<SessionUser> {
  const email = input.email ?? `${input.role}-${randomBytes(4).toString('hex')}@test.local`;
  const [row] = await db
    .insert(users)
    .values({
      email,
      name: input.name ?? `Test ${input.role}`,
      role: input.role,
      department: input.department ?? input.role,
      passwordHash: input.passwordHash ?? null,
    })
    .returning({ id: users.id });
  if (!row) throw new Error('user was not created');
  return { id: row.id, email, name: input.name ?? `Test ${input.role}`, role: input.role, department: input.department ?? input.role };
}

/** A caller with the given user as ctx.user (null: signed out). */
export function callerAs(db: Db, user: SessionUser | null) {
  return createCaller({ db, user, headers: new Headers() });
}
