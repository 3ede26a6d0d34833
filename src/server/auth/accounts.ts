// User administration: create, change role and department, disable, reset password. Passwords an
// admin does not choose are generated and returned once.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { users } from '~/server/db/schema';
import { hashPassword, randomPassword } from './passwords';
import type { Role } from './rights';
import { findUserByEmail } from './users';

export interface AccountRow {
  id: number;
  /** the sign-in name of a user of the product: not a contact's detail, so never masked */
  signInEmail: string;
  name: string;
  role: string;
  department: string;
  disabledAt: Date | null;
  createdAt: Date;
  hasPassword: boolean;
}

export async function listAccounts(db: Db): Promise<AccountRow[]> {
  return db
    .select({
      id: users.id,
      signInEmail: users.email,
      name: users.name,
      role: users.role,
      department: users.department,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
    })
    .from(users)
    .orderBy(asc(users.email));
}

export class AccountError extends Error {}

export async function createAccount(
  db: Db,
  input: { email: string; name: string; role: Role; department: string; password?: string },
): Promise<{ id: number; password: string }> {
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(db, email)) throw new AccountError('An account with this email exists already.');
  const password = input.password ?? randomPassword();
  const [row] = await db
    .insert(users)
    .values({ email, name: input.name, role: input.role, department: input.department, passwordHash: await hashPassword(password) })
    .returning({ id: users.id });
  if (!row) throw new Error('account was not created');
  return { id: row.id, password };
}

export async function updateAccount(db: Db, id: number, change: { role?: Role; department?: string; name?: string }): Promise<boolean> {
  if (Object.keys(change).length === 0) return true;
  const updated = await db.update(users).set(change).where(eq(users.id, id)).returning({ id: users.id });
  return updated.length > 0;
}

export async function setAccountDisabled(db: Db, id: number, disabled: boolean): Promise<boolean> {
  const updated = await db
    .update(users)
    .set({ disabledAt: disabled ? new Date() : null })
    .where(eq(users.id, id))
    .returning({ id: users.id });
  return updated.length > 0;
}

export async function resetAccountPassword(db: Db, id: number): Promise<string | null> {
  const password = randomPassword();
  const updated = await db.update(users).set({ passwordHash: await hashPassword(password) }).where(eq(users.id, id)).returning({ id: users.id });
  return updated.length > 0 ? password : null;
}
