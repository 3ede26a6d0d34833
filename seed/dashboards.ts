// The demo's saved dashboard: marketing's weekly review of the pipeline, shared with the
// executives, as a marketer would have composed it. Needs the demo accounts (its owner).
import { and, eq } from 'drizzle-orm';
import { demoEmail } from '~/server/auth/demoUsers';
import type { Db } from '~/server/db/client';
import { dashboards, users } from '~/server/db/schema';
import { createDashboard, shareDashboard, type Dashboard, type DashboardDefinition } from '~/server/dashboards';

export const demoDashboard: DashboardDefinition = {
  name: 'Weekly pipeline review (marketing for the executives)',
  tiles: [
    { kind: 'kpis', title: 'Targets and who owns them' },
    { kind: 'funnel', title: 'Journeys by stage, last 12 months', preset: 'last12Months' },
    { kind: 'sourcesByCampaign', title: 'Campaigns, last 90 days: spend against wins', preset: 'last90' },
    { kind: 'attributionByChannel', title: 'Revenue credit by channel, last 12 months', preset: 'last12Months', model: 'w_shaped' },
    { kind: 'handoffs', title: 'Handoffs, last 30 days', preset: 'last30' },
    { kind: 'forecast', title: 'Onboarding forecast against capacity' },
  ],
};

/** Creates the demo dashboard, owned by the marketing demo account and shared with executives, unless it exists; null without that account. */
export async function seedDemoDashboard(db: Db): Promise<Dashboard | null> {
  const [owner] = await db.select({ id: users.id }).from(users).where(eq(users.email, demoEmail('marketing')));
  if (!owner) return null;
  const [existing] = await db
    .select({ id: dashboards.id })
    .from(dashboards)
    .where(and(eq(dashboards.ownerId, owner.id), eq(dashboards.name, demoDashboard.name)));
  if (existing) return null;
  const created = await createDashboard(db, owner.id, demoDashboard);
  return shareDashboard(db, created.id, ['executive']);
}
