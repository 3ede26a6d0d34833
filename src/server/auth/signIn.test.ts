// Sign-in against a real database: passwords, disabled accounts, throttling, and the session
// cookie resolving to a user on every call.
import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCContext } from '~/server/api/trpc';
import { callerAs, createTestUser } from '~/server/api/testing';
import { createCaller } from '~/server/api/root';
import type { DbHandle } from '~/server/db/client';
import { signInFailures, users } from '~/server/db/schema';
import { createTestDb } from '~/server/db/testing';
import { ensureDemoUsers } from './demoUsers';
import { hashPassword } from './passwords';
import { signInLimits } from './rateLimit';
import { getAuthSecret } from './secret';
import { authenticate } from './signIn';

let handle: DbHandle;
const password = 'correct horse battery';

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

async function account(email: string) {
  return createTestUser(handle.db, { role: 'sales', email, passwordHash: await hashPassword(password) });
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 10, 9, minute));

describe('authenticate', () => {
  it('accepts the right password, whatever the email case', async () => {
    const user = await account('ana@example.com');
    const result = await authenticate(handle.db, { email: ' Ana@Example.com ', password, address: '10.0.0.1' });
    expect(result).toEqual({ ok: true, user });
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    await account('ben@example.com');
    expect(await authenticate(handle.db, { email: 'ben@example.com', password: 'wrong password', address: null })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await authenticate(handle.db, { email: 'nobody@example.com', password, address: null })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a disabled account', async () => {
    const user = await account('cy@example.com');
    await handle.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await authenticate(handle.db, { email: 'cy@example.com', password, address: null })).toEqual({ ok: false, reason: 'disabled' });
  });

  it('locks an account after 5 failures in 15 minutes, even with the right password', async () => {
    await account('dee@example.com');
    for (let i = 0; i < signInLimits.perAccount; i++) {
      const r = await authenticate(handle.db, { email: 'dee@example.com', password: 'nope nope', address: `10.1.0.${i}` }, at(i));
      expect(r).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await authenticate(handle.db, { email: 'dee@example.com', password, address: '10.1.1.1' }, at(6))).toEqual({
      ok: false,
      reason: 'limited',
    });
    // 15 minutes after the first failure the oldest one no longer counts.
    expect((await authenticate(handle.db, { email: 'dee@example.com', password, address: '10.1.1.1' }, at(16))).ok).toBe(true);
  });

  it('clears the account failures on success, so they do not add up across good sign-ins', async () => {
    await account('eve@example.com');
    for (let i = 0; i < signInLimits.perAccount - 1; i++) {
      await authenticate(handle.db, { email: 'eve@example.com', password: 'nope nope', address: null }, at(20));
    }
    expect((await authenticate(handle.db, { email: 'eve@example.com', password, address: null }, at(21))).ok).toBe(true);
    expect(await authenticate(handle.db, { email: 'eve@example.com', password: 'nope nope', address: null }, at(22))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect((await authenticate(handle.db, { email: 'eve@example.com', password, address: null }, at(23))).ok).toBe(true);
  });

  it('limits an address after 20 failures across accounts', async () => {
    await account('fay@example.com');
    for (let i = 0; i < signInLimits.perAddress; i++) {
      await authenticate(handle.db, { email: `guess${i}@example.com`, password: 'nope nope', address: '192.0.2.7' }, at(30));
    }
    expect(await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.7' }, at(31))).toEqual({
      ok: false,
      reason: 'limited',
    });
    expect((await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.8' }, at(31))).ok).toBe(true);
    const rows = await handle.db.select().from(signInFailures).where(eq(signInFailures.subject, '192.0.2.7'));
    expect(rows.length).toBe(20);
  });
});

describe('session cookie', () => {
  async function cookieFor(userId: number, name = 'next-auth.session-token', secret?: string) {
    const token = await encode({ token: { sub: String(userId) }, secret: secret ?? (await getAuthSecret(handle.db)) });
    return new Headers({ cookie: `other=1; ${name}=${token}` });
  }

  it('makes the context user the account the cookie names', async () => {
    const user = await account('gus@example.com');
    const ctx = await createTRPCContext({ db: handle.db, headers: await cookieFor(user.id) });
    expect(ctx.user).toEqual(user);
    expect((await createCaller(ctx).auth.me())?.email).toBe('gus@example.com');
  });

  it('reads the secure cookie name too', async () => {
    const user = await account('hal@example.com');
    const ctx = await createTRPCContext({ db: handle.db, headers: await cookieFor(user.id, '__Secure-next-auth.session-token') });
    expect(ctx.user?.id).toBe(user.id);
  });

  it('signs out a disabled account on its next call', async () => {
    const user = await account('ida@example.com');
    const headers = await cookieFor(user.id);
    expect((await createTRPCContext({ db: handle.db, headers })).user?.id).toBe(user.id);
    await handle.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    const ctx = await createTRPCContext({ db: handle.db, headers });
    expect(ctx.user).toBeNull();
    await expect(createCaller(ctx).admin.users.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('applies a changed role on the next call', async () => {
    const user = await account('jo@example.com');
    const headers = await cookieFor(user.id);
    await expect(createCaller(await createTRPCContext({ db: handle.db, headers })).admin.users.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await handle.db.update(users).set({ role: 'admin' }).where(eq(users.id, user.id));
    expect((await createCaller(await createTRPCContext({ db: handle.db, headers })).admin.users.list()).length).toBeGreaterThan(0);
  });

  it('ignores a cookie signed with another secret, and no cookie at all', async () => {
    const user = await account('kim@example.com');
    const forged = await cookieFor(user.id, 'next-auth.session-token', 'x'.repeat(43));
    expect((await createTRPCContext({ db: handle.db, headers: forged })).user).toBeNull();
    expect((await createTRPCContext({ db: handle.db, headers: new Headers() })).user).toBeNull();
  });

  it('keeps one generated secret per install', async () => {
    const before = process.env.NEXTAUTH_SECRET;
    delete process.env.NEXTAUTH_SECRET;
    try {
      const secret = await getAuthSecret(handle.db);
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(await getAuthSecret(handle.db)).toBe(secret);
    } finally {
      if (before !== undefined) process.env.NEXTAUTH_SECRET = before;
    }
  });
});

describe('demo accounts', () => {
  it('creates one per role once, with working printed passwords', async () => {
    const lines: string[] = [];
    const created = await ensureDemoUsers(handle.db, (line) => lines.push(line));
    expect(created.map((c) => c.email)).toEqual([
      'admin@demo.local',
      'executive@demo.local',
      'marketing@demo.local',
      'sales@demo.local',
      'operations@demo.local',
      'service@demo.local',
      'viewer@demo.local',
    ]);
    const viewer = created.find((c) => c.role === 'viewer');
    if (!viewer) throw new Error('no viewer');
    expect(lines.join('\n')).toContain(process.env.DEMO_PASSWORD ? '(DEMO_PASSWORD)' : viewer.password);
    const signedIn = await authenticate(handle.db, { email: viewer.email, password: viewer.password, address: null });
    expect(signedIn.ok && signedIn.user.role).toBe('viewer');
    expect(await ensureDemoUsers(handle.db, () => {})).toEqual([]);
  });
});

describe('admin user management', () => {
  it('creates, disables and resets accounts, and audits each action', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    const created = await admin.admin.users.create({ email: 'New@Example.com', name: 'New Person', role: 'service', department: 'service' });
    expect(created.password).toHaveLength(16);
    expect((await authenticate(handle.db, { email: 'new@example.com', password: created.password ?? '', address: null })).ok).toBe(true);
    await expect(admin.admin.users.create({ email: 'new@example.com', name: 'Again', role: 'viewer', department: 'x' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    await admin.admin.users.update({ id: created.id, role: 'marketing', department: 'marketing' });
    await admin.admin.users.setDisabled({ id: created.id, disabled: true });
    expect((await authenticate(handle.db, { email: 'new@example.com', password: created.password ?? '', address: null })).ok).toBe(false);
    await admin.admin.users.setDisabled({ id: created.id, disabled: false });
    const { password: fresh } = await admin.admin.users.resetPassword({ id: created.id });
    const after = await authenticate(handle.db, { email: 'new@example.com', password: fresh, address: null });
    expect(after.ok && after.user.role).toBe('marketing');

    const actions = (await admin.admin.audit.list({ limit: 5 })).map((e) => e.action);
    expect(actions).toEqual(['user.resetPassword', 'user.enable', 'user.disable', 'user.update', 'user.create']);
  });

  it('keeps an admin from disabling or demoting themselves', async () => {
    const me = await createTestUser(handle.db, { role: 'admin' });
    const admin = callerAs(handle.db, me);
    await expect(admin.admin.users.setDisabled({ id: me.id, disabled: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(admin.admin.users.update({ id: me.id, role: 'viewer' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
