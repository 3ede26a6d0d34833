// Saved dashboards: the user's own and those shared with the user's role.
import Link from 'next/link';
import type { Row } from '~/components/DataTable';
import { PageHeader, Panel } from '~/components/Panel';
import { RefreshControl } from '~/components/RefreshControl';
import styles from '~/components/ui.module.css';
import { requireUser, serverCaller, viewer } from '~/trpc/server';
import { DashboardsTable } from './DashboardsTable';

export default async function DashboardsPage() {
  await requireUser();
  const api = await serverCaller();
  const [me, dashboards] = await Promise.all([viewer(), api.dashboards.list()]);
  const rows: Row[] = dashboards.map((d) => ({
    id: d.id,
    name: d.name,
    owner: d.yours ? 'you' : d.ownerName,
    tiles: d.tiles.length,
    sharedWith: d.sharedWith.length > 0 ? d.sharedWith.join(', ') : 'nobody',
    updatedAt: d.updatedAt,
  }));
  return (
    <>
      <PageHeader title="Saved dashboards" subtitle="Compose tiles from the charts and tables of the other pages; a shared dashboard is computed with the rights of whoever looks at it.">
        <Link href="/dashboards/new" className={`${styles.button} ${styles.primary}`} style={{ textDecoration: 'none' }}>
          New dashboard
        </Link>
        <RefreshControl />
      </PageHeader>
      <Panel id="dashboards" title="Yours and shared with your role">
        <DashboardsTable rows={rows} canExport={me?.rights.includes('exportCsv') ?? false} />
      </Panel>
    </>
  );
}
