// One saved dashboard: every tile computed now, through the normal procedures, with the rights of
// the person looking at it. Its owner may edit, share (with 'shareDashboards') and delete it.
import { TRPCError } from '@trpc/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import { EmptyState } from '~/components/States';
import styles from '~/components/ui.module.css';
import { roles } from '~/server/auth/rights';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { FullScreenButton } from '../FullScreenButton';
import { OwnerControls } from '../OwnerControls';
import { TileView } from '../TileView';

export default async function DashboardPage({
  params,
  searchParams,
}: {
  params: Promise<{ dashboardId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const present = (await searchParams).present === '1';
  const user = await requireUser();
  const id = Number((await params).dashboardId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const api = await serverCaller();
  const [dashboard, me] = await Promise.all([
    api.dashboards.get({ id }).catch((error: unknown) => {
      if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFound();
      throw error;
    }),
    viewer(),
  ]);
  const rights = me?.rights ?? [];
  const now = new Date();
  // Each tile streams in on its own (TileView's Suspense): the page does not wait for the slowest.
  const tiles = dashboard.tiles.map((tile, index) => <TileView key={index} api={api} tile={tile} index={index} canExport={rights.includes('exportCsv')} now={now} />);

  if (present) {
    // The presentation view: for a wall screen; live, without navigation or controls.
    return (
      <div data-presentation>
        <PageHeader title={dashboard.name} subtitle={`Figures computed with your role's rights (${user.role}).`}>
          <FullScreenButton />
          <Link href={`/dashboards/${dashboard.id}`} className={styles.button} style={{ textDecoration: 'none' }}>
            Leave presentation
          </Link>
          <RefreshControl />
        </PageHeader>
        {tiles.length > 0 ? tiles : <EmptyState>This dashboard has no tiles yet.</EmptyState>}
      </div>
    );
  }

  return (
    <>
      <p>
        <Link href="/dashboards">← All dashboards</Link>
      </p>
      <PageHeader
        title={dashboard.name}
        subtitle={`${dashboard.yours ? 'Yours' : `By ${dashboard.ownerName}`}; shared with ${dashboard.sharedWith.length > 0 ? dashboard.sharedWith.join(', ') : 'nobody'}. Figures computed with your role's rights (${user.role}).`}
      >
        {dashboard.canEdit ? (
          <Link href={`/dashboards/${dashboard.id}/edit`} className={styles.button} style={{ textDecoration: 'none' }}>
            Edit
          </Link>
        ) : null}
        <Link href={`/dashboards/${dashboard.id}?present=1`} className={styles.button} style={{ textDecoration: 'none' }}>
          Present
        </Link>
        <RefreshControl />
      </PageHeader>
      {dashboard.canEdit ? <OwnerControls dashboardId={dashboard.id} name={dashboard.name} sharedWith={dashboard.sharedWith} roles={[...roles]} canShare={dashboard.canShare} /> : null}
      {tiles.length > 0 ? tiles : <EmptyState>This dashboard has no tiles yet.</EmptyState>}
    </>
  );
}
