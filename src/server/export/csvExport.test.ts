// CSV export through the route handler's code, with real session cookies and a real database: the
// right is checked on the server, what the role may not see is masked whatever the page sent, and
// every export lands in the audit log.
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '~/server/api/testing';
import { recentAudit } from '~/server/auth/audit';
import type { Role } from '~/server/auth/rights';
import { getAuthSecret } from '~/server/auth/secret';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { handleCsvExport } from './csvExport';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

async function signedIn(role: Role): Promise<{ user: SessionUser; cookie: string }> {
  const user = await createTestUser(handle.db, { role });
  return { user, cookie: `next-auth.session-token=${await encode({ token: { sub: String(user.id) }, secret: await getAuthSecret(handle.db) })}` };
}

const table = {
  name: 'won-deals',
  caption: 'Won deals',
  columns: [
    { key: 'opportunityId', header: 'Deal', format: 'text' },
    { key: 'contactEmail', header: 'Email', format: 'text' },
    { key: 'amountCents', header: 'Amount', format: 'cents' },
    { key: 'spend', header: 'Spend', format: 'cents' },
  ],
  rows: [
    { opportunityId: 'opp-1', contactEmail: 'ada@example.com', amountCents: 1_250_050, spend: 9_900 },
    { opportunityId: 'opp-2, "big"', contactEmail: { masked: true }, amountCents: null, spend: 0 },
  ],
};

function post(body: unknown, headers: Record<string, string>): Request {
  return new Request('http://funnel.test/api/export', {
    method: 'POST',
    headers: { host: 'funnel.test', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const auditOf = async (userId: number) => (await recentAudit(handle.db, 500)).filter((entry) => entry.actorId === userId);

describe('POST /api/export', () => {
  it('answers the CSV of the rows sent and records the export in the audit log', async () => {
    const { user, cookie } = await signedIn('marketing');
    const response = await handleCsvExport(post(table, { cookie, origin: 'http://funnel.test' }), { db: handle.db });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="won-deals.csv"');
    expect(await response.text()).toBe('Deal,Email,Amount,Spend\r\nopp-1,ada@example.com,12500.50,99.00\r\n"opp-2, ""big""",masked,,0.00\r\n');
    const [entry] = await auditOf(user.id);
    expect(entry).toMatchObject({
      action: 'export.csv',
      actorEmail: user.email,
      details: { table: 'won-deals', caption: 'Won deals', rows: 2, columns: ['opportunityId', 'contactEmail', 'amountCents', 'spend'], maskedColumns: [] },
    });
  });

  it('masks what the role may not see, even when the request carries it', async () => {
    // Operations sees money but neither contact details nor spend.
    const { user, cookie } = await signedIn('operations');
    const response = await handleCsvExport(post(table, { cookie }), { db: handle.db });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Deal,Email,Amount,Spend\r\nopp-1,masked,12500.50,masked\r\n"opp-2, ""big""",masked,,masked\r\n');
    expect((await auditOf(user.id))[0]?.details).toMatchObject({ maskedColumns: ['contactEmail', 'spend'] });
  });

  it('refuses a role without the export right, and records the refusal', async () => {
    const { user, cookie } = await signedIn('viewer');
    const response = await handleCsvExport(post(table, { cookie }), { db: handle.db });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'Your role may not export CSV.' });
    expect((await auditOf(user.id)).map((e) => [e.action, e.details])).toEqual([['export.refused', { table: 'won-deals', role: 'viewer' }]]);
  });

  it('refuses the signed out, another site, and a malformed request', async () => {
    expect((await handleCsvExport(post(table, {}), { db: handle.db })).status).toBe(401);
    const { user, cookie } = await signedIn('admin');
    const foreign = await handleCsvExport(post(table, { cookie, origin: 'https://evil.example' }), { db: handle.db });
    expect(foreign.status).toBe(403);
    const bad = await handleCsvExport(post({ ...table, name: '../etc/passwd', rows: [{ a: { masked: false } }] }, { cookie }), { db: handle.db });
    expect(bad.status).toBe(400);
    const answer = (await bad.json()) as { error: string; errors: { path: string }[] };
    expect(answer.error).toBe('Invalid export request');
    expect(answer.errors.map((e) => e.path)).toEqual(['name', 'rows.0.a']);
    expect((await handleCsvExport(post('{not json', { cookie }), { db: handle.db })).status).toBe(400);
    expect(await auditOf(user.id)).toEqual([]);
  });
});
