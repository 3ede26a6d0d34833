// Administration, all behind 'manage': users, the permission matrix, API keys, the ingestion log
// with replay, and the audit log. Every change is written to the audit log.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { keyActivity, rejectedEventsList } from '~/server/admin/ingestionLog';
import {
  AccountError,
  createAccount,
  listAccounts,
  resetAccountPassword,
  setAccountDisabled,
  updateAccount,
} from '~/server/auth/accounts';
import { audit, recentAudit } from '~/server/auth/audit';
import { minPasswordLength } from '~/server/auth/passwords';
import { loadPermissions, savePermissions } from '~/server/auth/permissions';
import { isFixed, right, rights, role, roles, withRight } from '~/server/auth/rights';
import { department } from '~/server/ingest/catalogue';
import { createApiKey, revokeApiKey } from '~/server/ingest/apiKeys';
import { replayRejected } from '~/server/ingest/replay';
import { erasePerson } from '~/server/privacy/erasure';
import { getRetention, retentionSettings, setRetention } from '~/server/privacy/retention';
import { ssoEnv } from '~/server/auth/sso';
import { getSetting, setSetting, ssoSettings } from '~/server/settings';
import { createAdminToken, listAdminTokens, revokeAdminToken, tokenScopes } from '~/server/privacy/tokens';
import { authedProcedure, createTRPCRouter } from '../trpc';

const admin = authedProcedure.need('manage');
const id = z.number().int().positive();
const departmentName = z.string().trim().min(1).max(60);

const notFound = (what: string) => new TRPCError({ code: 'NOT_FOUND', message: `No such ${what}.` });

const usersRouter = createTRPCRouter({
  list: admin.query(({ ctx }) => listAccounts(ctx.db)),

  create: admin
    .input(
      z.object({
        email: z.email(),
        name: z.string().trim().min(1).max(120),
        role,
        department: departmentName,
        password: z.string().min(minPasswordLength).max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      try {
        const created = await createAccount(ctx.db, input);
        await audit(ctx.db, ctx.user, 'user.create', { userId: created.id, email: input.email, role: input.role, department: input.department });
        // The password is shown once, to the admin who created the account.
        return { id: created.id, password: input.password ? null : created.password };
      } catch (error) {
        if (error instanceof AccountError) throw new TRPCError({ code: 'CONFLICT', message: error.message });
        throw error;
      }
    }),

  update: admin
    .input(z.object({ id, role: role.optional(), department: departmentName.optional(), name: z.string().trim().min(1).max(120).optional() }))
    .mutation(async ({ ctx, input: { id: userId, ...change } }) => {
      if (userId === ctx.user.id && change.role !== undefined && change.role !== ctx.user.role) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot change your own role.' });
      }
      if (!(await updateAccount(ctx.db, userId, change))) throw notFound('user');
      await audit(ctx.db, ctx.user, 'user.update', { userId, ...change });
      return { ok: true as const };
    }),

  setDisabled: admin.input(z.object({ id, disabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot disable your own account.' });
    if (!(await setAccountDisabled(ctx.db, input.id, input.disabled))) throw notFound('user');
    await audit(ctx.db, ctx.user, input.disabled ? 'user.disable' : 'user.enable', { userId: input.id });
    return { ok: true as const };
  }),

  resetPassword: admin.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const password = await resetAccountPassword(ctx.db, input.id);
    if (password === null) throw notFound('user');
    await audit(ctx.db, ctx.user, 'user.resetPassword', { userId: input.id });
    return { password };
  }),
});

const permissionsRouter = createTRPCRouter({
  get: admin.query(async ({ ctx }) => {
    const matrix = await loadPermissions(ctx.db);
    return {
      roles: [...roles],
      rights: [...rights],
      matrix,
      fixed: roles.flatMap((r) => rights.filter((x) => isFixed(r, x)).map((x) => ({ role: r, right: x }))),
    };
  }),

  set: admin.input(z.object({ role, right, granted: z.boolean() })).mutation(async ({ ctx, input }) => {
    if (isFixed(input.role, input.right)) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'This permission cannot be changed.' });
    }
    const matrix = await savePermissions(ctx.db, withRight(await loadPermissions(ctx.db), input.role, input.right, input.granted));
    await audit(ctx.db, ctx.user, 'permissions.set', input);
    return matrix;
  }),
});

const apiKeysRouter = createTRPCRouter({
  list: admin.query(({ ctx }) => keyActivity(ctx.db)),

  create: admin
    .input(z.object({ department, name: z.string().trim().min(1).max(120), ratePerMinute: z.number().int().min(1).max(100_000).optional() }))
    .mutation(async ({ ctx, input }) => {
      const created = await createApiKey(ctx.db, input);
      await audit(ctx.db, ctx.user, 'apiKey.create', { apiKeyId: created.id, name: input.name, department: input.department });
      // The key itself is shown once and never stored.
      return created;
    }),

  revoke: admin.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await revokeApiKey(ctx.db, input.id);
    await audit(ctx.db, ctx.user, 'apiKey.revoke', { apiKeyId: input.id });
    return { ok: true as const };
  }),
});

const ingestionRouter = createTRPCRouter({
  rejected: admin
    .input(
      z.object({
        apiKeyId: id.optional(),
        includeReplayed: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(100),
        beforeId: id.optional(),
      }),
    )
    .query(({ ctx, input }) => rejectedEventsList(ctx.db, input)),

  replay: admin.input(z.object({ id, correctedEvent: z.unknown().optional() })).mutation(async ({ ctx, input }) => {
    const result = await replayRejected(ctx.db, input.id, input.correctedEvent);
    await audit(ctx.db, ctx.user, 'ingestion.replay', { rejectedId: input.id, corrected: input.correctedEvent !== undefined, status: result.status });
    return result;
  }),
});

const auditRouter = createTRPCRouter({
  list: admin.input(z.object({ limit: z.number().int().min(1).max(1000).default(200) }).optional()).query(({ ctx, input }) => recentAudit(ctx.db, input?.limit)),
});

const ssoRouter = createTRPCRouter({
  get: admin.query(async ({ ctx }) => {
    const env = ssoEnv();
    return {
      configured: env !== null,
      issuer: env?.issuer ?? null,
      scopes: env?.scopes ?? null,
      recheckSeconds: env?.recheckSeconds ?? null,
      settings: await getSetting(ctx.db, 'sso'),
    };
  }),

  set: admin.input(ssoSettings).mutation(async ({ ctx, input }) => {
    const groups = input.mappings.map((m) => m.group);
    if (new Set(groups).size !== groups.length) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Each group may be mapped once.' });
    const saved = await setSetting(ctx.db, 'sso', input);
    await audit(ctx.db, ctx.user, 'sso.settings', saved);
    return saved;
  }),
});

const privacyRouter = createTRPCRouter({
  /** Forget a person: rewrites the raw log, the rejected log, the read model and the audit log. */
  erase: admin
    .input(
      z.union([
        z.object({ contactId: z.string().trim().min(1).max(200), reference: z.string().trim().max(200).optional() }),
        z.object({ email: z.email(), reference: z.string().trim().max(200).optional() }),
      ]),
    )
    .mutation(({ ctx, input }) =>
      erasePerson(ctx.db, 'contactId' in input ? { contactId: input.contactId } : { email: input.email }, ctx.user, {
        via: 'admin',
        ...(input.reference ? { reference: input.reference } : {}),
      }),
    ),

  tokens: admin.query(({ ctx }) => listAdminTokens(ctx.db)),

  createToken: admin
    .input(z.object({ name: z.string().trim().min(1).max(120), scope: z.enum(tokenScopes).default('privacy') }))
    .mutation(async ({ ctx, input }) => {
      const created = await createAdminToken(ctx.db, { ...input, createdBy: ctx.user.id });
      await audit(ctx.db, ctx.user, 'adminToken.create', { tokenId: created.id, name: input.name, scope: input.scope });
      // The token itself is shown once and never stored.
      return created;
    }),

  /** Raw-event retention: the setting (off by default), audited when changed. */
  retention: admin.query(({ ctx }) => getRetention(ctx.db)),

  setRetention: admin.input(retentionSettings).mutation(({ ctx, input }) => setRetention(ctx.db, input, ctx.user)),

  revokeToken: admin.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    if (!(await revokeAdminToken(ctx.db, input.id))) throw notFound('token');
    await audit(ctx.db, ctx.user, 'adminToken.revoke', { tokenId: input.id });
    return { ok: true as const };
  }),
});

export const adminRouter = createTRPCRouter({
  sso: ssoRouter,
  privacy: privacyRouter,
  users: usersRouter,
  permissions: permissionsRouter,
  apiKeys: apiKeysRouter,
  ingestion: ingestionRouter,
  audit: auditRouter,
});
