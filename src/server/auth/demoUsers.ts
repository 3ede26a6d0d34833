// One demo account per role (admin@demo.local ... viewer@demo.local), created on first setup. Their
// password is DEMO_PASSWORD when set (test runs), else random per install and printed once: no
// install shares a known password.
import { env } from '~/env';
import { inArray } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { users } from '~/server/db/schema';
import { hashPassword, minPasswordLength, randomPassword } from './passwords';
import { roles, type Role } from './rights';

export const demoDomain = 'demo.local';

export const demoEmail = (r: Role) => `${r}@${demoDomain}`;

export interface DemoCredential {
  role: Role;
  email: string;
  password: string;
}

/** Creates the demo accounts that do not exist yet; returns the credentials of those it created. */
export async function ensureDemoUsers(db: Db, log: (line: string) => void = console.log): Promise<DemoCredential[]> {
  const existing = new Set(
    (await db.select({ email: users.email }).from(users).where(inArray(users.email, roles.map(demoEmail)))).map((u) => u.email),
  );
  const fixed = env().DEMO_PASSWORD;
  if (fixed !== undefined && fixed.length < minPasswordLength) {
    throw new Error(`DEMO_PASSWORD must have at least ${minPasswordLength} characters`);
  }
  const created: DemoCredential[] = [];
  for (const r of roles) {
    const email = demoEmail(r);
    if (existing.has(email)) continue;
    const password = fixed ?? randomPassword();
    const name = `Demo ${r[0]!.toUpperCase()}${r.slice(1)}`;
    const inserted = await db
      .insert(users)
      .values({ email, name, role: r, department: r, passwordHash: await hashPassword(password) })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (inserted.length > 0) created.push({ role: r, email, password });
  }
  if (created.length > 0) {
    log('demo accounts (shown once; change or disable them under Admin > Users):');
    for (const c of created) log(`  ${c.role.padEnd(10)} ${c.email.padEnd(24)} ${fixed ? '(DEMO_PASSWORD)' : c.password}`);
  }
  return created;
}
