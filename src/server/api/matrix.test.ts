// Every procedure of the app router, called by every role (and signed out), is allowed or refused
// exactly as its declared right and PRODUCT.md's matrix say. Generated from the router itself, so a
// new procedure is covered the moment it is registered; the expected rights are written out here by
// hand, not read from the implementation's default matrix.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMasked } from '~/lib/masked';
import { loadPermissions, resetPermissions, savePermissions } from '~/server/auth/permissions';
import { defaultMatrix, rights, roles, withRight, type Right, type Role } from '~/server/auth/rights';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { appRouter } from './root';
import { callerAs, createTestUser } from './testing';
import { authedProcedure, createCallerFactory, createTRPCRouter, type Meta } from './trpc';

const procedures = Object.entries(appRouter._def.procedures).map(([path, procedure]) => ({
  path,
  meta: (procedure as unknown as { _def: { meta?: Meta } })._def.meta ?? {},
}));

let handle: DbHandle;
const usersByRole = new Map<Role, SessionUser>();

beforeAll(async () => {
  handle = await createTestDb();
  for (const r of roles) usersByRole.set(r, await createTestUser(handle.db, { role: r }));
});
afterAll(() => handle.close());

const userOf = (r: Role): SessionUser => {
  const user = usersByRole.get(r);
  if (!user) throw new Error(`no ${r} user`);
  return user;
};

/** The error code of a call, or 'ok'. Inputs are left out: authorisation runs before validation. */
async function outcome(user: SessionUser | null, path: string): Promise<string> {
  let target: unknown = callerAs(handle.db, user);
  for (const segment of path.split('.')) target = (target as Record<string, unknown>)[segment];
  try {
    await (target as (input?: unknown) => Promise<unknown>)(undefined);
    return 'ok';
  } catch (error) {
    return error instanceof TRPCError ? error.code : 'thrown';
  }
}

const refusal = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

// PRODUCT.md, "Roles and permission settings": the roles holding each right by default.
const holders: Record<Right, readonly Role[]> = {
  viewDashboards: ['admin', 'executive', 'marketing', 'sales', 'operations', 'service', 'viewer'],
  seeContacts: ['admin', 'marketing', 'sales', 'service'],
  seeMoney: ['admin', 'executive', 'marketing', 'sales', 'operations'],
  seeSpend: ['admin', 'executive', 'marketing'],
  editOwnKpiTargets: ['admin', 'executive', 'marketing', 'sales', 'operations', 'service'],
  shareDashboards: ['admin', 'executive', 'marketing', 'sales', 'operations', 'service'],
  exportCsv: ['admin', 'executive', 'marketing', 'sales', 'operations', 'service'],
  manage: ['admin'],
};

describe('the default matrix is PRODUCT.md\'s', () => {
  it.each(rights)('%s', (right) => {
    expect(roles.filter((r) => defaultMatrix[r].includes(right))).toEqual(holders[right]);
  });
});

describe('every procedure x every role, default matrix', () => {
  it('covers the admin procedures', () => {
    expect(procedures.filter((p) => p.meta.right === 'manage').length).toBeGreaterThanOrEqual(10);
  });

  for (const { path, meta } of procedures) {
    it(`${path} signed out`, async () => {
      const result = await outcome(null, path);
      if (meta.public) expect(refusal.has(result)).toBe(false);
      else expect(result).toBe('UNAUTHORIZED');
    });

    for (const r of roles) {
      const allowed = meta.public === true || (meta.right !== undefined && holders[meta.right].includes(r));
      it(`${path} as ${r}: ${allowed ? 'allowed' : 'forbidden'}`, async () => {
        const result = await outcome(userOf(r), path);
        if (allowed) expect(refusal.has(result)).toBe(false);
        else expect(result).toBe('FORBIDDEN');
      });
    }
  }
});

describe('a changed setting changes the outcome', () => {
  const needing = (right: Right) => procedures.filter((p) => p.meta.right === right);

  it('lets the viewer in once granted manage, and out again once revoked', async () => {
    const [first] = needing('manage');
    if (!first) throw new Error('no procedure needs manage');
    expect(await outcome(userOf('viewer'), first.path)).toBe('FORBIDDEN');
    await savePermissions(handle.db, withRight(await loadPermissions(handle.db), 'viewer', 'manage', true));
    for (const p of needing('manage')) expect(refusal.has(await outcome(userOf('viewer'), p.path))).toBe(false);
    await savePermissions(handle.db, withRight(await loadPermissions(handle.db), 'viewer', 'manage', false));
    expect(await outcome(userOf('viewer'), first.path)).toBe('FORBIDDEN');
  });

  it('changes the matrix through the admin procedure, and audits it', async () => {
    const admin = callerAs(handle.db, userOf('admin'));
    await admin.admin.permissions.set({ role: 'sales', right: 'exportCsv', granted: false });
    expect((await loadPermissions(handle.db)).sales).not.toContain('exportCsv');
    const [entry] = await admin.admin.audit.list({ limit: 1 });
    expect(entry?.action).toBe('permissions.set');
    expect(entry?.actorEmail).toBe(userOf('admin').email);
    expect(entry?.details).toEqual({ role: 'sales', right: 'exportCsv', granted: false });
    await resetPermissions(handle.db);
    expect((await loadPermissions(handle.db)).sales).toContain('exportCsv');
  });

  it('refuses to change a fixed cell', async () => {
    const admin = callerAs(handle.db, userOf('admin'));
    await expect(admin.admin.permissions.set({ role: 'admin', right: 'manage', granted: false })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(admin.admin.permissions.set({ role: 'viewer', right: 'viewDashboards', granted: false })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('masking follows the matrix', () => {
  const router = createTRPCRouter({
    deals: authedProcedure
      .need('viewDashboards')
      .query(() => [{ contactName: 'Ada', email: 'ada@example.com', amountCents: 5_000, spendCents: 700, stage: 'won' }]),
  });
  const caller = (r: Role) => createCallerFactory(router)({ db: handle.db, user: userOf(r), headers: new Headers() });

  // Hand-written from PRODUCT.md's table, not derived from the default matrix.
  const sees: Record<Role, { contact: boolean; money: boolean; spend: boolean }> = {
    admin: { contact: true, money: true, spend: true },
    executive: { contact: false, money: true, spend: true },
    marketing: { contact: true, money: true, spend: true },
    sales: { contact: true, money: true, spend: false },
    operations: { contact: false, money: true, spend: false },
    service: { contact: true, money: false, spend: false },
    viewer: { contact: false, money: false, spend: false },
  };

  it.each(roles)('masks exactly what %s may not see', async (r) => {
    const [row] = await caller(r).deals();
    expect(isMasked(row?.contactName)).toBe(!sees[r].contact);
    expect(isMasked(row?.email)).toBe(!sees[r].contact);
    expect(isMasked(row?.amountCents)).toBe(!sees[r].money);
    expect(isMasked(row?.spendCents)).toBe(!sees[r].spend);
    expect(row?.stage).toBe('won');
  });

  it('unmasks money for the viewer once the setting grants it', async () => {
    await savePermissions(handle.db, withRight(await loadPermissions(handle.db), 'viewer', 'seeMoney', true));
    const [row] = await caller('viewer').deals();
    expect(row?.amountCents).toBe(5_000);
    expect(isMasked(row?.spendCents)).toBe(true);
    await resetPermissions(handle.db);
    const [after] = await caller('viewer').deals();
    expect(isMasked(after?.amountCents)).toBe(true);
  });
});
