// Saved dashboards through the real middleware chain: creating, sharing, listing and viewing per
// role. A viewer may keep but not share dashboards; a role it is shared with sees it; others do not;
// its tiles are computed with the viewer's rights, not the owner's.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;
let executive: SessionUser;
let sales: SessionUser;
let marketing: SessionUser;
let viewer: SessionUser;

const range = { from: '2026-01-01', to: '2026-02-01' };

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return error instanceof TRPCError ? error.code : 'thrown';
  }
}

beforeAll(async () => {
  handle = await createTestDb();
  executive = await createTestUser(handle.db, { role: 'executive' });
  sales = await createTestUser(handle.db, { role: 'sales' });
  marketing = await createTestUser(handle.db, { role: 'marketing' });
  viewer = await createTestUser(handle.db, { role: 'viewer' });
  const marketingKey = await createApiKey(handle.db, { department: 'marketing', name: 'marketing' });
  const salesKey = await createApiKey(handle.db, { department: 'sales', name: 'sales' });
  await ingestAndApply(handle.db, { apiKeyId: marketingKey.id, department: 'marketing' }, [
    { id: 'm1', type: 'touch', occurredAt: '2026-01-03T00:00:00Z', data: { contactId: 'C1', channel: 'email', touchType: 'click' } },
    { id: 'm2', type: 'lead.created', occurredAt: '2026-01-04T00:00:00Z', data: { contactId: 'C1', accountId: 'A1', source: 'email' } },
  ]);
  await ingestAndApply(handle.db, { apiKeyId: salesKey.id, department: 'sales' }, [
    { id: 's1', type: 'opportunity.created', occurredAt: '2026-01-05T00:00:00Z', data: { opportunityId: 'O1', accountId: 'A1', contactId: 'C1', amountCents: 90000, dealType: 'smb' } },
    { id: 's2', type: 'opportunity.won', occurredAt: '2026-01-10T00:00:00Z', data: { opportunityId: 'O1' } },
  ]);
});
afterAll(() => handle.close());

describe('saved dashboards', () => {
  it('lets a viewer keep a dashboard for itself but not share it', async () => {
    const asViewer = callerAs(handle.db, viewer);
    const mine = await asViewer.dashboards.create({ name: 'Mine', tiles: [{ kind: 'funnel', range }] });
    expect(mine).toMatchObject({ name: 'Mine', ownerId: viewer.id, sharedWith: [], tiles: [{ kind: 'funnel', range, filters: {} }] });
    expect(await codeOf(asViewer.dashboards.share({ id: mine.id, roles: ['sales'] }))).toBe('FORBIDDEN');
    expect((await asViewer.dashboards.get({ id: mine.id })).sharedWith).toEqual([]);
    expect((await asViewer.dashboards.list()).map((d) => d.name)).toEqual(['Mine']);
    // Nobody else sees it.
    expect(await codeOf(callerAs(handle.db, sales).dashboards.get({ id: mine.id }))).toBe('NOT_FOUND');
  });

  it('shows a shared dashboard to the roles it is shared with and to nobody else', async () => {
    const asExecutive = callerAs(handle.db, executive);
    const board = await asExecutive.dashboards.create({
      name: 'Revenue',
      tiles: [{ kind: 'attributionByChannel', range, model: 'linear' }, { kind: 'kpis' }],
    });
    const shared = await asExecutive.dashboards.share({ id: board.id, roles: ['sales', 'viewer', 'sales'] });
    expect(shared.sharedWith).toEqual(['sales', 'viewer']);

    const asSales = callerAs(handle.db, sales);
    expect((await asSales.dashboards.list()).map((d) => d.name)).toEqual(['Revenue']);
    expect(await asSales.dashboards.get({ id: board.id })).toMatchObject({ name: 'Revenue', ownerName: executive.name, tiles: [{ kind: 'attributionByChannel', model: 'linear' }, { kind: 'kpis' }] });
    expect((await callerAs(handle.db, viewer).dashboards.list()).map((d) => d.name).sort()).toEqual(['Mine', 'Revenue']);

    const asMarketing = callerAs(handle.db, marketing);
    expect(await asMarketing.dashboards.list()).toEqual([]);
    expect(await codeOf(asMarketing.dashboards.get({ id: board.id }))).toBe('NOT_FOUND');

    // Unshared: sales no longer sees it.
    await asExecutive.dashboards.share({ id: board.id, roles: [] });
    expect(await codeOf(asSales.dashboards.get({ id: board.id }))).toBe('NOT_FOUND');
    expect(await asSales.dashboards.list()).toEqual([]);
  });

  it('lets only the owner change, share or delete it', async () => {
    const asExecutive = callerAs(handle.db, executive);
    const board = await asExecutive.dashboards.create({ name: 'Ops', tiles: [{ kind: 'forecast' }] });
    await asExecutive.dashboards.share({ id: board.id, roles: ['sales'] });
    const asSales = callerAs(handle.db, sales);
    expect(await codeOf(asSales.dashboards.update({ id: board.id, name: 'Taken', tiles: [] }))).toBe('FORBIDDEN');
    expect(await codeOf(asSales.dashboards.share({ id: board.id, roles: ['marketing'] }))).toBe('FORBIDDEN');
    expect(await codeOf(asSales.dashboards.delete({ id: board.id }))).toBe('FORBIDDEN');
    expect(await codeOf(callerAs(handle.db, marketing).dashboards.delete({ id: board.id }))).toBe('NOT_FOUND');

    const renamed = await asExecutive.dashboards.update({ id: board.id, name: 'Operations', tiles: [{ kind: 'handoffs', range }] });
    expect(renamed).toMatchObject({ name: 'Operations', sharedWith: ['sales'], tiles: [{ kind: 'handoffs' }] });
    expect(await asExecutive.dashboards.delete({ id: board.id })).toEqual({ id: board.id });
    expect(await codeOf(asExecutive.dashboards.get({ id: board.id }))).toBe('NOT_FOUND');
  });

  it('refuses signed-out callers and invalid definitions', async () => {
    expect(await codeOf(callerAs(handle.db, null).dashboards.list())).toBe('UNAUTHORIZED');
    expect(await codeOf(callerAs(handle.db, sales).dashboards.create({ name: '', tiles: [] }))).toBe('BAD_REQUEST');
  });

  it("computes a shared dashboard's tiles with the viewer's rights, not the owner's", async () => {
    const asExecutive = callerAs(handle.db, executive);
    const board = await asExecutive.dashboards.create({ name: 'Attribution', tiles: [{ kind: 'attributionByChannel', range }] });
    await asExecutive.dashboards.share({ id: board.id, roles: ['viewer'] });
    const tile = (await callerAs(handle.db, viewer).dashboards.get({ id: board.id })).tiles[0]!;
    expect(tile.range).toEqual(range);

    const ownersView = await asExecutive.attribution.report({ range: tile.range!, filters: tile.filters });
    const viewersView = await callerAs(handle.db, viewer).attribution.report({ range: tile.range!, filters: tile.filters });
    expect(ownersView.byChannel.find((row) => row.key === 'email')?.models.first_touch.revenueCents).toBe(90000);
    expect(viewersView.revenueCents).toEqual(masked);
    expect(viewersView.byChannel.find((row) => row.key === 'email')?.models.first_touch.revenueCents).toEqual(masked);
  });
});

describe('what a user may do with a dashboard comes with it', () => {
  it('says yours, canEdit and canShare, so that pages decide nothing', async () => {
    const mine = await callerAs(handle.db, marketing).dashboards.create({ name: 'Abilities', tiles: [] });
    await callerAs(handle.db, marketing).dashboards.share({ id: mine.id, roles: ['sales'] });
    expect(await callerAs(handle.db, marketing).dashboards.get({ id: mine.id })).toMatchObject({ yours: true, canEdit: true, canShare: true });
    expect(await callerAs(handle.db, sales).dashboards.get({ id: mine.id })).toMatchObject({ yours: false, canEdit: false, canShare: false });
    const kept = await callerAs(handle.db, viewer).dashboards.create({ name: 'Viewer keeps', tiles: [] });
    const [listed] = (await callerAs(handle.db, viewer).dashboards.list()).filter((d) => d.id === kept.id);
    expect(listed).toMatchObject({ yours: true, canEdit: true, canShare: false });
  });
});
