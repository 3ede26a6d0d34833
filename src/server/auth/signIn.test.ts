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
import { recentAudit } from './audit';
import { clientAddress, parseTrustedProxies, withSocketPeer } from './clientAddress';
import { backOffSeconds, signInLimits } from './rateLimit';
import { readCookie } from './session';
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

const sec = (second: number) => new Date(Date.UTC(2026, 0, 10, 9, 0, second));

describe('authenticate', () => {
  it('accepts the right password, whatever the email case', async () => {
    const user = await account('ana@example.com');
    const result = await authenticate(handle.db, { email: ' Ana@Example.com ', password, address: '10.0.0.1' });
    expect(result).toMatchObject({ ok: true, user });
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

  it('slows a failing pair by doubling waits, and lets the right password in once the wait is over', async () => {
    await account('dee@example.com');
    const from = { email: 'dee@example.com', address: '10.1.0.1' };
    for (let i = 0; i < 4; i++) {
      expect(await authenticate(handle.db, { ...from, password: 'nope nope' }, sec(i))).toEqual({ ok: false, reason: 'invalid' });
    }
    // 4 failures: 2 s from the last one (at 3 s), before the password is even looked at.
    expect(await authenticate(handle.db, { ...from, password }, sec(4))).toEqual({ ok: false, reason: 'limited', retryAfterSeconds: 1 });
    expect((await authenticate(handle.db, { ...from, password }, sec(5))).ok).toBe(true);
    // The success cleared the pair: the next failure is free again.
    expect(await authenticate(handle.db, { ...from, password: 'nope nope' }, sec(6))).toEqual({ ok: false, reason: 'invalid' });
    expect((await authenticate(handle.db, { ...from, password }, sec(6))).ok).toBe(true);
  });

  it('lets the owner sign in from a known device while an attacker keeps failing on the same account', async () => {
    const owner = await account('owen@example.com');
    const office = '203.0.113.5';
    const first = await authenticate(handle.db, { email: 'owen@example.com', password, address: office }, sec(0));
    if (!first.ok) throw new Error('the first sign-in failed');

    // The attacker sits behind the same address and tries every second for ten minutes; addresses
    // and the device cookie are read from request headers as the sign-in route reads them.
    const attacker = { 'x-forwarded-for': office };
    const ownerHeaders = { 'x-forwarded-for': office, cookie: `other=1; rf-device=${first.deviceToken}` };
    const outcomes = { invalid: 0, limited: 0 };
    let ownerSignIns = 0;
    for (let s = 1; s <= 600; s++) {
      const result = await authenticate(handle.db, { email: 'owen@example.com', password: `guess ${s}`, address: clientAddress(attacker) }, sec(s));
      if (result.ok) throw new Error('a guess got in');
      if (result.reason === 'invalid' || result.reason === 'limited') outcomes[result.reason]++;
      if (s % 60 === 0) {
        const device = readCookie(new Headers(ownerHeaders), 'rf-device') ?? null;
        const signedIn = await authenticate(handle.db, { email: 'owen@example.com', password, address: clientAddress(ownerHeaders), deviceToken: device }, sec(s));
        expect(signedIn.ok && signedIn.user).toEqual(owner);
        ownerSignIns++;
      }
    }
    expect(ownerSignIns).toBe(10);
    // Guesses at 1, 2, 3 (free) and 4 s, then after waits of 2, 4, 8, ..., 256 s: at 6, 10, 18, 34,
    // 66, 130, 258 and 514 s; the next would be at 1,026 s. 12 guesses in ten minutes instead of
    // 600; every other attempt was refused without looking at the password.
    expect(outcomes).toEqual({ invalid: 12, limited: 588 });
    // An unknown device is slowed only by the short account-wide wait: at most 60 s.
    const elsewhere = await authenticate(handle.db, { email: 'owen@example.com', password, address: '198.51.100.20' }, sec(601));
    expect(elsewhere.ok || (elsewhere.reason === 'limited' && elsewhere.retryAfterSeconds <= 60)).toBe(true);
    expect((await authenticate(handle.db, { email: 'owen@example.com', password, address: '198.51.100.20' }, sec(601 + 60))).ok).toBe(true);

    const throttled = (await recentAudit(handle.db, 1000)).filter((e) => e.action === 'auth.throttled' && (e.details as { email?: string }).email === 'owen@example.com');
    expect(throttled.length).toBe(588);
    expect(throttled[0]?.details).toMatchObject({ address: office, knownDevice: false, scope: 'pair' });
  });

  it('does not let a spoofed X-Forwarded-For reset the limit', async () => {
    await account('sid@example.com');
    const saved = process.env.TRUSTED_PROXIES;
    try {
      for (const [trusted, tail] of [[undefined, '198.51.100.7'], ['10.0.0.0/8, ::1', '198.51.100.7, 10.0.0.2, ::1']] as const) {
        if (trusted === undefined) delete process.env.TRUSTED_PROXIES;
        else process.env.TRUSTED_PROXIES = trusted;
        await handle.db.delete(signInFailures);
        const results: string[] = [];
        for (let i = 0; i < 6; i++) {
          // Each attempt claims a new address; the hops the client cannot write stay the same.
          const headers = new Headers({ 'x-forwarded-for': `192.0.2.${i}, 172.16.0.${i}, ${tail}` });
          expect(clientAddress(headers)).toBe('198.51.100.7');
          const result = await authenticate(handle.db, { email: 'sid@example.com', password: 'nope nope', address: clientAddress(headers) }, sec(100));
          results.push(result.ok ? 'ok' : result.reason);
        }
        expect(results).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'limited', 'limited']);
      }
    } finally {
      if (saved === undefined) delete process.env.TRUSTED_PROXIES;
      else process.env.TRUSTED_PROXIES = saved;
    }
  });

  it('slows an address spraying many accounts, but not a known device behind it', async () => {
    await account('fay@example.com');
    const fay = await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.99' }, sec(200));
    if (!fay.ok) throw new Error('the first sign-in failed');
    for (let i = 0; i < signInLimits.address.free + 1; i++) {
      await authenticate(handle.db, { email: `guess${i}@example.com`, password: 'nope nope', address: '192.0.2.7' }, sec(200));
    }
    expect(await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.7' }, sec(201))).toEqual({
      ok: false,
      reason: 'limited',
      retryAfterSeconds: 1,
    });
    expect((await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.7', deviceToken: fay.deviceToken }, sec(201))).ok).toBe(true);
    expect((await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.8' }, sec(201))).ok).toBe(true);
    // A device token is worth nothing for another account, or once tampered with.
    expect(await authenticate(handle.db, { email: 'guess0@example.com', password, address: '192.0.2.7', deviceToken: fay.deviceToken }, sec(201))).toMatchObject({
      reason: 'limited',
    });
    expect(await authenticate(handle.db, { email: 'fay@example.com', password, address: '192.0.2.7', deviceToken: `${fay.deviceToken}x` }, sec(201))).toMatchObject({
      reason: 'limited',
    });
  });
});

describe('backOffSeconds', () => {
  it('is free up to the free failures, then doubles up to the cap', () => {
    expect([0, 3, 4, 5, 6, 12, 13, 40].map((n) => backOffSeconds(signInLimits.pair, n))).toEqual([0, 0, 2, 4, 8, 512, 900, 900]);
    expect([10, 11, 14, 15, 100].map((n) => backOffSeconds(signInLimits.account, n))).toEqual([0, 2, 16, 32, 60]);
  });
});

describe('client address', () => {
  it('takes the rightmost hop that is not a trusted proxy', () => {
    const none = parseTrustedProxies(undefined);
    const proxies = parseTrustedProxies('10.0.0.0/8, 2001:db8::/32, 127.0.0.1');
    const xff = (value: string) => new Headers({ 'x-forwarded-for': value });
    expect(clientAddress(xff('1.1.1.1, 203.0.113.9'), none)).toBe('203.0.113.9');
    expect(clientAddress(xff('1.1.1.1, 203.0.113.9, 10.2.3.4, ::ffff:127.0.0.1'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(xff('203.0.113.9, 2001:db8::5'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(xff('10.0.0.1, 10.0.0.2'), proxies)).toBe('10.0.0.1');
    expect(clientAddress(xff('1.1.1.1, unknown, 10.0.0.2'), proxies)).toBeNull();
    expect(clientAddress({ 'x-forwarded-for': '[2001:db8:1::7]:443, 10.0.0.9' }, proxies)).toBe('2001:db8:1::7');
    expect(clientAddress(new Headers(), proxies)).toBeNull();
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow("TRUSTED_PROXIES: '10.0.0.0/33' is not an IP address or CIDR range");
    expect(() => parseTrustedProxies('proxy.internal')).toThrow('TRUSTED_PROXIES');
  });

  it('is appended by the app server after whatever the client sent', () => {
    expect(withSocketPeer('6.6.6.6', '::ffff:127.0.0.1')).toBe('6.6.6.6, ::ffff:127.0.0.1');
    expect(withSocketPeer(undefined, '192.0.2.1')).toBe('192.0.2.1');
    expect(clientAddress({ 'x-forwarded-for': withSocketPeer('6.6.6.6', '::ffff:127.0.0.1') }, parseTrustedProxies(''))).toBe('127.0.0.1');
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
