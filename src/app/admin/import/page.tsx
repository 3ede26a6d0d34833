import { ImportPage } from '~/app/import/ImportPage';
import { adminCaller } from '../adminCaller';

export default async function AdminImport() {
  if (!(await adminCaller())) return null;
  return <ImportPage />;
}
