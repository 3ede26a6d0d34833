// Every procedure's answer, for every role, on the demo data: a value of a kind the role may not see
// (contact details, money, spend) must arrive masked, and one it may see must not. Which values are
// of which kind is written here from PRODUCT.md, apart from masking.ts: a field the API forgets to
// declare (say `renewalCents`) reaches a role without 'seeMoney' as a number, and this test fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMasked } from '~/lib/masked';
import { ensureDemoUsers } from '~/server/auth/demoUsers';
import { roles, type Role } from '~/server/auth/rights';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { seedDemoDashboard } from '../../../seed/dashboards';
import { seedKpiTargets } from '../../../seed/kpiTargets';
import { seedDemo } from '../../../seed/seed';
import { appRouter } from './root';
import { callerAs, createTestUser } from './testing';

type Kind = 'contact' | 'money' | 'spend';

// PRODUCT.md, "Roles and permission settings", default matrix: who sees which kind.
const sees: Record<Role, Record<Kind, boolean>> = {
  admin: { contact: true, money: true, spend: true },
  executive: { contact: false, money: true, spend: true },
  marketing: { contact: true, money: true, spend: true },
  sales: { contact: true, money: true, spend: false },
  operations: { contact: false, money: true, spend: false },
  service: { contact: true, money: false, spend: false },
  viewer: { contact: false, money: false, spend: false },
};

// The KPI metrics counted in cents (PRODUCT.md: revenue is money).
const moneyMetrics = new Set(['won_revenue', 'renewal_revenue', 'expansion_revenue']);

/**
 * The kind of the value at `key` of `parent`, judged by what it means: contact details are e-mail
 * addresses and names of contacts; spend is spend, budget, CAC and ROI; money is any other amount
 * in cents, revenue, LTV and attribution credits, and the value, actual and projection of a KPI
 * target on a revenue metric.
 */
function kindOf(key: string, parent: Record<string, unknown>, path: readonly string[]): Kind | null {
  if (['email', 'contactEmail', 'contactName'].includes(key)) return 'contact';
  if (key === 'name' && path.includes('journeys')) return 'contact';
  // The plan's budget is a what-if's container ({ budgetCents, ... }): its fields are judged.
  // (null when the plan has no budget what-if).
  if (key === 'budget' && typeof parent.budget === 'object' && !isMasked(parent.budget)) return null;
  if (/^(spend|budget|cac|roi|costPer|planSpend)/i.test(key)) return 'spend';
  if (/Cents$/.test(key) || ['amount', 'revenue', 'ltv', 'credits'].includes(key)) return 'money';
  if (['targetValue', 'actual', 'projection'].includes(key)) {
    const metric = key === 'targetValue' ? parent.metric : (parent.target as { metric?: unknown } | undefined)?.metric;
    if (typeof metric === 'string' && moneyMetrics.has(metric)) return 'money';
  }
  return null;
}

interface Finding {
  path: string;
  kind: Kind;
  masked: boolean;
}

function findKinds(value: unknown, path: string[], out: Finding[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => findKinds(item, [...path, String(i)], out));
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date || isMasked(value)) return;
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    const kind = kindOf(key, record, path);
    if (kind) out.push({ path: [...path, key].join('.'), kind, masked: isMasked(field) });
    else findKinds(field, [...path, key], out);
  }
}

let handle: DbHandle;
const usersByRole = new Map<Role, SessionUser>();
const anchor = new Date('2026-03-02T00:00:00Z');
const range = { from: '2024-07-01', to: '2026-03-02' };

type Inputs = Record<string, unknown>;
let inputs: Inputs;

// Procedures not walked, and why (every other one is).
const notWalked: Record<string, string> = {
  'imports.inspect': 'needs an uploaded file; answers with the uploader’s own file, read by the importer’s right',
  'imports.preview': 'needs an uploaded file; as inspect',
  'imports.status': 'needs an import run; counts and state only',
  'imports.start': 'mutation starting an import',
  'imports.cancel': 'mutation on an import run',
  'imports.resume': 'mutation on an import run',
  'admin.users.create': 'mutation; answers an id and a one-time password',
  'admin.users.update': 'mutation; answers ok',
  'admin.users.setDisabled': 'mutation; answers ok',
  'admin.users.resetPassword': 'mutation; answers a one-time password',
  'admin.permissions.set': 'mutation; answers the matrix (no contact, money or spend)',
  'admin.apiKeys.create': 'mutation; answers the key once',
  'admin.apiKeys.revoke': 'mutation; answers ok',
  'admin.ingestion.replay': 'mutation; answers a status',
  'admin.sso.set': 'mutation; answers the group mapping',
  'admin.settings.set': 'mutation; answers the settings',
  'admin.privacy.erase': 'mutation; answers counts',
  'admin.privacy.createToken': 'mutation; answers the token once',
  'admin.privacy.revokeToken': 'mutation; answers ok',
  'admin.privacy.setRetention': 'mutation; answers the retention setting',
  'plan.makeTargets': 'mutation; answers the targets made and the lines skipped (their values are walked through kpis.list)',
  'handoffs.setSlas': 'mutation; answers the SLAs',
  'dashboards.create': 'mutation; answers the definition (no values)',
  'dashboards.update': 'mutation; answers the definition',
  'dashboards.share': 'mutation; answers the definition',
  'dashboards.delete': 'mutation; answers the id',
  'alerts.create': 'mutation; answers the rule (no values)',
  'alerts.update': 'mutation; answers the rule',
  'alerts.mute': 'mutation; answers the rule',
  'alerts.delete': 'mutation; answers the id',
  'alerts.sendTest': 'mutation; delivers a test message',
  'notes.create': 'mutation; answers the note (written by the user)',
  'notes.markRead': 'mutation; answers a count',
  'auth.me': 'the signed-in user’s own account and rights: no contact, money or spend',
  'kpis.update': 'walked through kpis.create, which answers the same shape',
  'kpis.delete': 'mutation; answers the id',
};

const procedures = Object.entries(appRouter._def.procedures).map(([path, procedure]) => ({
  path,
  type: (procedure as unknown as { _def: { type: 'query' | 'mutation' } })._def.type,
}));

async function call(user: SessionUser, path: string, input: unknown): Promise<unknown> {
  let target: unknown = callerAs(handle.db, user);
  for (const segment of path.split('.')) target = (target as Record<string, unknown>)[segment];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

const userOf = (r: Role): SessionUser => {
  const user = usersByRole.get(r);
  if (!user) throw new Error(`no ${r} user`);
  return user;
};

beforeAll(async () => {
  handle = await createTestDb();
  await seedDemo(handle.db, { leads: 300, anchor, seed: 7 });
  await seedKpiTargets(handle.db, anchor);
  await ensureDemoUsers(handle.db, () => {});
  await seedDemoDashboard(handle.db);
  for (const r of roles) usersByRole.set(r, await createTestUser(handle.db, { role: r }));
  const admin = callerAs(handle.db, userOf('admin'));
  const [account] = (await admin.accounts.list({ openTicketWithOpenDeal: false })).items;
  const deals = (await admin.attribution.wonDeals({ range })).items;
  // The demo dashboard is shared with executives.
  const [dashboard] = await callerAs(handle.db, userOf('executive')).dashboards.list();
  const [target] = await admin.kpis.list({ asOf: anchor.toISOString() });
  if (!account || !deals[0] || !dashboard || !target) throw new Error('the demo lacks an account, a won deal, a dashboard or a target');
  const metric = { range, filters: {} };
  inputs = {
    'admin.sso.get': undefined,
    'admin.privacy.tokens': undefined,
    'admin.users.list': undefined,
    'admin.permissions.get': undefined,
    'admin.apiKeys.list': undefined,
    'admin.ingestion.rejected': {},
    'admin.audit.list': {},
    'admin.settings.get': undefined,
    'attribution.report': metric,
    'attribution.wonDeals': metric,
    'attribution.deal': { opportunityId: deals[0].opportunityId },
    'forecast.onboarding': { asOf: anchor.toISOString() },
    'accounts.list': {},
    'accounts.get': { accountId: account.accountId },
    'accounts.timeline': { accountId: account.accountId },
    'customers.values': {},
    'customers.retention': metric,
    'customers.report': metric,
    'kpis.metrics': undefined,
    'kpis.editing': undefined,
    'kpis.list': { asOf: anchor.toISOString() },
    'funnel.report': metric,
    'funnel.trend': metric,
    'funnel.journeys': { ...metric, stage: 'conversion' },
    'sources.report': metric,
    'leadQuality.report': metric,
    'handoffs.report': { ...metric, asOf: anchor.toISOString() },
    'handoffs.blackHole': { ...metric, handoff: 'leadFollowUp', asOf: anchor.toISOString() },
    'plan.targets': undefined,
    'plan.get': { targetCents: 50_000_000, periodKind: 'quarter', periodStart: `${anchor.toISOString().slice(0, 4)}-01-01`, asOf: anchor.toISOString() },
    'admin.privacy.retention': undefined,
    'handoffs.slas': undefined,
    'revenue.summary': metric,
    'dashboards.list': undefined,
    'dashboards.get': { id: dashboard.id },
    'setup.status': undefined,
    'imports.options': undefined,
    'imports.list': undefined,
    'alerts.options': undefined,
    'alerts.rules': undefined,
    'alerts.open': undefined,
    'alerts.deliveries': undefined,
    'notes.about': { subjectKind: 'kpi_target', subjectIds: [String(target.target.id)] },
    'notes.account': { accountId: account.accountId },
    'notes.inbox': undefined,
    'notes.unread': undefined,
    'kpis.create': {
      name: 'Walk: won revenue',
      metric: 'won_revenue',
      periodKind: 'quarter',
      periodStart: '2026-01-01',
      targetValue: 5_000_000,
      accountable: 'sales',
      responsible: [],
      consulted: [],
      informed: [],
      budgetCents: 100_000,
    },
  };
}, 300_000);
afterAll(() => handle.close());

describe('the walk covers the router', () => {
  it('walks every procedure or says why not', () => {
    const missing = procedures.filter((p) => !(p.path in notWalked) && !(p.path in inputs)).map((p) => p.path);
    expect(missing).toEqual([]);
    const stale = Object.keys(notWalked).filter((path) => !procedures.some((p) => p.path === path));
    expect(stale).toEqual([]);
  });
});

describe.each(roles)('as %s', (r) => {
  it('masks exactly the values of kinds the role may not see, in every answer', async () => {
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const { path } of procedures) {
      if (path in notWalked) continue;
      let answer: unknown;
      try {
        answer = await call(userOf(r), path, inputs[path]);
      } catch (error) {
        // Refusals are matrix.test.ts's business (and a dashboard not shared with the role is not
        // found); here only answers are judged.
        if (['FORBIDDEN', 'NOT_FOUND'].includes((error as { code?: string }).code ?? '')) continue;
        throw error;
      }
      const findings: Finding[] = [];
      findKinds(answer, [], findings);
      for (const f of findings) {
        seen.add(`${path}:${f.kind}`);
        if (f.masked === sees[r][f.kind]) wrong.push(`${path} ${f.path} (${f.kind}) ${f.masked ? 'masked' : 'visible'}`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    // The demo data gives every kind to judge in the reports that hold it.
    for (const expected of [
      'customers.report:money',
      'customers.values:money',
      'customers.retention:money',
      'sources.report:money',
      'sources.report:spend',
      'attribution.report:money',
      'attribution.deal:money',
      'revenue.summary:money',
      'accounts.list:money',
      'accounts.timeline:contact',
      'funnel.journeys:contact',
      'handoffs.report:contact',
      'kpis.list:money',
      'kpis.list:spend',
    ]) {
      expect(seen).toContain(expected);
    }
  }, 300_000);
});
