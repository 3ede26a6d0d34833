// Edit a saved dashboard (its owner only; the router refuses anyone else).
import { TRPCError } from '@trpc/server';
import { notFound } from 'next/navigation';
import { PageHeader } from '~/components/Panel';
import { requireUser, serverCaller } from '~/trpc/server';
import { DashboardEditor } from '../../DashboardEditor';
import { editorKinds, editorModels } from '../../editorOptions';

export default async function EditDashboardPage({ params }: { params: Promise<{ dashboardId: string }> }) {
  await requireUser();
  const id = Number((await params).dashboardId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const api = await serverCaller();
  let dashboard;
  try {
    dashboard = await api.dashboards.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
  if (!dashboard.canEdit) {
    return <p role="alert">Only the owner of “{dashboard.name}” may change it.</p>;
  }
  return (
    <>
      <PageHeader title={`Edit “${dashboard.name}”`} />
      <DashboardEditor dashboardId={dashboard.id} initial={{ name: dashboard.name, tiles: dashboard.tiles }} kinds={editorKinds} models={editorModels} />
    </>
  );
}
