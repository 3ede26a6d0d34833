// Saved dashboards: a name, tiles (a kind of chart or table plus its filters) and the roles it is
// shared with. Only definitions are stored; every tile is computed when viewed, through the normal
// procedures, with the rights of whoever looks at it.
import { and, desc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rangePresets, resolveRange } from '~/lib/urlFilters';
import { roles, type Role } from '~/server/auth/rights';
import type { Db } from '~/server/db/client';
import { dashboards, users } from '~/server/db/schema';
import { attributionModels } from '~/server/metrics/attributionWeights';
import { dateRange, metricFilters } from '~/server/metrics/filters';

/** The charts and tables a tile can show; each maps to one existing procedure. */
export const tileKinds = [
  'funnel',
  'sourcesBySource',
  'sourcesByCampaign',
  'attributionByChannel',
  'attributionByCampaign',
  'forecast',
  'kpis',
  'handoffs',
  'customerRetention',
  'customerValueBySource',
  'plan',
] as const;
export type TileKind = (typeof tileKinds)[number];

export const tileKindLabels: Record<TileKind, string> = {
  funnel: 'Funnel: journeys by stage',
  sourcesBySource: 'Lead-to-close by source',
  sourcesByCampaign: 'Lead-to-close by campaign',
  attributionByChannel: 'Attribution by channel',
  attributionByCampaign: 'Attribution by campaign',
  forecast: 'Onboarding forecast',
  kpis: 'KPI targets',
  handoffs: 'Handoffs',
  customerRetention: 'Customers: revenue retention by quarter',
  customerValueBySource: 'Customers: lifetime value by source',
  plan: 'Plan: what each department owes for the revenue target',
};

export const dashboardTile = z.object({
  kind: z.enum(tileKinds),
  title: z.string().trim().max(120).optional(),
  /** a date preset resolved when viewed (default: the last 90 days) */
  preset: z.enum(rangePresets).optional(),
  /** a fixed date range; wins over the preset */
  range: dateRange.optional(),
  filters: metricFilters.default({}),
  /** the attribution model a chart tile shows */
  model: z.enum(attributionModels).optional(),
});
export type DashboardTile = z.output<typeof dashboardTile>;
export type DashboardTileInput = z.input<typeof dashboardTile>;

/** The [from, to) a tile shows when viewed at `now`: its fixed range, else its preset. */
export function tileRange(tile: DashboardTile, now: Date): { from: string; to: string } {
  if (tile.range) return tile.range;
  const preset = tile.preset === undefined || tile.preset === 'custom' ? 'last90' : tile.preset;
  return resolveRange({ preset }, now);
}

export const dashboardDefinition = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  tiles: z.array(dashboardTile).max(24, 'at most 24 tiles').default([]),
});
export type DashboardDefinition = z.input<typeof dashboardDefinition>;

export const shareRoles = z.array(z.enum(roles)).max(roles.length);

export interface Dashboard {
  id: number;
  name: string;
  ownerId: number;
  ownerName: string;
  tiles: DashboardTile[];
  sharedWith: Role[];
  createdAt: string;
  updatedAt: string;
}

/** Who may look at a dashboard: its owner and the roles it is shared with. */
export function canViewDashboard(user: { id: number; role: Role }, dashboard: { ownerId: number; sharedWith: readonly string[] }): boolean {
  return dashboard.ownerId === user.id || dashboard.sharedWith.includes(user.role);
}

/** Who may change, share or delete it: its owner alone. */
export function canChangeDashboard(user: { id: number }, dashboard: { ownerId: number }): boolean {
  return dashboard.ownerId === user.id;
}

const selection = {
  id: dashboards.id,
  name: dashboards.name,
  ownerId: dashboards.ownerId,
  ownerName: users.name,
  tiles: dashboards.tiles,
  sharedWith: dashboards.sharedWith,
  createdAt: dashboards.createdAt,
  updatedAt: dashboards.updatedAt,
};

type Selected = { [K in keyof typeof selection]: (typeof selection)[K]['_']['data'] };

/** Stored tiles that no longer validate (a kind since removed) are left out rather than failing the page. */
function toDashboard(row: Selected): Dashboard {
  const tiles: DashboardTile[] = [];
  for (const stored of row.tiles) {
    const parsed = dashboardTile.safeParse(stored);
    if (parsed.success) tiles.push(parsed.data);
  }
  const roleSet = new Set<string>(roles);
  return {
    id: row.id,
    name: row.name,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    tiles,
    sharedWith: row.sharedWith.filter((r): r is Role => roleSet.has(r)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getDashboard(db: Db, id: number): Promise<Dashboard | null> {
  const [row] = await db.select(selection).from(dashboards).innerJoin(users, eq(users.id, dashboards.ownerId)).where(eq(dashboards.id, id));
  return row ? toDashboard(row) : null;
}

/** The user's own dashboards and those shared with the user's role, latest change first. */
export async function listDashboards(db: Db, user: { id: number; role: Role }): Promise<Dashboard[]> {
  const found = await db
    .select(selection)
    .from(dashboards)
    .innerJoin(users, eq(users.id, dashboards.ownerId))
    .where(or(eq(dashboards.ownerId, user.id), sql`${dashboards.sharedWith} @> ${JSON.stringify([user.role])}::jsonb`))
    .orderBy(desc(dashboards.updatedAt), desc(dashboards.id));
  return found.map(toDashboard);
}

export async function createDashboard(db: Db, ownerId: number, definition: DashboardDefinition): Promise<Dashboard> {
  const values = dashboardDefinition.parse(definition);
  const [row] = await db.insert(dashboards).values({ name: values.name, tiles: values.tiles, ownerId }).returning({ id: dashboards.id });
  if (!row) throw new Error('dashboard was not created');
  const created = await getDashboard(db, row.id);
  if (!created) throw new Error('dashboard was not created');
  return created;
}

/** Replaces the name and tiles; null when there is no such dashboard. */
export async function updateDashboard(db: Db, id: number, definition: DashboardDefinition): Promise<Dashboard | null> {
  const values = dashboardDefinition.parse(definition);
  const updated = await db
    .update(dashboards)
    .set({ name: values.name, tiles: values.tiles, updatedAt: sql`statement_timestamp()` })
    .where(eq(dashboards.id, id))
    .returning({ id: dashboards.id });
  return updated.length > 0 ? getDashboard(db, id) : null;
}

/** Sets the roles it is shared with (an empty list: private again); null when there is no such dashboard. */
export async function shareDashboard(db: Db, id: number, withRoles: readonly Role[]): Promise<Dashboard | null> {
  const sharedWith = [...new Set(shareRoles.parse(withRoles))];
  const updated = await db
    .update(dashboards)
    .set({ sharedWith, updatedAt: sql`statement_timestamp()` })
    .where(eq(dashboards.id, id))
    .returning({ id: dashboards.id });
  return updated.length > 0 ? getDashboard(db, id) : null;
}

export async function deleteDashboard(db: Db, id: number, ownerId: number): Promise<boolean> {
  const deleted = await db
    .delete(dashboards)
    .where(and(eq(dashboards.id, id), eq(dashboards.ownerId, ownerId)))
    .returning({ id: dashboards.id });
  return deleted.length > 0;
}
