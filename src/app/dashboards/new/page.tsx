// Compose a new dashboard.
import { PageHeader } from '~/components/Panel';
import { requireUser } from '~/trpc/server';
import { DashboardEditor } from '../DashboardEditor';
import { editorKinds, editorModels } from '../editorOptions';

export default async function NewDashboardPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="New dashboard" subtitle="Add tiles, name it, save; share it with roles from its page." />
      <DashboardEditor initial={{ name: '', tiles: [{ kind: 'funnel', preset: 'last90', filters: {} }] }} kinds={editorKinds} models={editorModels} />
    </>
  );
}
