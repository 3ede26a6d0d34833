// Administration, all behind 'manage': users, the permission matrix, API keys, the ingestion log
// with replay, the product settings, and the audit log. Every change is written to the audit log
// in the transaction of the change.
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
import { audited, recentAudit } from '~/server/auth/audit';
import { minPasswordLength } from '~/server/auth/passwords';
import { loadPermissions, savePermissions } from '~/server/auth/permissions';
import { isFixed, right, rights, role, roles, withRight } from '~/server/auth/rights';
import { department } from '~/server/ingest/catalogue';
import { createApiKey, revokeApiKey } from '~/server/ingest/apiKeys';
import { replayRejected } from '~/server/ingest/replay';
import { erasePerson } from '~/server/privacy/erasure';
import { getRetention, retentionSettings, setRetention } from '~/server/privacy/retention';
import { ssoEnv } from '~/server/auth/sso';
import { saveProductSettings } from '~/server/admin/productSettings';
import { getProductSettings, getSetting, productSettings, setSetting, ssoSettings } from '~/server/settings';
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
        const created = await audited(
          ctx.db,
          ctx.user,
          'user.create',
          (tx) => createAccount(tx, input),
          (c) => ({ userId: c.id, email: input.email, role: input.role, department: input.department }),
        );
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
      await audited(
        ctx.db,
        ctx.user,
        'user.update',
        async (tx) => {
          if (!(await updateAccount(tx, userId, change))) throw notFound('user');
        },
        () => ({ userId, ...change }),
      );
      return { ok: true as const };
    }),

  setDisabled: admin.input(z.object({ id, disabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot disable your own account.' });
    await audited(
      ctx.db,
      ctx.user,
      input.disabled ? 'user.disable' : 'user.enable',
      async (tx) => {
        if (!(await setAccountDisabled(tx, input.id, input.disabled))) throw notFound('user');
      },
      () => ({ userId: input.id }),
    );
    return { ok: true as const };
  }),

  resetPassword: admin.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const password = await audited(
      ctx.db,
      ctx.user,
      'user.resetPassword',
      async (tx) => (await resetAccountPassword(tx, input.id)) ?? Promise.reject(notFound('user')),
      () => ({ userId: input.id }),
    );
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
    return audited(
      ctx.db,
      ctx.user,
      'permissions.set',
      async (tx) => savePermissions(tx, withRight(await loadPermissions(tx), input.role, input.right, input.granted)),
      () => input,
    );
  }),
});

const apiKeysRouter = createTRPCRouter({
  list: admin.query(({ ctx }) => keyActivity(ctx.db)),

  create: admin
    .input(z.object({ department, name: z.string().trim().min(1).max(120), ratePerMinute: z.number().int().min(1).max(100_000).optional() }))
    .mutation(async ({ ctx, input }) => {
      // The key itself is shown once and never stored.
      return audited(
        ctx.db,
        ctx.user,
        'apiKey.create',
        (tx) => createApiKey(tx, input),
        (created) => ({ apiKeyId: created.id, name: input.name, department: input.department }),
      );
    }),

  revoke: admin.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await audited(ctx.db, ctx.user, 'apiKey.revoke', (tx) => revokeApiKey(tx, input.id), () => ({ apiKeyId: input.id }));
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
    return replayRejected(ctx.db, input.id, input.correctedEvent, ctx.user);
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
    return audited(ctx.db, ctx.user, 'sso.settings', (tx) => setSetting(tx, 'sso', input), (saved) => saved);
  }),
});

/** Forecast horizon, attribution lookback and SLAs: validated, audited, applied at once. */
const settingsRouter = createTRPCRouter({
  get: admin.query(({ ctx }) => getProductSettings(ctx.db)),

  set: admin.input(productSettings.partial()).mutation(({ ctx, input }) => saveProductSettings(ctx.db, ctx.user, input)),
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
      // The token itself is shown once and never stored.
      return audited(
        ctx.db,
        ctx.user,
        'adminToken.create',
        (tx) => createAdminToken(tx, { ...input, createdBy: ctx.user.id }),
        (created) => ({ tokenId: created.id, name: input.name, scope: input.scope }),
      );
    }),

  /** Raw-event retention: the setting (off by default), audited when changed. */
  retention: admin.query(({ ctx }) => getRetention(ctx.db)),

  setRetention: admin.input(retentionSettings).mutation(({ ctx, input }) => setRetention(ctx.db, input, ctx.user)),

  revokeToken: admin.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await audited(
      ctx.db,
      ctx.user,
      'adminToken.revoke',
      async (tx) => {
        if (!(await revokeAdminToken(tx, input.id))) throw notFound('token');
      },
      () => ({ tokenId: input.id }),
    );
    return { ok: true as const };
  }),
});

export const adminRouter = createTRPCRouter({
  settings: settingsRouter,
  sso: ssoRouter,
  privacy: privacyRouter,
  users: usersRouter,
  permissions: permissionsRouter,
  apiKeys: apiKeysRouter,
  ingestion: ingestionRouter,
  audit: auditRouter,
});
