import type { Metadata } from 'next';
import { requireUser } from '~/trpc/server';
import { ImportPage } from './ImportPage';

export const metadata: Metadata = { title: 'Import · Revenue funnel' };
export const dynamic = 'force-dynamic';

export default async function Import() {
  await requireUser();
  return <ImportPage />;
}
